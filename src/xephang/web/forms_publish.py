"""The forms of freezing, publication and correction: units that did not report, the signed
decision's number and date (and its scan), returning a report / reopening appraisal."""

from __future__ import annotations

import datetime
import re

from django import forms

from xephang.text import sort_key

from .models import Status

MAX_SCAN_BYTES = 30 * 1024 * 1024


def _unit_choices(units):
    return [(u.pk, u.name) for u in sorted(units, key=lambda u: (u.group.order, sort_key(u.name)))]


class NonReportingForm(forms.Form):
    units = forms.TypedMultipleChoiceField(
        label="Đơn vị không gửi báo cáo",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Hãy chọn ít nhất một đơn vị."},
    )
    reason = forms.CharField(
        label="Lý do (ghi vào kết quả và nhật ký)",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": "Hãy ghi lý do (ví dụ: quá hạn, đã nhắc …)."},
        help_text="Ví dụ: quá hạn báo cáo ngày 15/01, đã nhắc bằng văn bản số … nhưng không gửi.",
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = _unit_choices(units)

    def clean_reason(self):
        text = self.cleaned_data["reason"].strip()
        if not text:
            raise forms.ValidationError("Hãy ghi lý do (ví dụ: quá hạn, đã nhắc …).")
        return text


def parse_date(text: str) -> datetime.date:
    m = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*", text or "")
    if not m:
        raise forms.ValidationError("Ngày ghi dạng ngày/tháng/năm, ví dụ 27/01/2023.")
    try:
        return datetime.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        raise forms.ValidationError(f"Ngày {text.strip()} không có trong lịch.") from None


class PublishForm(forms.Form):
    number = forms.CharField(
        label="Số quyết định đã ký",
        max_length=20,
        help_text="Chỉ phần số, như trên văn bản đã ký, ví dụ 76.",
        error_messages={"required": "Hãy nhập số của quyết định đã ký."},
    )
    date = forms.CharField(
        label="Ngày ký",
        max_length=10,
        help_text="Dạng 27/01/2023.",
        error_messages={"required": "Hãy nhập ngày ký quyết định."},
    )
    scan = forms.FileField(
        label="Bản quét quyết định đã ký (PDF, không bắt buộc)",
        required=False,
        help_text="Lưu làm bằng chứng của văn bản; mã SHA-256 của tệp được ghi vào kết quả công bố.",
    )
    reason = forms.CharField(
        label="Ghi chú công bố / lý do đính chính",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, correction: bool = False, year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.correction = correction
        self.year = year
        if not correction:
            self.fields["reason"].label = "Ghi chú công bố (không bắt buộc)"
        if correction:
            self.fields["reason"].required = True
            self.fields["reason"].label = "Lý do đính chính (bắt buộc, công bố cùng phiên bản mới)"
            self.fields["reason"].error_messages["required"] = "Phiên bản đính chính phải có lý do."

    def clean_number(self):
        # The decision prints "Số: <number>/QĐ-UBND" from this (documents.meta's rule: a positive
        # whole number); anything else would publish results whose decision cannot be written.
        text = self.cleaned_data["number"].strip()
        whole = re.match(r"0*([1-9][0-9]*)\s*/", text)
        if whole:
            raise forms.ValidationError(
                f"Chỉ nhập phần số trước dấu '/': với quyết định số {text}, nhập {whole.group(1)} "
                "(ký hiệu sau dấu '/' đã có trên văn bản)."
            )
        if not text.isdigit() or int(text) <= 0:
            raise forms.ValidationError("Số quyết định là một số nguyên dương, như trên văn bản đã ký, ví dụ 76.")
        return str(int(text))

    def clean_date(self):
        date = parse_date(self.cleaned_data["date"])
        if date > datetime.date.today():
            raise forms.ValidationError("Ngày ký không thể ở tương lai.")
        if self.year and date.year < self.year:
            raise forms.ValidationError(f"Ngày ký ({date:%d/%m/%Y}) trước năm của kỳ đánh giá ({self.year}).")
        return date

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if not scan:
            return None
        if scan.size > MAX_SCAN_BYTES:
            raise forms.ValidationError(
                f"Tệp quá lớn ({scan.size // 1024 // 1024} MB); tối đa {MAX_SCAN_BYTES // 1024 // 1024} MB."
            )
        from .security import PDF, UploadRefused, safe_name, sniff

        try:
            kind = sniff(scan, safe_name(scan.name))
        except UploadRefused as e:
            raise forms.ValidationError(str(e)) from None
        if kind is not PDF:
            raise forms.ValidationError(f"Bản quét phải là tệp PDF; tệp này là {kind.label}.")
        scan.seek(0)
        return scan

    def clean_reason(self):
        text = (self.cleaned_data.get("reason") or "").strip()
        if self.correction and not text:
            raise forms.ValidationError("Phiên bản đính chính phải có lý do.")
        return text


class ReopenForm(forms.Form):
    units = forms.TypedMultipleChoiceField(
        label="Đơn vị",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Hãy chọn ít nhất một đơn vị."},
    )
    criteria = forms.MultipleChoiceField(
        label="Chỉ thẩm định lại các tiêu chí (không chọn: mọi tiêu chí)",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    return_reports = forms.BooleanField(label="Trả lại báo cáo cho đơn vị sửa và nộp lại", required=False)
    reason = forms.CharField(
        label="Lý do (bắt buộc; ghi vào nhật ký và, sau công bố, vào phiên bản đính chính)",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": "Hãy ghi lý do trả lại / mở lại thẩm định."},
    )

    def __init__(self, *args, units, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = _unit_choices(units)
        self.fields["criteria"].choices = criteria

    def clean_reason(self):
        text = self.cleaned_data["reason"].strip()
        if not text:
            raise forms.ValidationError("Hãy ghi lý do trả lại / mở lại thẩm định.")
        return text


class TransitionForm(forms.Form):
    """Moving a period to its next stage, with a note for the audit trail."""

    to = forms.ChoiceField(
        widget=forms.HiddenInput,
        choices=Status.choices,
        error_messages={"invalid_choice": "Giai đoạn '%(value)s' không tồn tại.", "required": "Chưa chọn giai đoạn."},
    )
    note = forms.CharField(
        label="Ghi chú chuyển giai đoạn",
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"id": "note"}),
        error_messages={"max_length": "Ghi chú tối đa %(limit_value)d ký tự (đang có %(show_value)d)."},
    )
