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


#: A criteria set's YAML is a few dozen KB; anything far larger is a mistake or an attack.
FRAMEWORK_MAX_BYTES = 2 * 1024 * 1024


class FrameworkForm(forms.Form):
    """A criteria set to check or save: an uploaded file (YAML, or the annex table as .xlsx), or its
    YAML pasted as text. The text is checked as the core loads a set (``parse_framework``); its errors
    (line and what was expected) go beside the text, which is kept as typed."""

    yaml = forms.FileField(
        label="Tệp YAML hoặc bảng chỉ số (.xlsx)",
        required=False,
        error_messages={"empty": "Tệp tải lên rỗng.", "invalid": "Không đọc được tệp tải lên."},
    )
    text = forms.CharField(
        label="Hoặc dán nội dung YAML của bộ tiêu chí",
        required=False,
        strip=False,
        max_length=FRAMEWORK_MAX_BYTES,
        help_text="Toàn bộ tệp YAML (id, title, groups, criteria, …); nếu đã chọn tệp ở trên thì dùng tệp.",
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "aria-describedby": "text-help text-err"}),
        error_messages={"max_length": "Nội dung tối đa %(limit_value)d ký tự (đang có %(show_value)d)."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "%s")  # ids yaml, text: the page's labels and descriptions use them
        super().__init__(*args, **kwargs)
        from django.core.validators import ProhibitNullCharactersValidator

        text = self.fields["text"]
        text.validators = [v for v in text.validators if not isinstance(v, ProhibitNullCharactersValidator)]
        text.validators.append(
            ProhibitNullCharactersValidator("Nội dung có ký tự rỗng (NUL): không phải văn bản YAML.")
        )

    def clean(self):
        data = super().clean()
        if not data.get("yaml") and not data.get("text", "").strip() and "text" not in self.errors:
            self.add_error("text", "Hãy chọn tệp bộ tiêu chí hoặc dán nội dung YAML.")
        elif not data.get("yaml") and "text" not in self.errors:
            from xephang.errors import FrameworkError
            from xephang.framework.loader import parse_framework

            try:
                data["framework"] = parse_framework(data["text"], "bo-tieu-chi.yaml")
            except FrameworkError as e:
                self.add_error("text", f"Bộ tiêu chí không hợp lệ: {e}")
        return data
