"""An administrator's account made in the application (one form, or the Excel import) opens /quan-tri/,
where the header's "Đơn vị" link leads (units and groups), as the demo's administrator does; an account
moved to another role no longer does."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from xephang.web.accounts_import import AccountRow, create_accounts
from xephang.web.models import Role


def _form(client, username, role, **over):
    data = {"username": username, "full_name": "Trần Văn Quản", "email": f"{username}@stttt.example"}
    return client.post(reverse("web:account-new"), {**data, "role": role, "unit": "", "active": "on", **over})


def test_an_administrator_made_in_the_form_opens_the_units_admin(client, demo):
    client.force_login(demo["quantri"])
    assert _form(client, "quantri2", "admin").status_code == 302
    user = get_user_model().objects.get(username="quantri2")
    other = client.__class__()
    other.force_login(user)
    assert other.get("/quan-tri/web/unit/").status_code == 200

    edit = reverse("web:account-edit", args=[user.pk])
    data = {"username": "quantri2", "full_name": "Trần Văn Quản", "email": "quantri2@stttt.example"}
    assert client.post(edit, {**data, "role": "leader", "unit": "", "active": "on"}).status_code == 302
    other.force_login(get_user_model().objects.get(username="quantri2"))
    assert other.get("/quan-tri/web/unit/").status_code == 302  # to the admin's login: not for a leader


def test_an_administrator_imported_from_excel_opens_it_too(demo):
    rows = [
        AccountRow(row=2, unit=None, name="Lê Thị Quản", email="ltq@stttt.example", role=Role.ADMIN),
        AccountRow(row=3, unit=None, name="Lê Văn Đạo", email="lvd@ubnd.example", role=Role.LEADER),
    ]
    admin, leader = create_accounts(rows, demo["quantri"], "http://testserver")
    assert admin.is_staff and admin.is_superuser and not leader.is_staff and not leader.is_superuser
