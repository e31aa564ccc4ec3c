"""Setting up a year in the application (not the Django admin): a new period from a criteria set, or
copied from last year (units, appraisers, tie rule carried over); units picked per group; dates typed
dd/mm/yyyy (ISO accepted too); the deadlines' order checked; choices, not free text, for the tie rule."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from xephang.display import CHOOSE

from .forms_progress import DATE_FORMATS
from .models import Framework, Period, Role, Unit

TIE_CHOICES = [
    ("", "Theo bộ tiêu chí"),
    ("shared", "Đồng hạng (1, 2, 2, 4)"),
    ("input-order", "Theo thứ tự trong danh sách đơn vị"),
]


def _date_field(label: str, help_text: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        help_text=help_text,
        # Text, not the browser's date input: that one shows the operating system's
        # order (mm/dd/yyyy on many machines); users here write 15/01/2027.
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
        error_messages={"invalid": "Nhập ngày dạng dd/mm/yyyy, ví dụ 15/01/2027."},
    )


class _People(forms.ModelMultipleChoiceField):
    """Accounts picked by the person's name, the login name beside it ("Nguyễn Văn A (nva)")."""

    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name} ({user.get_username()})" if name else user.get_username()


class PeriodSetupForm(forms.Form):
    copy_from = forms.ModelChoiceField(
        Period.objects.filter(kind=Period.Kind.INPUTS),
        required=False,
        label="Sao chép từ kỳ",
        empty_label="— không, tạo mới từ bộ tiêu chí —",
        help_text="Lấy đơn vị tham gia, thẩm định viên và quy tắc đồng điểm của kỳ này.",
    )
    name = forms.CharField(label="Tên kỳ đánh giá", max_length=200, error_messages={"required": "Hãy nhập tên kỳ."})
    year = forms.IntegerField(
        label="Năm đánh giá",
        min_value=2000,
        max_value=2100,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Hãy nhập năm.",
            "min_value": "Năm từ 2000 đến 2100.",
            "max_value": "Năm từ 2000 đến 2100.",
            "invalid": "Năm là một số, ví dụ 2027.",
        },
    )
    framework = forms.ModelChoiceField(
        Framework.objects.all(),
        label="Bộ tiêu chí",
        empty_label=CHOOSE,
        error_messages={"required": "Hãy chọn bộ tiêu chí."},
    )
    ties = forms.ChoiceField(
        label="Quy tắc khi đồng điểm",
        choices=TIE_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Hãy chọn một quy tắc trong danh sách."},
    )
    deadline = _date_field("Hạn nộp báo cáo", "Dạng dd/mm/yyyy; đơn vị sửa được báo cáo đến hết ngày này.")
    explanation_deadline = _date_field("Hạn giải trình", "Dạng dd/mm/yyyy; phải sau hạn nộp báo cáo.")
    units = forms.ModelMultipleChoiceField(
        Unit.objects.filter(active=True).select_related("group"),
        label="Đơn vị tham gia",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Hãy chọn ít nhất một đơn vị."},
    )
    appraisers = _People(
        get_user_model().objects.filter(profile__role=Role.APPRAISER).order_by("username"),
        label="Thẩm định viên",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        data = super().clean()
        d, e = data.get("deadline"), data.get("explanation_deadline")
        if d and e and e <= d:
            self.add_error(
                "explanation_deadline", f"Hạn giải trình ({e:%d/%m/%Y}) phải sau hạn nộp báo cáo ({d:%d/%m/%Y})."
            )
        fw = data.get("framework")
        units = data.get("units")
        if fw is not None and units:
            groups = {g.id for g in fw.load().groups}
            outside = [u for u in units if u.group.code not in groups]
            if outside:
                self.add_error(
                    "units",
                    "Các đơn vị sau thuộc khối không có trong bộ tiêu chí '{}': {}.".format(
                        fw.code, "; ".join(f"{u.name} ({u.group.name})" for u in outside)
                    ),
                )
        return data


def initial_from(period: Period) -> dict:
    """The form prefilled from last year's period: the next year, its units, appraisers, rule."""
    return {
        "copy_from": period.pk,
        "name": f"Năm {period.year + 1}",
        "year": period.year + 1,
        "framework": period.framework_id,
        "ties": period.ties if period.ties in ("shared", "input-order") else "",
        "units": list(period.units.filter(active=True).values_list("pk", flat=True)),
        "appraisers": list(period.appraisers.values_list("pk", flat=True)),
    }
