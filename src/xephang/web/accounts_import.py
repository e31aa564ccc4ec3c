"""Accounts in bulk from an Excel sheet (đơn vị, họ tên, thư điện tử, vai trò), each invited by e-mail
with a one-time link to set its password. Every row is checked first and every problem reported (row,
column, what was expected); nothing is created from a file with any problem (one transaction)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import openpyxl
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from xephang.text import fold, nfc

from .models import Profile, ProvinceSettings, Role, Unit, audit, grant_admin_site

HEADERS = {
    "unit": ("đơn vị", "tên đơn vị"),
    "name": ("họ tên", "họ và tên"),
    "email": ("thư điện tử", "email", "e-mail"),
    "role": ("vai trò",),
}
ROLE_WORDS = {
    Role.REPORTER: ("cán bộ báo cáo", "báo cáo", "reporter"),
    Role.APPRAISER: ("thẩm định viên", "thẩm định", "appraiser"),
    Role.LEADER: ("lãnh đạo", "theo dõi", "leader"),
    Role.ADMIN: ("quản trị", "admin"),
    Role.VERIFIER: ("cán bộ cơ quan xác minh", "cơ quan xác minh", "xác minh", "verifier"),
}
MAX_ERRORS = 50


class AccountImportError(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class AccountRow:
    row: int
    name: str
    email: str
    role: str
    unit: Unit | None


def template() -> bytes:
    """The sheet to fill: its header, two example rows, and the accepted roles."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tài khoản"
    ws.append(["Đơn vị", "Họ tên", "Thư điện tử", "Vai trò"])
    ws.append(["Sở Y tế", "Nguyễn Văn A", "nguyenvana@syt.example", "Cán bộ báo cáo"])
    ws.append(["", "Trần Thị B", "tranthib@stttt.example", "Thẩm định viên"])
    for col, width in zip("ABCD", (40, 28, 34, 20)):
        ws.column_dimensions[col].width = width
    guide = wb.create_sheet("Hướng dẫn")
    guide.append(["Vai trò", "Cách ghi"])
    for role, words in ROLE_WORDS.items():
        guide.append([Role(role).label, " / ".join(words[:2])])
    guide.append(["Đơn vị", "Bắt buộc với cán bộ báo cáo; đúng tên đơn vị trong hệ thống."])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_accounts(upload, name: str) -> list[AccountRow]:
    """Every row checked; ``AccountImportError`` with every problem (up to ``MAX_ERRORS``)."""
    try:
        wb = openpyxl.load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise AccountImportError([f"Tệp '{name}': không đọc được bảng tính Excel (.xlsx)."]) from None
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    if not rows:
        raise AccountImportError([f"Tệp '{name}', trang tính '{ws.title}': trống."])
    header = [fold(str(c or "")) for c in rows[0]]
    cols = {}
    for key, names in HEADERS.items():
        found = next((i for i, h in enumerate(header) if h in {fold(n) for n in names}), None)
        if found is None:
            raise AccountImportError(
                [
                    f"Tệp '{name}', trang tính '{ws.title}', dòng 1: thiếu cột '{names[0]}' "
                    "(cần các cột: Đơn vị, Họ tên, Thư điện tử, Vai trò)."
                ]
            )
        cols[key] = found
    units = {fold(u.name): u for u in Unit.objects.filter(active=True)}
    roles = {fold(w): role for role, words in ROLE_WORDS.items() for w in words}
    taken = {e.lower() for e in get_user_model().objects.exclude(email="").values_list("email", flat=True)}
    seen: dict[str, int] = {}
    out, problems = [], []

    def problem(row, col_key, text):
        problems.append(f"Tệp '{name}', trang tính '{ws.title}', dòng {row}, cột '{HEADERS[col_key][0]}': {text}")

    for n, cells in enumerate(rows[1:], start=2):
        cells = list(cells) + [None] * (len(header) - len(cells))
        text = {k: nfc(str(cells[i] if cells[i] is not None else "").strip()) for k, i in cols.items()}
        if not any(text.values()):
            continue
        before = len(problems)
        if not text["name"]:
            problem(n, "name", "thiếu họ tên")
        email = text["email"].lower()
        try:
            validate_email(email)
        except ValidationError:
            problem(n, "email", f"'{text['email']}' không phải địa chỉ thư điện tử hợp lệ")
        else:
            if email in taken:
                problem(n, "email", f"'{email}' đã có tài khoản")
            elif email in seen:
                problem(n, "email", f"'{email}' trùng với dòng {seen[email]}")
            seen.setdefault(email, n)
        role = roles.get(fold(text["role"]))
        if role is None:
            problem(
                n, "role", f"'{text['role']}': cần một trong " + ", ".join(f"'{Role(r).label}'" for r in ROLE_WORDS)
            )
        unit = units.get(fold(text["unit"])) if text["unit"] else None
        if text["unit"] and unit is None:
            problem(n, "unit", f"không có đơn vị đang hoạt động tên '{text['unit']}'")
        elif role == Role.REPORTER and unit is None:
            problem(n, "unit", "cán bộ báo cáo phải thuộc một đơn vị")
        elif role == Role.VERIFIER and unit is None:
            problem(n, "unit", "cán bộ cơ quan xác minh phải thuộc cơ quan của mình (một đơn vị)")
        if len(problems) >= MAX_ERRORS:
            problems.append(f"(dừng ở {MAX_ERRORS} lỗi; sửa rồi tải lại để xem tiếp)")
            break
        if len(problems) == before:
            out.append(AccountRow(n, text["name"], email, role, unit))
    if problems:
        raise AccountImportError(problems)
    if not out:
        raise AccountImportError([f"Tệp '{name}': không có dòng tài khoản nào dưới dòng tiêu đề."])
    return out


