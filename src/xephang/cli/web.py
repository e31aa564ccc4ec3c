"""Command-line verbs that work on the web application's database (verify, backup, restore).

Django is imported only when one of them runs, so the other verbs stay quick and work without the
web extra. The database and media folder are those of the web application's settings
(DATABASE_URL, XEPHANG_MEDIA_ROOT, XEPHANG_STATE_DIR: docs/deploy.md).
"""

from __future__ import annotations

import os

WEB_EXTRA_MISSING = (
    "lệnh này cần phần ứng dụng web (Django) chưa được cài; cài bằng: pip install 'xephang[web]'"
    " (trong thư mục mã nguồn: pip install -e '.[web]')"
)


def _django():
    from ..errors import XephangError

    try:
        import django
        from django.core.exceptions import ImproperlyConfigured
    except ImportError:
        raise XephangError(WEB_EXTRA_MISSING) from None
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xephang.web.settings")
    if not os.environ.get("XEPHANG_SECRET_KEY"):
        # These verbs sign nothing (the key signs sessions, CSRF and password-reset tokens of the web
        # server), so an administrator can verify or back up the database from a plain shell.
        os.environ.setdefault("XEPHANG_INSECURE_KEY_OK", "1")
    try:
        django.setup()
    except ImproperlyConfigured as e:
        raise XephangError(f"cấu hình ứng dụng web chưa đúng: {e}") from None


def _migrated() -> None:
    from django.db import connection
    from django.db.utils import DatabaseError

    from ..errors import XephangError

    try:
        tables = connection.introspection.table_names()
    except DatabaseError as e:
        raise XephangError(f"không kết nối được cơ sở dữ liệu: {e}") from None
    if "web_auditentry" not in tables:
        raise XephangError("cơ sở dữ liệu chưa có bảng của ứng dụng (chạy 'python manage.py migrate' trước).")


def register(sub) -> None:
    """Add this package's sub-commands to the ``xephang`` parser."""
    sp = sub.add_parser(
        "verify", help="kiểm tra chuỗi băm của nhật ký, mọi kết quả đã chốt, trạng thái công bố và tệp minh chứng"
    )
    sp.add_argument(
        "--xoa-tep-thua",
        action="store_true",
        dest="remove_orphans",
        help="xóa các tệp minh chứng không thuộc tài liệu nào (tải lên bị ngắt), cũ hơn 1 giờ",
    )
    sp.set_defaults(func=cmd_verify)

    sp = sub.add_parser(
        "backup", help="sao lưu cơ sở dữ liệu (SQLite/PostgreSQL) và tệp minh chứng vào một tệp .tar.gz"
    )
    sp.add_argument("out", metavar="TỆP", help="tệp sao lưu sẽ tạo, ví dụ out/xephang-2026-11-27.tar.gz")
    sp.set_defaults(func=cmd_backup)

    sp = sub.add_parser("restore", help="khôi phục từ tệp sao lưu (vào cơ sở dữ liệu trống)")
    sp.add_argument("archive", metavar="TỆP", help="tệp .tar.gz do 'xephang backup' tạo")
    sp.add_argument(
        "--replace", action="store_true", help="thay toàn bộ dữ liệu hiện có (mặc định: chỉ vào CSDL trống)"
    )
    sp.set_defaults(func=cmd_restore)


def cmd_verify(args, out) -> int:
    _django()
    _migrated()
    from ..web.integrity import verify

    rep = verify()
    out.write(f"Nhật ký: {rep.entries} dòng; mã băm cuối chuỗi: {rep.head}\n")
    out.write(f"Kết quả đã chốt: {rep.snapshots} phiên bản\n")
    for note in rep.notes:
        out.write(f"Lưu ý: {note}\n")
    if rep.orphans and getattr(args, "remove_orphans", False):
        from ..web.integrity import remove_orphans

        removed = remove_orphans(rep.orphans)
        out.write(
            f"Đã xóa {len(removed)} tệp thừa ({len(rep.orphans) - len(removed)} tệp mới hơn 1 giờ được giữ lại).\n"
        )
    elif rep.orphans:
        out.write("Chạy 'xephang verify --xoa-tep-thua' để xóa các tệp thừa.\n")
    if rep.ok:
        out.write("Toàn vẹn: không phát hiện sửa đổi.\n")
        return 0
    out.write(f"PHÁT HIỆN {len(rep.problems)} VẤN ĐỀ:\n")
    for p in rep.problems:
        out.write(f"  - {p}\n")
    return 1


def cmd_backup(args, out) -> int:
    from pathlib import Path

    from ..errors import XephangError

    _django()
    _migrated()
    from ..web.backup import BackupError, backup

    try:
        m = backup(Path(args.out))
    except BackupError as e:
        raise XephangError(str(e)) from None
    out.write(
        f"Đã sao lưu vào {args.out}: CSDL {m['vendor']}, {len(m['media'])} tệp minh chứng, "
        f"{m['audit_entries']} dòng nhật ký, {m['snapshots']} kết quả đã chốt.\n"
    )
    if not m["verified"]:
        out.write("Cảnh báo: kiểm tra toàn vẹn trước khi sao lưu có vấn đề; chạy 'xephang verify'.\n")
    return 0


def cmd_restore(args, out) -> int:
    from pathlib import Path

    from ..errors import XephangError

    _django()
    from ..web.backup import BackupError, restore
    from ..web.integrity import verify

    try:
        m = restore(Path(args.archive), replace=args.replace)
    except BackupError as e:
        raise XephangError(str(e)) from None
    rep = verify()
    out.write(
        f"Đã khôi phục từ {args.archive} (sao lưu lúc {m['created_at']}): {len(m['media'])} tệp minh chứng, "
        f"{rep.entries} dòng nhật ký, {rep.snapshots} kết quả đã chốt.\n"
    )
    if rep.head != m["audit_head"]:
        out.write("Cảnh báo: mã băm cuối chuỗi nhật ký khác với lúc sao lưu.\n")
        return 1
    if not rep.ok:
        out.write("Cảnh báo: kiểm tra toàn vẹn có vấn đề; chạy 'xephang verify'.\n")
        return 1
    out.write("Toàn vẹn: đã kiểm tra chuỗi nhật ký và mọi kết quả đã chốt.\n")
    return 0
