"""Evidence documents on the report page: uploading one (beside a criterion, or for several), and
changing which criteria it supports. The file itself is checked by content in ``workflow.add_evidence``."""

from __future__ import annotations

from django import forms


def criteria_choices(fw, group: str) -> list[tuple[str, str]]:
    """The criteria a document may support, by name (indented by depth), in the form's order."""
    return [(c.id, ("— " * c.depth) + c.title) for c in fw.all_criteria() if c.applies_to(group)]


class EvidenceLinksForm(forms.Form):
    """Which criteria a document supports, its number/date/summary and where in it."""

    criteria = forms.MultipleChoiceField(
        label="Chứng minh cho tiêu chí",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Hãy chọn ít nhất một tiêu chí (hoặc xóa tài liệu).",
            "invalid_choice": "Tiêu chí '%(value)s' không thuộc biểu mẫu của đơn vị.",
        },
    )
    summary = forms.CharField(label="Số, ngày, trích yếu văn bản", required=False, max_length=500)
    locator = forms.CharField(label="Vị trí trong tài liệu (trang, điều, mục)", required=False, max_length=200)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].choices = choices


class EvidenceForm(EvidenceLinksForm):
    """A new document: the file, and the same links; ``origin``: the criterion beside which it was
    uploaded (its block shows the answer), empty when uploaded for several criteria from the list."""

    file = forms.FileField(
        label="Tệp (PDF, ảnh, Word, Excel; tối đa 20 MB)",
        error_messages={"required": "Hãy chọn tệp tài liệu kiểm chứng."},
    )
    origin = forms.ChoiceField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Tiêu chí '%(value)s' không có ô tải tài liệu trong biểu mẫu của đơn vị."},
    )

    def __init__(self, *args, origins=(), **kwargs):
        """``origins``: the criteria with an upload beside them (those scored by a rule)."""
        super().__init__(*args, **kwargs)
        self.fields["criteria"].error_messages["required"] = "Hãy chọn ít nhất một tiêu chí mà tài liệu này chứng minh."
        self.fields["origin"].choices = [("", ""), *((c, c) for c in origins)]


class EvidenceUnlinkForm(forms.Form):
    """Which criterion a document no longer supports (the button beside the criterion sends it)."""

    criterion = forms.ChoiceField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "Chưa chọn tiêu chí cần bỏ tài liệu.",
            "invalid_choice": "Tiêu chí '%(value)s' không thuộc biểu mẫu của đơn vị.",
        },
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = choices


def upload_origins(fw, group: str) -> list[str]:
    """The criteria with an upload beside them on the report form: those scored by a rule."""
    return [c.id for c in fw.all_criteria() if c.rule is not None and c.applies_to(group)]
