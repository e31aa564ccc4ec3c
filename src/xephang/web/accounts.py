"""Passwords: change (logged in) and "Quên mật khẩu" (a one-time link by e-mail), through Django's own
auth views and forms (their messages in Vietnamese: LANGUAGE_CODE = "vi"), each guarded by ``@allow``."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse_lazy

from .permissions import allow


class ResetForm(PasswordResetForm):
    """Django's form, its one field named as Vietnamese users name it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Địa chỉ thư điện tử của tài khoản"


password_change = allow("account.password_change")(
    auth_views.PasswordChangeView.as_view(
        template_name="web/password_form.html",
        success_url=reverse_lazy("web:password-change-done"),
        extra_context={"title": "Đổi mật khẩu", "button": "Đổi mật khẩu"},
    )
)
password_change_done = allow("account.password_change")(
    auth_views.PasswordChangeDoneView.as_view(
        template_name="web/password_done.html",
        extra_context={"title": "Đã đổi mật khẩu", "text": "Mật khẩu của bạn đã được đổi."},
    )
)
password_reset = allow("account.password_reset")(
    auth_views.PasswordResetView.as_view(
        template_name="web/password_form.html",
        email_template_name="web/email/password_reset.txt",
        form_class=ResetForm,
        subject_template_name="web/email/password_reset_subject.txt",
        success_url=reverse_lazy("web:password-reset-done"),
        extra_context={
            "title": "Quên mật khẩu",
            "button": "Gửi liên kết đặt lại mật khẩu",
            "intro": "Nhập địa chỉ thư điện tử của tài khoản; hệ thống gửi một liên kết dùng một lần để đặt mật khẩu mới.",
        },
    )
)
password_reset_done = allow("account.password_reset")(
    auth_views.PasswordResetDoneView.as_view(
        template_name="web/password_done.html",
        extra_context={
            "title": "Đã gửi thư",
            "text": "Nếu địa chỉ này thuộc một tài khoản, thư có liên kết đặt lại mật khẩu "
            "đã được gửi. Liên kết chỉ dùng được một lần.",
        },
    )
)
password_reset_confirm = allow("account.password_reset")(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="web/password_form.html",
        success_url=reverse_lazy("web:password-reset-complete"),
        extra_context={"title": "Đặt mật khẩu mới", "button": "Đặt mật khẩu"},
    )
)
password_reset_complete = allow("account.password_reset")(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="web/password_done.html",
        extra_context={"title": "Đã đặt mật khẩu mới", "text": "Mật khẩu mới đã được lưu; hãy đăng nhập."},
    )
)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length rule, with the message its Vietnamese translation lacks."""

    def get_error_message(self):
        return f"Mật khẩu này quá ngắn: cần ít nhất {self.min_length} ký tự."

    def get_help_text(self):
        return f"Mật khẩu cần ít nhất {self.min_length} ký tự."
