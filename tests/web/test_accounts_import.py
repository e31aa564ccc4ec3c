"""Accounts in bulk from Excel: every bad row and column reported at once and nothing created; a good
file creates the accounts (one form's worth each: user and role), audited, each invited with a one-time
link that sets the password."""

from __future__ import annotations

import io
import re

import openpyxl
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xephang.web.audit_text import describe
from xephang.web.models import AuditEntry, Profile, Role

from .conftest import login

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(rows, name="tai-khoan.xlsx"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Đơn vị", "Họ tên", "Thư điện tử", "Vai trò"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=XLSX)


def _post(client, upload):
    return client.post(reverse("web:accounts-import"), {"xlsx": upload})


def test_every_bad_row_reported_and_nothing_created(client, demo):
    login(client, "quantri")
    before = get_user_model().objects.count()
    html = _post(
        client,
        _sheet(
            [
                ["Sở Y tế", "Nguyễn Văn A", "nguyenvana@syt.example", "Cán bộ báo cáo"],
                ["Sở Không Có", "Trần B", "tranb@example", "báo cáo"],
                ["", "Lê C", "lec@stttt.example", "Thủ trưởng"],
                ["", "Phạm D", "nguyenvana@syt.example", "Thẩm định viên"],
                ["", "Hoàng E", "baocao@example.invalid", "Thẩm định"],
                ["", "Vũ F", "vuf@stttt.example", "Cán bộ báo cáo"],
            ]
        ),
    ).content.decode()
    assert "Không tạo tài khoản nào: 6 lỗi" in html
    for expected in (
        "dòng 3, cột &#x27;đơn vị&#x27;: không có đơn vị đang hoạt động tên &#x27;Sở Không Có&#x27;",
        "dòng 3, cột &#x27;thư điện tử&#x27;: &#x27;tranb@example&#x27; không phải địa chỉ",
        "dòng 4, cột &#x27;vai trò&#x27;: &#x27;Thủ trưởng&#x27;: cần một trong",
        "dòng 5, cột &#x27;thư điện tử&#x27;: &#x27;nguyenvana@syt.example&#x27; trùng với dòng 2",
        "dòng 6, cột &#x27;thư điện tử&#x27;: &#x27;baocao@example.invalid&#x27; đã có tài khoản",
        "dòng 7, cột &#x27;đơn vị&#x27;: cán bộ báo cáo phải thuộc một đơn vị",
    ):
        assert expected in html, expected
    assert get_user_model().objects.count() == before and not mail.outbox


def test_three_accounts_created_invited_and_the_link_sets_the_password(
    client, demo, django_capture_on_commit_callbacks
):
    login(client, "quantri")
    with django_capture_on_commit_callbacks(execute=True):
        resp = _post(
            client,
            _sheet(
                [
                    ["Sở Y tế", "Nguyễn Văn A", "NguyenVanA@syt.example", "Cán bộ báo cáo"],
                    [None, "Trần Thị B", "tranthib@stttt.example", "Thẩm định viên"],
                    ["", "Lê Văn C", "lanhdao.c@ubnd.example", "Lãnh đạo"],
                ]
            ),
        )
    html = resp.content.decode()
    assert "Đã tạo 3 tài khoản" in html
    a = get_user_model().objects.get(email="nguyenvana@syt.example")
    assert a.username == "nguyenvana" and a.first_name == "Nguyễn Văn A" and not a.has_usable_password()
    assert (a.profile.role, a.profile.unit.name) == (Role.REPORTER, "Sở Y tế")
    assert Profile.objects.get(user__email="tranthib@stttt.example").role == Role.APPRAISER
    assert len(mail.outbox) == 3
    invitation = next(m for m in mail.outbox if m.to == ["nguyenvana@syt.example"])
    assert "Tên đăng nhập: nguyenvana" in invitation.body and "Đơn vị: Sở Y tế." in invitation.body
    assert describe(AuditEntry.objects.get(action="account.import")).startswith(
        "Quản trị Sở TTTT nhập 3 tài khoản từ Excel và gửi thư mời: nguyenvana (nguyenvana@syt.example)"
    )
    # The invited person sets a password through the link, once.
    link = re.search(r"https?://[^/]+(/mat-khau/dat-lai/\S+/)", invitation.body).group(1)
    guest = client.__class__()
    resp = guest.get(link, follow=True)
    resp = guest.post(
        resp.redirect_chain[-1][0],
        {"new_password1": "Hoa-sen-2027-xanh", "new_password2": "Hoa-sen-2027-xanh"},
        follow=True,
    )
    assert "Mật khẩu mới đã được lưu" in resp.content.decode()
    assert guest.login(username="nguyenvana", password="Hoa-sen-2027-xanh")
    assert "không còn hiệu lực" in client.__class__().get(link, follow=True).content.decode()


def test_template_and_a_non_spreadsheet(client, demo):
    login(client, "quantri")
    resp = client.get(reverse("web:accounts-template"))
    wb = openpyxl.load_workbook(io.BytesIO(resp.content))
    assert [c.value for c in wb.active[1]] == ["Đơn vị", "Họ tên", "Thư điện tử", "Vai trò"]
    html = _post(client, SimpleUploadedFile("x.xlsx", b"%PDF-1.4 not a sheet")).content.decode()
    assert "không phải bảng tính Excel" in html
