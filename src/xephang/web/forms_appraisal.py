"""Appraisal forms: the appraiser's decision on one reported figure, typed by the figure (yes/no and choices
picked from a list, numbers typed, 85,03 accepted); the unit's explanation of an adjusted figure and the
decision on it. Errors stay beside the field with what was typed."""

from __future__ import annotations

from django import forms

from xephang.display import CHOOSE, YES_NO
from xephang.framework.model import Input

from . import widgets


class AdjustmentForm(forms.Form):
    input = forms.CharField(widget=widgets.HiddenInput)
    version = forms.IntegerField(widget=widgets.HiddenInput, required=False, min_value=0)
    action = forms.ChoiceField(
        choices=[("accept", "Chấp nhận"), ("adjust", "Điều chỉnh")],
        error_messages={"required": "Hãy chọn Chấp nhận hoặc Điều chỉnh."},
    )
    value = forms.CharField(label="Số liệu thẩm định", required=False, max_length=100)
    reason = forms.CharField(label="Lý do", required=False, max_length=2000)

    def __init__(self, *args, inp: Input, adjustment=None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        initial.setdefault("input", inp.id)
        initial.setdefault("version", adjustment.version if adjustment else 0)
        if adjustment is not None and not adjustment.accepted:
            initial["value"] = adjustment.value  # the appraised figure, over the unit's own
        super().__init__(*args, initial=initial, **kwargs)
        self.inp = inp
        attrs = {"id": f"val-{inp.id}"}
        if inp.type == "yesno":
            self.fields["value"] = forms.ChoiceField(
                label="Số liệu thẩm định",
                required=False,
                choices=[("", CHOOSE), *YES_NO],
                widget=widgets.Select(attrs=attrs),
                error_messages={"invalid_choice": "Hãy chọn Có hoặc Không."},
            )
        elif inp.type == "choice":
            self.fields["value"] = forms.ChoiceField(
                label="Số liệu thẩm định",
                required=False,
                choices=[("", CHOOSE)] + [(o.label, o.label) for o in inp.options],
                widget=widgets.Select(attrs=attrs),
                error_messages={"invalid_choice": "Hãy chọn một trong các lựa chọn của danh sách."},
            )
        elif inp.type == "list":  # the items the appraiser accepts, one per line (prefilled with the unit's)
            self.fields["value"] = forms.CharField(
                label="Số liệu thẩm định",
                required=False,
                max_length=20000,
                widget=forms.Textarea(
                    attrs={
                        **attrs,
                        "rows": 4,
                        "style": "max-width:360px;vertical-align:top",
                        "title": "mỗi dòng một tên được chấp nhận",
                    }
                ),
            )
        else:
            self.fields["value"].widget = widgets.TextInput(
                attrs={**attrs, "inputmode": "decimal", "autocomplete": "off", "style": "max-width:140px"}
            )
        self.fields["reason"].widget = widgets.TextInput(attrs={"id": f"rs-{inp.id}", "style": "max-width:320px"})

    def clean_input(self):
        if self.cleaned_data["input"] != self.inp.id:
            raise forms.ValidationError("Biểu mẫu không khớp chỉ tiêu.")
        return self.cleaned_data["input"]

    def clean(self):
        data = super().clean()
        if data.get("action") == "adjust":
            if not (data.get("value") or "").strip():
                self.add_error("value", "Hãy nhập số liệu thẩm định.")
            if not (data.get("reason") or "").strip():
                self.add_error("reason", "Điều chỉnh số liệu phải ghi rõ lý do.")
        return data

    @property
    def accepted(self) -> bool:
        return self.cleaned_data["action"] == "accept"


class ExplanationDecisionForm(forms.Form):
    """The decision on a unit's explanation of an adjustment: accept it (the unit's figure counts) or keep
    the appraised figure, always with a reason. Only an explanation of this report can be decided."""

    explanation = forms.ModelChoiceField(
        queryset=None,
        widget=widgets.HiddenInput,
        error_messages={"invalid_choice": "Giải trình không thuộc báo cáo này.", "required": "Chưa chọn giải trình."},
    )
    decision = forms.ChoiceField(
        choices=[("accept", "Chấp nhận giải trình"), ("reject", "Giữ kết quả thẩm định")],
        error_messages={
            "required": "Hãy chọn Chấp nhận giải trình hoặc Giữ kết quả thẩm định.",
            "invalid_choice": "Hãy chọn Chấp nhận giải trình hoặc Giữ kết quả thẩm định.",
        },
    )
    reason = forms.CharField(
        label="Lý do quyết định",
        max_length=2000,
        error_messages={
            "required": "Quyết định về giải trình phải có lý do.",
            "max_length": "Lý do tối đa %(limit_value)d ký tự (đang có %(show_value)d).",
        },
    )

    def __init__(self, *args, submission, explanation=None, **kwargs):
        from .models import Explanation

        if explanation is not None:
            kwargs.setdefault("initial", {"explanation": explanation.pk})
        super().__init__(*args, **kwargs)
        self.fields["explanation"].queryset = Explanation.objects.filter(adjustment__submission=submission)
        # The field's id follows the explanation (several forms on one page).
        key = explanation.pk if explanation is not None else self.data.get("explanation", "")
        self.fields["reason"].widget = widgets.TextInput(
            attrs={"id": f"dr-{key}", "required": True, "aria-describedby": f"dr-{key}-err"}
        )

    @property
    def accepted(self) -> bool:
        return self.cleaned_data["decision"] == "accept"


class ExplanationForm(forms.Form):
    """A unit's explanation of an adjusted figure of its own report, with an optional document."""

    adjustment = forms.ModelChoiceField(
        queryset=None,
        widget=widgets.HiddenInput,
        error_messages={
            "invalid_choice": "Số liệu này không bị điều chỉnh trong báo cáo của đơn vị.",
            "required": "Chưa chọn số liệu bị điều chỉnh.",
        },
    )
    text = forms.CharField(
        label="Nội dung giải trình",
        max_length=5000,
        error_messages={
            "required": "Hãy nhập nội dung giải trình.",
            "max_length": "Giải trình tối đa %(limit_value)d ký tự (đang có %(show_value)d).",
        },
    )
    file = forms.FileField(label="Tài liệu bổ sung (không bắt buộc)", required=False)
    locator = forms.CharField(
        label="Vị trí trong tài liệu",
        required=False,
        max_length=200,
        error_messages={"max_length": "Vị trí tối đa %(limit_value)d ký tự (đang có %(show_value)d)."},
    )

    def __init__(self, *args, submission, adjustment=None, **kwargs):
        if adjustment is not None:
            initial = kwargs.setdefault("initial", {})
            initial.setdefault("adjustment", adjustment.pk)
            expl = getattr(adjustment, "explanation", None)
            if expl is not None:
                initial.setdefault("text", expl.text)
        super().__init__(*args, **kwargs)
        self.fields["adjustment"].queryset = submission.adjustments.filter(accepted=False)
        # Ids follow the adjustment (one form per adjusted figure on the page).
        key = adjustment.pk if adjustment is not None else self.data.get("adjustment", "")
        self.fields["text"].widget = forms.Textarea(
            attrs={"id": f"t-{key}", "rows": 3, "required": True, "aria-describedby": f"t-{key}-err"}
        )
        self.fields["file"].widget = forms.ClearableFileInput(attrs={"id": f"f-{key}"})
        self.fields["locator"].widget = widgets.TextInput(attrs={"id": f"l-{key}"})
