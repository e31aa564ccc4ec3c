"""The coordinator's forms on the progress board: the filter, and one unit's deadline extension."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from .progress import UnitStatus

#: Dates as Vietnamese users type them (27/01/2027), and ISO from a browser's date picker.
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]


class BoardFilterForm(forms.Form):
    khoi = forms.ChoiceField(label="Khối", required=False)
    trang_thai = forms.ChoiceField(label="Trạng thái", required=False, choices=[("", "Tất cả"), *UnitStatus.CHOICES])
    qua_han = forms.BooleanField(label="Chỉ đơn vị quá hạn", required=False)

    def __init__(self, *args, period, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import UnitGroup

        # The groups of the period's units in one query (a national period has thousands of units).
        groups = UnitGroup.objects.filter(pk__in=period.units.values("group_id")).order_by("order", "code")
        self.fields["khoi"].choices = [("", "Tất cả")] + [(g.code, g.name) for g in groups]


class ExtensionForm(forms.Form):
    until = forms.DateField(
        label="Gia hạn đến ngày",
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        help_text="Dạng 27/01/2027. Đơn vị sửa được báo cáo đến hết ngày này.",
        error_messages={"invalid": "Nhập ngày dạng dd/mm/yyyy, ví dụ 27/01/2027."},
    )
    reason = forms.CharField(
        label="Lý do gia hạn",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Gia hạn phải có lý do."},
    )

    def __init__(self, *args, period, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until < timezone.localdate():
            raise forms.ValidationError("Ngày gia hạn đã qua; hãy chọn hôm nay hoặc một ngày sau.")
        if self.period.deadline and until <= self.period.deadline:
            raise forms.ValidationError(f"Ngày gia hạn phải sau hạn chung của kỳ ({self.period.deadline:%d/%m/%Y}).")
        return until

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Gia hạn phải có lý do.")
        return reason