def _username(email: str, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9._-]", "", email.split("@", 1)[0].lower()) or "tai-khoan"
    name, k = base[:140], 2
    while name in used:
        name, k = f"{base[:140]}{k}", k + 1
    used.add(name)
    return name


@transaction.atomic
def create_accounts(rows: list[AccountRow], by, base_url: str) -> list:
    """One account and one profile per row (no usable password until the invitation's link is used);
    the invitations are sent once the transaction has committed."""
    User = get_user_model()
    used = set(User.objects.values_list("username", flat=True))
    users = []
    for r in rows:
        user = User(username=_username(r.email, used), email=r.email, first_name=r.name)
        user.set_unusable_password()
        grant_admin_site(user, r.role)
        user.save()
        Profile.objects.create(user=user, role=r.role, unit=r.unit)
        users.append(user)
    audit(
        by,
        "account.import",
        subject=f"{len(users)} tài khoản",
        after={"accounts": [f"{u.get_username()} ({u.email})" for u in users]},
    )
    transaction.on_commit(lambda: [invite(u, base_url) for u in users])
    return users


def invite(user, base_url: str) -> None:
    """The invitation: the account's name and a one-time link to set the password (Django's reset token:
    it stops working once the password is set)."""
    link = base_url.rstrip("/") + reverse(
        "web:password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    role = user.profile.get_role_display()
    department = ProvinceSettings.load().department
    body = "\n".join(
        [
            f"Kính gửi {user.first_name or user.get_username()},",
            "",
            f"{department} mời anh/chị sử dụng hệ thống đánh giá, xếp hạng ứng dụng CNTT.",
            f"Vai trò: {role}." + (f" Đơn vị: {user.profile.unit.name}." if user.profile.unit_id else ""),
            f"Tên đăng nhập: {user.get_username()}",
            "",
            "Mở liên kết sau (chỉ dùng được một lần) để đặt mật khẩu:",
            link,
            "",
            f"{department} (hệ thống xephang)",
        ]
    )
    send_mail(
        "[xephang] Mời sử dụng hệ thống đánh giá, xếp hạng ứng dụng CNTT",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        fail_silently=True,
    )
