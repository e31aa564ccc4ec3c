"""Accounts in the application: the list, and one form per account (user, role and unit together)
instead of the Django admin's two; a new account is invited by e-mail to set its password; audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render

from xephang.text import sort_key

from ..accounts_import import invite
from ..forms_admin import AccountForm
from ..models import Role, audit
from ..permissions import allow


def _record(user) -> dict:
    profile = getattr(user, "profile", None)
    return {
        "username": user.get_username(),
        "name": user.first_name,
        "email": user.email,
        "role": profile.get_role_display() if profile else None,
        "unit": profile.unit.name if profile and profile.unit_id else None,
        "active": user.is_active,
    }


@allow("account.manage")
def accounts(request):
    users = get_user_model().objects.select_related("profile", "profile__unit").all()
    role_order = {r: i for i, r in enumerate(Role.values)}
    rows = sorted(
        users,
        key=lambda u: (
            role_order.get(getattr(getattr(u, "profile", None), "role", None), 9),
            sort_key(u.profile.unit.name if hasattr(u, "profile") and u.profile.unit_id else ""),
            sort_key(u.first_name or u.username),
        ),
    )
    return render(request, "web/accounts.html", {"rows": rows})


@allow("account.manage")
def account_edit(request, account_id=None):
    account = get_object_or_404(get_user_model(), pk=account_id) if account_id is not None else None
    if request.method == "POST":
        form = AccountForm(request.POST, account=account)
        if form.is_valid():
            before = _record(account) if account is not None else None
            with transaction.atomic():
                user = form.save()
                user.refresh_from_db()
                after = _record(user)
                if before is None:
                    audit(request.user, "account.create", subject=user.get_username(), after=after)
                    base = request.build_absolute_uri("/")
                    transaction.on_commit(lambda: invite(user, base))
                elif before != after:
                    changed = [k for k in after if before[k] != after[k]]
                    audit(
                        request.user,
                        "account.update",
                        subject=user.get_username(),
                        before={k: before[k] for k in changed},
                        after={k: after[k] for k in changed},
                    )
            messages.success(
                request,
                f"Đã tạo tài khoản '{user.get_username()}' và gửi thư mời đặt mật khẩu tới {user.email}."
                if before is None
                else f"Đã lưu tài khoản '{user.get_username()}'.",
            )
            return redirect("web:accounts")
        messages.error(request, "Chưa lưu: có thông tin chưa hợp lệ. Xem các ô được đánh dấu bên dưới.")
    else:
        form = AccountForm(account=account)
    return render(request, "web/account_form.html", {"form": form, "account": account})
