"""The period's parameters as a form generated from the criteria set's ``params:`` (figures the
province fixes once per period for every unit, "b = ... theo yêu cầu của tỉnh"). Each value is
checked by ``xephang.framework.params.parse_param``, the check ``period.yaml`` and ``--param`` go
through, and a refusal is shown next to its field, in Vietnamese."""

from __future__ import annotations

from django import forms

from xephang.display import CHOOSE, YES_NO, range_text, yes_no
from xephang.framework.model import Framework, Param
from xephang.framework.params import ParamError, parse_param
from xephang.numbers import plain


def bounds_text(p: Param) -> str:
    if p.type == "yesno":
        return "có hoặc không"
    if p.type == "ratio":
        return "tỷ lệ từ 0 đến 1 (hoặc %)"
    text = range_text(p.min if p.min is not None else 0, p.max)
    return text + (", số nguyên" if p.type == "count" else "")


class PeriodParamsForm(forms.Form):
    """One field per parameter of the set, in the set's order; blank keeps the set's default."""

    def __init__(self, *args, framework: Framework, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework
        for p in framework.params.values():
            default = (
                "" if p.default is None else (yes_no(p.default) if isinstance(p.default, bool) else plain(p.default))
            )
            help_text = (
                bounds_text(p)
                + (f"; để trống: {default}" if default else "; bắt buộc")
                + (f". {p.help}" if p.help else "")
            )
            label = p.label + (f" ({p.unit})" if p.unit else "")
            if p.type == "yesno":
                field = forms.ChoiceField(
                    label=label, required=p.default is None, help_text=help_text, choices=[("", CHOOSE), *YES_NO]
                )
            else:
                field = forms.CharField(
                    label=label,
                    required=p.default is None,
                    max_length=40,
                    help_text=help_text,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                )
            field.error_messages["required"] = "Cần nhập giá trị tham số này (bộ tiêu chí không có giá trị mặc định)."
            self.fields[p.id] = field
            self.initial.setdefault(p.id, str(current.get(p.id, "")))

    def clean(self):
        data = super().clean()
        for p in self.framework.params.values():
            text = str(data.get(p.id) or "").strip()
            if not text or p.id in self.errors:
                continue
            try:
                parse_param(p, text)
            except ParamError as e:
                # The core's message names the parameter; next to its field only what is wrong is said.
                self.add_error(p.id, str(e).split(f"({p.label}): ", 1)[-1])
        return data

    def values(self) -> dict[str, str]:
        """The values to store (text as typed; blanks left out, so the set's default applies)."""
        return {
            pid: str(self.cleaned_data.get(pid) or "").strip()
            for pid in self.framework.params
            if str(self.cleaned_data.get(pid) or "").strip()
        }
