"""Verbs on a period's input data: ``template`` (the Excel form units fill in) and ``import-measured``
(figures measured by systems or surveys, written into the period's data file)."""

from __future__ import annotations

from pathlib import Path

from ..errors import XephangError
from ..framework import load_framework
from ..framework.model import DATA_SOURCES
from ..pipeline import DEFAULT_FRAMEWORK


def register(sub) -> None:
    """Add these verbs to the ``xephang`` parser."""
    sp = sub.add_parser("template", help="tạo tệp Excel mẫu để đơn vị nhập số liệu")
    sp.add_argument("--framework", metavar="ID|PATH", default=DEFAULT_FRAMEWORK)
    sp.add_argument("--group", help="chỉ các chỉ tiêu của một khối (mã hoặc tên)")
    sp.add_argument("--unit", action="append", default=[], help="điền sẵn tên đơn vị (lặp lại được)")
    sp.add_argument("--out", required=True, help="tệp .xlsx sẽ tạo")
    sp.set_defaults(func=cmd_template)

    sp = sub.add_parser(
        "import-measured", help="nhập số liệu đo tự động / điều tra xã hội học của mọi đơn vị vào tệp kỳ đánh giá"
    )
    sp.add_argument("feed", metavar="FEED", help="tệp CSV/Excel: đơn vị, chỉ tiêu, [phương án,] giá trị[, ngày]")
    sp.add_argument("--period", required=True, metavar="PERIOD", help="period.yaml hoặc tệp số liệu của kỳ")
    sp.add_argument(
        "--framework", metavar="ID|PATH", help=f"bộ tiêu chí (mặc định: theo period.yaml, hoặc {DEFAULT_FRAMEWORK})"
    )
    sp.add_argument("--sheet", help="trang tính Excel của tệp số liệu đo")
    sp.set_defaults(func=cmd_import_measured)


def cmd_template(args, out) -> int:
    from ..io import write_template

    fw = load_framework(args.framework)
    try:
        path = write_template(fw, args.out, args.group, args.unit or None)
    except ValueError as e:
        raise XephangError(str(e)) from None
    out.write(f"Đã tạo {path}\n")
    return 0


def cmd_import_measured(args, out) -> int:
    """Write a feed's measured figures into the period's data file (checked whole first), and record
    each figure's source and date in ``so-lieu-do.yaml`` beside it."""
    from ..datasets import resolve
    from ..io.measured import merge_into_period_file, period_units, read_feed, write_stamps

    pf = resolve(args.period)
    fw = load_framework(args.framework or pf.framework or DEFAULT_FRAMEWORK)
    figures = read_feed(args.feed, fw, period_units(pf.path), args.sheet)
    written = merge_into_period_file(pf.path, fw, figures)
    stamps_path = write_stamps(pf.path, fw, figures, Path(args.feed).name)
    by_input: dict[str, list] = {}
    for f in figures:
        by_input.setdefault(f.input_id, []).append(f)
    out.write(f"Đã nhập {written} số liệu từ {Path(args.feed).name} vào {pf.path.name}:\n")
    for iid, figs in by_input.items():
        inp = fw.inputs[iid]
        dates = sorted({f.date for f in figs if f.date})
        source = DATA_SOURCES.get(figs[0].source, figs[0].source)
        out.write(
            f"  - {inp.label} [{iid}] ({source}{', ngày ' + ', '.join(dates) if dates else ''}): {len(figs)} đơn vị\n"
        )
        for f in figs:
            if f.answers:
                out.write(f"      {f.unit}: {f.describe(inp)}\n")
    out.write(f"Nguồn và ngày của từng số liệu: {stamps_path.name}\n")
    return 0
