"""Form widgets written in Python instead of through Django's widget templates, for the pages that
hold many of them: the appraiser's unit page has four per figure (164 for a unit of the demo), and
rendering them through the template engine was half the page's time. Each writes exactly what
Django's own template writes (``tests/web/test_widgets.py`` compares them on every form of a page),
from the same ``get_context``, so attributes, values and escaping are Django's."""

from __future__ import annotations

from django import forms
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    # django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name alone; a
    # value goes through ``stringformat:'s'`` (plain text again), so it is always escaped.
    return "".join(
        f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class _DirectInput:
    def render(self, name, value, attrs=None, renderer=None):
        w = self.get_context(name, value, attrs)["widget"]
        shown = "" if w["value"] is None else f' value="{escape(w["value"])}"'
        return mark_safe(
            f'<input type="{conditional_escape(w["type"])}" name="{conditional_escape(w["name"])}"{shown}'
            f"{_attrs(w['attrs'])}>"
        )


class TextInput(_DirectInput, forms.TextInput):
    pass


class HiddenInput(_DirectInput, forms.HiddenInput):
    pass


class Select(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        w = self.get_context(name, value, attrs)["widget"]
        out = [f'<select name="{conditional_escape(w["name"])}"{_attrs(w["attrs"])}>']
        for group_name, options, _ in w["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for o in options:
                out.append(
                    f'\n  <option value="{escape(o["value"])}"{_attrs(o["attrs"])}>'
                    f"{conditional_escape(o['label'])}</option>\n"
                )
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))
