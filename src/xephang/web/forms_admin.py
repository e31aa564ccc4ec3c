"""The administrator's forms in the application (not the Django admin): the province's settings, and one
form per account (user, role and unit together)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from xephang.display import CHOOSE

from .models import ROLES_WITH_UNIT, Profile, ProvinceSettings, Role, Unit, grant_admin_site

REQUIRED = "Hãy nhập {}."


class ProvinceSettingsForm(forms.ModelForm):
    class Meta:
        model = ProvinceSettings
        fields = ["province", "parent_agency", "department", "decimal_separator"]
        widgets = {"decimal_separator": forms.RadioSelect}
        error_messages = {
            "province": {"required": REQUIRED.format("tên tỉnh")},
            "parent_agency": {"required": REQUIRED.format("cơ quan chủ quản")},
            "department": {"required": REQUIRED.format("tên Sở chủ trì đánh giá")},
            "decimal_separator": {
                "required": "Hãy chọn dấu thập phân.",
                "invalid_choice": "Hãy chọn dấu phẩy hoặc dấu chấm.",
            },
        }

    def clean_province(self):
        # "Tỉnh Thanh Hóa" typed whole: the header adds "Tỉnh" itself.
        name = " ".join(self.cleaned_data["province"].split())
        return name[5:].strip() if name.lower().startswith("tỉnh ") else name


class AccountForm(forms.Form):
    """One account in one form: the user (login name, full name, address, active) with its role and
    unit. The rule of roles: a reporter belongs to its unit, a verifier to its agency; the others to none."""

    username = forms.RegexField(
        label="Tên đăng nhập",
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={
            "required": REQUIRED.format("tên đăng nhập"),
            "invalid": "Tên đăng nhập chỉ gồm chữ, số và các dấu . @ + - _.",
        },
    )
    full_name = forms.CharField(label="Họ tên", max_length=150, error_messages={"required": REQUIRED.format("họ tên")})
    email = forms.EmailField(
        label="Thư điện tử",
        error_messages={
            "required": REQUIRED.format("thư điện tử"),
            "invalid": "Nhập một địa chỉ thư điện tử hợp lệ, ví dụ ten@sonv.example.",
        },
    )
    role = forms.ChoiceField(
        label="Vai trò",
        choices=[("", CHOOSE), *Role.choices],
        error_messages={"required": "Hãy chọn vai trò.", "invalid_choice": "Hãy chọn một vai trò trong danh sách."},
    )
    unit = forms.ModelChoiceField(
        Unit.objects.filter(active=True).select_related("group"),
        label="Đơn vị",
        required=False,
        empty_label="— không thuộc đơn vị —",
        help_text="Bắt buộc với cán bộ báo cáo (đơn vị của mình) và cán bộ cơ quan xác minh (cơ quan của "
        "mình); để trống với các vai trò khác.",
        error_messages={"invalid_choice": "Hãy chọn một đơn vị đang hoạt động."},
    )
    active = forms.BooleanField(label="Đang sử dụng (bỏ chọn để khóa tài khoản)", required=False, initial=True)

    def __init__(self, *args, account=None, **kwargs):
        self.account = account
        if account is not None:
            profile = getattr(account, "profile", None)
            kwargs.setdefault(
                "initial",
                {
                    "username": account.get_username(),
                    "full_name": account.first_name,
                    "email": account.email,
                    "role": profile.role if profile else "",
                    "unit": profile.unit_id if profile else None,
                    "active": account.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        unit_id = getattr(getattr(account, "profile", None), "unit_id", None)
        if unit_id is not None:  # an account of a unit since closed stays editable
            self.fields["unit"].queryset = Unit.objects.filter(Q(active=True) | Q(pk=unit_id)).select_related("group")

    def _others(self):
        users = get_user_model().objects.all()
        return users.exclude(pk=self.account.pk) if self.account is not None else users

    def clean_username(self):
        name = self.cleaned_data["username"]
        if self._others().filter(username__iexact=name).exists():
            raise forms.ValidationError(f"Đã có tài khoản tên '{name}'.")
        return name

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if self._others().filter(email__iexact=email).exists():
            raise forms.ValidationError(f"'{email}' đã có tài khoản.")
        return email

    def clean(self):
        data = super().clean()
        role, unit = data.get("role"), data.get("unit")
        if role == Role.REPORTER and unit is None:
            self.add_error("unit", "Cán bộ báo cáo phải thuộc một đơn vị.")
        elif role == Role.VERIFIER and unit is None:
            self.add_error(
                "unit", "Cán bộ cơ quan xác minh phải thuộc cơ quan của mình: chọn cơ quan (ví dụ Sở Nội vụ)."
            )
        elif role and role not in ROLES_WITH_UNIT and unit is not None:
            self.add_error("unit", f"Vai trò '{Role(role).label}' không thuộc đơn vị nào: để trống ô này.")
        return data

    def save(self):
        """The user and its profile written together (the caller holds the transaction)."""
        d = self.cleaned_data
        user = self.account or get_user_model()()
        user.username, user.first_name, user.email, user.is_active = (
            d["username"],
            d["full_name"],
            d["email"],
            d["active"],
        )
        if user.pk is None:
            user.set_unusable_password()  # set by the invitation's one-time link
        grant_admin_site(user, d["role"])
        user.save()
        Profile.objects.update_or_create(user=user, defaults={"role": d["role"], "unit": d["unit"]})
        return user
