"""Verbs on criteria sets: ``frameworks`` (those installed) and ``framework check|import|export``."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import XephangError
from ..framework import installed_frameworks, load_framework
from ..numbers import plain


def register(sub) -> None:
    """Add these verbs to the ``xephang`` parser."""
    sp = sub.add_parser("frameworks", help="liệt kê các bộ tiêu chí đã cài")
    sp.set_defaults(func=cmd_frameworks)

    sp = sub.add_parser("framework", help="thao tác với một bộ tiêu chí")
    fsub = sp.add_subparsers(dest="action", required=True, metavar="VIỆC")
    check = fsub.add_parser("check", help="kiểm tra một tệp YAML bộ tiêu chí")
    check.add_argument("file", metavar="FILE")
    check.add_argument(
        "--draft",
        action="store_true",
        help="nạp như bản nháp: các khối chưa đủ thang điểm chỉ được cảnh báo (bản nháp không xếp hạng được)",
    )
    check.set_defaults(func=cmd_framework_check)
    imp = fsub.add_parser("import", help="đọc bảng chỉ số (.xlsx, theo cột của phụ lục) thành tệp YAML bộ tiêu chí")
    imp.add_argument("file", metavar="BANG.xlsx")
    imp.add_argument("--out", help="tệp .yaml sẽ tạo (mặc định: in ra màn hình)")
    imp.set_defaults(func=cmd_framework_import)
    exp = fsub.add_parser("export", help="xuất bộ tiêu chí thành bảng chỉ số của phụ lục (.xlsx hoặc .docx)")
    exp.add_argument("framework", metavar="ID|PATH")
    exp.add_argument("--out", required=True, help="tệp .xlsx (đọc lại được bằng 'import') hoặc .docx (bảng in)")
    exp.set_defaults(func=cmd_framework_export)


def cmd_frameworks(args, out) -> int:
    for fw in installed_frameworks():
        groups = ", ".join(g.id for g in fw.groups)
        basis = fw.legal_basis[0].number if fw.legal_basis else "—"
        draft = " (bản nháp, chưa xếp hạng được)" if fw.draft else ""
        out.write(f"{fw.id}\t{fw.title}{draft}\n\tcăn cứ: {basis}; thang {plain(fw.scale)}; khối: {groups}\n")
        if fw.note:
            out.write(f"\tghi chú: {fw.note}\n")
    return 0


def cmd_framework_check(args, out) -> int:
    fw = load_framework(Path(args.file), draft=args.draft)
    leaves = sum(1 for c in fw.all_criteria() if c.is_leaf)
    extra = ""
    if fw.derived:
        extra += f", {len(fw.derived)} giá trị tính toán"
    if fw.params:
        extra += f", {len(fw.params)} tham số của kỳ"
    out.write(
        f"{'Hợp lệ (bản nháp)' if fw.draft else 'Hợp lệ'}: {fw.id} — {fw.title}\n"
        f"  {len(fw.groups)} khối, {len(fw.levels)} mức, {len(fw.criteria)} nhóm tiêu chí, "
        f"{leaves} tiêu chí lá, {len(fw.inputs)} chỉ tiêu nhập{extra}\n"
    )
    if fw.draft:
        out.write("Bản nháp: nạp được nhưng không dùng để tính điểm, xếp hạng.\n")
        for w in fw.warnings:
            out.write(f"  Cảnh báo: {w}\n")
    return 0


def cmd_framework_import(args, out) -> int:
    from ..framework.table import import_workbook

    result = import_workbook(Path(args.file))
    text = result.yaml()
    for w in result.warnings:
        print(f"Lưu ý: {w}", file=sys.stderr)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        fw = load_framework(Path(args.out))
        out.write(
            f"Đã tạo {args.out}: {fw.id} — {sum(1 for _ in fw.all_criteria())} tiêu chí, "
            f"{len(fw.inputs)} chỉ tiêu nhập\n"
        )
    else:
        out.write(text)
    return 0


def cmd_framework_export(args, out) -> int:
    from ..framework.table import export_docx, export_workbook

    fw = load_framework(args.framework)
    target = Path(args.out)
    if target.suffix.lower() == ".xlsx":
        export_workbook(fw, target)
    elif target.suffix.lower() == ".docx":
        export_docx(fw, target)
    else:
        raise XephangError(f"{target}: cần tệp .xlsx hoặc .docx")
    out.write(f"Đã tạo {target}\n")
    return 0
