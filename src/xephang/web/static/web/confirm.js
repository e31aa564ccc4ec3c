// A button with data-confirm asks before it acts (no inline handlers: the pages' CSP allows none).
document.addEventListener("click", function (event) {
  var el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// A form marked data-unsaved (the report, an explanation) keeps what was typed: leaving the page
// with changes not yet saved asks first (the browser's own "leave site?" question).
(function () {
  var dirty = new Set();
  document.addEventListener("input", function (event) {
    var form = event.target.form || event.target.closest("form");
    if (form && form.hasAttribute("data-unsaved")) dirty.add(form);
  });
  document.addEventListener("submit", function (event) {
    dirty.delete(event.target);
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty.size) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
