// A button with data-confirm asks before it acts (no inline handlers: the pages' CSP allows none).
document.addEventListener("click", function (event) {
  var el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// A form marked data-unsaved (the report, an explanation, each figure's decision on the appraisal page)
// keeps what was typed: leaving the page with changes not yet sent asks first (the browser's own "leave
// site?" question), and where a part of the page is redrawn in place (htmx: the appraisal page redraws
// itself after each figure's decision) every field typed but not yet sent gets its text back.
(function () {
  var typed = new Map(); // field id -> the text typed there and not yet sent
  var dirty = new Set(); // the forms changed and not yet sent (fields without an id count here)

  function unsavedForm(el) {
    var form = el.form || (el.closest && el.closest("form"));
    return form && form.hasAttribute("data-unsaved") ? form : null;
  }
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.id && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) && !/^(hidden|file|submit|button)$/.test(el.type);
    });
  }
  function remember(event) {
    var el = event.target;
    var form = unsavedForm(el);
    if (!form) return;
    dirty.add(form);
    if (el.id) typed.set(el.id, el.type === "checkbox" ? el.checked : el.value);
  }
  document.addEventListener("input", remember);
  document.addEventListener("change", remember);
  document.addEventListener("submit", function (event) {
    dirty.delete(event.target);
    fields(event.target).forEach(function (el) {
      typed.delete(el.id);
    });
  });
  // A figure whose decision was refused comes back with its text and the error beside it: still unsent.
  document.addEventListener("htmx:afterSwap", function () {
    document.querySelectorAll("form[data-unsaved]").forEach(function (form) {
      if (!form.querySelector("[role=alert]")) return;
      fields(form).forEach(function (el) {
        if (el.value && !typed.has(el.id)) typed.set(el.id, el.value);
      });
    });
    typed.forEach(function (value, id) {
      var el = document.getElementById(id);
      if (!el) return;
      if (el.type === "checkbox") el.checked = value;
      else if (el.value !== value) el.value = value;
    });
  });
  window.addEventListener("beforeunload", function (event) {
    var changed = Array.from(dirty).some(function (form) {
      return form.isConnected;
    });
    if (typed.size || changed) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
