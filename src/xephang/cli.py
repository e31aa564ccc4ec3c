"""The ``xephang`` command line: one verb per stage (rank, explain, frameworks, framework check).

Every error caused by the user's files is printed as one Vietnamese message that names the file, the
row or cell and the column, and the command exits with status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

from . import __version__
from .errors import XephangError
from .framework import installed_frameworks, load_framework
from .framework.model import DATA_SOURCES
from .numbers import format_number, plain
from .ranking import Ranking, rank
from .scoring import score

DEFAULT_FRAMEWORK = "thanhhoa-2016"


def _ties(value: str):
    if value in ("shared", "dense", "input-order"):
        return value
    return tuple(v.strip() for v in value.split(",") if v.strip())


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="xephang",
        description="Đánh giá, xếp hạng mức độ ứng dụng CNTT / chuyển đổi số của cơ quan nhà nước.",
    )
    p.add_argument("--version", action="version", version=f"xephang {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="LỆNH")

    def period_args(sp):
        """The arguments every verb that reads a period takes; ``load(args)`` reads them."""
        sp.add_argument("file", metavar="FILE", help="tệp CSV/Excel của kỳ đánh giá, hoặc tên kỳ có sẵn (thanhhoa-2020)")
        sp.add_argument("--framework", metavar="ID|PATH", help=f"bộ tiêu chí (mặc định: {DEFAULT_FRAMEWORK})")
        sp.add_argument("--ties", type=_ties, metavar="shared|dense|input-order|ID,ID", help="quy tắc khi tổng điểm bằng nhau")
        sp.add_argument("--sheet", help="trang tính Excel (mặc định: trang đầu tiên có dữ liệu)")
        sp.add_argument("--param", action="append", default=[], metavar="ID=GIÁ_TRỊ",
                        help="giá trị một tham số của kỳ (lặp lại được; thay giá trị ở 'params:' của period.yaml)")

    sp = sub.add_parser("rank", help="tính điểm, xếp mức và xếp hạng từng khối")
    period_args(sp)
    sp.add_argument("--json", action="store_true", help="in một đối tượng JSON thay cho bảng")
    sp.set_defaults(func=cmd_rank)

    sp = sub.add_parser("explain", help="giải thích điểm của một đơn vị theo từng tiêu chí")
    period_args(sp)
    sp.add_argument("--unit", required=True, help="tên đơn vị (không phân biệt hoa thường, dấu cách thừa)")
    sp.set_defaults(func=cmd_explain)

    sp = sub.add_parser("frameworks", help="liệt kê các bộ tiêu chí đã cài")
    sp.set_defaults(func=cmd_frameworks)

    sp = sub.add_parser("framework", help="thao tác với một bộ tiêu chí")
    fsub = sp.add_subparsers(dest="action", required=True, metavar="VIỆC")
    check = fsub.add_parser("check", help="kiểm tra một tệp YAML bộ tiêu chí")
    check.add_argument("file", metavar="FILE")
    check.add_argument("--draft", action="store_true",
                       help="nạp như bản nháp: các khối chưa đủ thang điểm chỉ được cảnh báo (bản nháp không xếp hạng được)")
    check.set_defaults(func=cmd_framework_check)
    imp = fsub.add_parser("import", help="đọc bảng chỉ số (.xlsx, theo cột của phụ lục) thành tệp YAML bộ tiêu chí")
    imp.add_argument("file", metavar="BANG.xlsx")
    imp.add_argument("--out", help="tệp .yaml sẽ tạo (mặc định: in ra màn hình)")
    imp.set_defaults(func=cmd_framework_import)
    exp = fsub.add_parser("export", help="xuất bộ tiêu chí thành bảng chỉ số của phụ lục (.xlsx hoặc .docx)")
    exp.add_argument("framework", metavar="ID|PATH")
    exp.add_argument("--out", required=True, help="tệp .xlsx (đọc lại được bằng 'import') hoặc .docx (bảng in)")
    exp.set_defaults(func=cmd_framework_export)

    sp = sub.add_parser("template", help="tạo tệp Excel mẫu để đơn vị nhập số liệu")
    sp.add_argument("--framework", metavar="ID|PATH", default=DEFAULT_FRAMEWORK)
    sp.add_argument("--group", help="chỉ các chỉ tiêu của một khối (mã hoặc tên)")
    sp.add_argument("--unit", action="append", default=[], help="điền sẵn tên đơn vị (lặp lại được)")
    sp.add_argument("--out", required=True, help="tệp .xlsx sẽ tạo")
    sp.set_defaults(func=cmd_template)

    sp = sub.add_parser("import-measured",
                        help="nhập số liệu đo tự động / điều tra xã hội học của mọi đơn vị vào tệp kỳ đánh giá")
    sp.add_argument("feed", metavar="FEED", help="tệp CSV/Excel: đơn vị, chỉ tiêu, [phương án,] giá trị[, ngày]")
    sp.add_argument("--period", required=True, metavar="PERIOD", help="period.yaml hoặc tệp số liệu của kỳ")
    sp.add_argument("--framework", metavar="ID|PATH", help=f"bộ tiêu chí (mặc định: theo period.yaml, hoặc {DEFAULT_FRAMEWORK})")
    sp.add_argument("--sheet", help="trang tính Excel của tệp số liệu đo")
    sp.set_defaults(func=cmd_import_measured)

    # The outer stages add their own verbs (one module each), so this file stays the core's.
    from .analysis.cli import register as register_analysis
    from .documents.cli import register as register_documents
    from .web.cli import register as register_web

    register_documents(sub, period_args)
    register_analysis(sub, period_args)
    register_web(sub, period_args)
    return p


def load(args):
    """framework + period file -> scored and ranked period, honouring the period's metadata."""
    from .datasets import resolve
    from .io import read_period

    pf = resolve(args.file)
    fw = load_framework(args.framework or pf.framework or DEFAULT_FRAMEWORK)
    data = read_period(pf.path, fw, sheet=args.sheet)
    data.params = {**(pf.meta.get("params") or {}), **_params(getattr(args, "param", None) or [])}
    scored = score(fw, data)
    ties = args.ties if args.ties is not None else pf.ties
    return rank(scored, ties, pf.not_ranked), pf


def cmd_import_measured(args, out) -> int:
    """Write a feed's measured figures into the period's data file (checked whole first), and record
    each figure's source and date in ``so-lieu-do.yaml`` beside it."""
    import datetime as dt

    import yaml

    from .datasets import resolve
    from .io.measured import merge_into_period_file, period_units, read_feed

    pf = resolve(args.period)
    fw = load_framework(args.framework or pf.framework or DEFAULT_FRAMEWORK)
    figures = read_feed(args.feed, fw, period_units(pf.path), args.sheet)
    written = merge_into_period_file(pf.path, fw, figures)
    stamps_path = pf.path.parent / "so-lieu-do.yaml"
    old = yaml.safe_load(stamps_path.read_text(encoding="utf-8")) if stamps_path.exists() else None
    kept = [e for e in (old or {}).get("figures", [])
            if (e.get("unit"), e.get("input")) not in {(f.unit, f.input_id) for f in figures}]
    stamps = {"framework": fw.id, "data": pf.path.name, "figures": kept + [
        {"unit": f.unit, "input": f.input_id, "value": f.text, "source": f.source, "date": f.date,
         "feed": Path(args.feed).name, "imported": dt.date.today().isoformat(),
         **({"answers": f.answers} if f.answers else {})} for f in figures]}
    stamps_path.write_text(yaml.safe_dump(stamps, allow_unicode=True, sort_keys=False), encoding="utf-8")
    by_input: dict[str, list] = {}
    for f in figures:
        by_input.setdefault(f.input_id, []).append(f)
    out.write(f"Đã nhập {written} số liệu từ {Path(args.feed).name} vào {pf.path.name}:\n")
    for iid, figs in by_input.items():
        inp = fw.inputs[iid]
        dates = sorted({f.date for f in figs if f.date})
        source = DATA_SOURCES.get(figs[0].source, figs[0].source)
        out.write(f"  - {inp.label} [{iid}] ({source}{', ngày ' + ', '.join(dates) if dates else ''}): "
                  f"{len(figs)} đơn vị\n")
        for f in figs:
            if f.answers:
                out.write(f"      {f.unit}: {f.describe(inp)}\n")
    out.write(f"Nguồn và ngày của từng số liệu: {stamps_path.name}\n")
    return 0


def _params(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise XephangError(f"--param '{pair}': cần dạng ID=GIÁ_TRỊ, ví dụ --param so_van_ban_yeu_cau=4")
        out[key.strip()] = value.strip()
    return out


def _label(ranking: Ranking, value: int) -> str:
    fw = ranking.framework
    return format_number(fw.shown(value), fw.decimals)


def cmd_rank(args, out) -> int:
    from .ranking.pillars import pillar_rankings, unit_pillars

    ranking, _ = load(args)
    fw = ranking.framework
    pillars = pillar_rankings(ranking)
    percent = fw.report == "points-percent"
    if args.json:
        def unit_doc(u):
            d = {
                "group": u.group.id,
                "group_name": u.group.name,
                "unit": u.name,
                "total": plain(u.total),
                "shown": _label(ranking, u.total),
                "level": u.level.name if u.level else None,
                "rank": u.rank,
            }
            if percent:
                d["points"] = plain(ranking.earned(u))
                d["percent"] = format_number(u.percent, fw.decimals)
            if not u.ranked:
                d["ranked"] = False
                d["reason"] = u.reason
            if pillars:
                d["pillars"] = {
                    t.pillar.id: {
                        "points": plain(r_.points), "max": plain(r_.max),
                        "percent": format_number(r_.percent(fw.decimals), fw.decimals), "rank": r_.rank,
                    }
                    for t in pillars if t.group is u.group for r_ in t.rows if r_.unit is u
                }
            return d

        doc = {
            "framework": fw.id,
            "ties": ranking.ties if isinstance(ranking.ties, str) else list(ranking.ties),
            "rank_on": fw.rank_on,
            "report": fw.report,
            "decimals": fw.decimals,
            "units": [unit_doc(u) for u in ranking.all_units()],
            "pillars": [{"id": p.id, "name": p.name, "criteria": list(p.criteria)} for p in fw.pillars],
            "warnings": ranking.warnings,
        }
        json.dump(doc, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    out.write(f"Bộ tiêu chí: {fw.title} ({fw.id})\n")
    out.write(f"Nguồn: {ranking.scored.data.source}\nQuy tắc đồng điểm: {fw.describe_ties(ranking.ties)}\n")
    show_levels = fw.has_levels
    for n, g in enumerate(ranking.groups, start=1):
        count = f"{len(g.units)} đơn vị" + (f", {len(g.unranked)} không xếp hạng" if g.unranked else "")
        out.write(f"\n{n}. {g.group.name} ({count})\n")
        everyone = [*g.units, *g.unranked]
        width = max(_width(u.name) for u in everyone)
        total_head = "Chỉ số" if fw.report == "index" else "Điểm" if percent else "Tổng điểm"
        head = f"  {'Hạng':>4}  " + (f"{'Mức':<10}  " if show_levels else "") + _pad("Đơn vị", width) + f"  {total_head:>9}"
        if percent:
            head += f"  {'Tỷ lệ':>8}"
        g_pillars = [t for t in pillars if t.group is g.group]
        for t in g_pillars:
            head += f"  {_abbrev(t.pillar.name):>14}"
        out.write(head + "\n")
        for u in everyone:
            level = u.level.name if u.level else "—"
            row = f"  {u.rank if u.ranked else '—':>4}  " + (f"{level:<10}  " if show_levels else "")
            row += _pad(u.name, width) + f"  {_label(ranking, ranking.earned(u) if percent else u.total):>9}"
            if percent:
                row += f"  {format_number(u.percent, fw.decimals) + ' %':>8}"
            for pr in unit_pillars(ranking, u, g_pillars):
                cell = format_number(pr.percent(fw.decimals), fw.decimals) + " %" + (f" ({pr.rank})" if pr.rank else "")
                row += f"  {cell:>14}"
            if not u.ranked:
                row += f"  không xếp hạng: {u.reason}"
            out.write(row + "\n")
        if g_pillars:
            out.write("  Trụ cột: " + "; ".join(f"{t.pillar.name} (tối đa {plain(t.max)} điểm)" for t in g_pillars)
                      + "; tỷ lệ % = điểm / điểm tối đa của trụ cột, (hạng) trong khối\n")
    if ranking.warnings:
        out.write("\nLưu ý:\n")
        for w in ranking.warnings:
            out.write(f"  - {w}\n")
    return 0


def _abbrev(name: str) -> str:
    """A pillar's name short enough for a column head: 'Chính quyền số' stays, longer names are cut."""
    return name if _width(name) <= 14 else name[:13] + "…"


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(c) else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def cmd_explain(args, out) -> int:
    from .scoring.rules import num

    ranking, _ = load(args)
    scored = ranking.scored
    try:
        unit = scored.unit(args.unit)
    except KeyError as e:
        raise XephangError(str(e.args[0])) from None
    ru = next(u for u in ranking.all_units() if u.unit is unit)
    fw = ranking.framework
    level = f", mức {ru.level.name}" if ru.level else ""
    out.write(f"{unit.name} — {ru.group.name}\n")
    if ru.ranked:
        standing = f"hạng {ru.rank}/{len(next(g for g in ranking.groups if g.group is ru.group).units)}"
    else:
        standing = f"không xếp hạng ({ru.reason})"
    percent = f" ({format_number(ru.percent, fw.decimals)} %)" if fw.report == "points-percent" else ""
    out.write(f"Tổng điểm {_label(ranking, unit.total)}{percent} (đầy đủ: {plain(unit.total)}){level}, {standing}\n")
    traces = scored.explain(unit)
    if not traces:
        out.write(
            "\nKỳ này chỉ có tổng điểm đã công bố (bảng kết quả), không có số liệu từng tiêu chí để giải thích.\n"
        )
        return 0
    if scored.params:
        from .framework.params import param_text as _param_text

        out.write("Tham số của kỳ: " + "; ".join(
            f"{fw.params[k].label} [{k}] = {_param_text(fw.params[k], v)}" for k, v in scored.params.items()) + "\n")
    if unit.not_applicable:
        out.write(
            f"Có tiêu chí không áp dụng: tổng = điểm đạt / điểm tối đa áp dụng ({num(unit.applicable_max)}) × {num(fw.scale)}\n"
        )

    def write(trace, number, indent):
        c = trace.criterion
        got = "không áp dụng" if trace.points is None else f"{num(trace.points)} / {num(c.max)} điểm"
        sign = " (trừ điểm)" if c.deduction and c.depth == 0 else ""
        out.write(f"\n{indent}{c.number(number)} {c.title} [{c.id}]: {got}{sign}\n")
        origin = _origin(c)
        if origin:
            out.write(f"{indent}    ({origin})\n")
        for _, label, value in trace.inputs:
            out.write(f"{indent}    • {label}: {value}\n")
        out.write(f"{indent}    → {trace.explanation}\n")
        for k, child in enumerate(trace.children, start=1):
            write(child, f"{c.number(number).rstrip('.')}.{k}." if c.so else f"{number}{k}.", indent + "  ")

    for k, t in enumerate(traces, start=1):
        write(t, f"{k}.", "")
    return 0


def _origin(c) -> str:
    """Where the figures of an item come from and who checks and prepares them, in words."""
    from .framework.model import DATA_SOURCES

    parts = []
    if c.data_source:
        parts.append(f"nguồn: {DATA_SOURCES[c.data_source]}")
    if c.verified_by:
        parts.append(f"xác minh: {c.verified_by}")
    if c.prepared_by:
        parts.append(f"tham mưu, thực hiện: {c.prepared_by}")
    return "; ".join(parts)


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
    from pathlib import Path

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
    from pathlib import Path

    from .framework.table import import_workbook

    result = import_workbook(Path(args.file))
    text = result.yaml()
    for w in result.warnings:
        print(f"Lưu ý: {w}", file=sys.stderr)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        fw = load_framework(Path(args.out))
        out.write(f"Đã tạo {args.out}: {fw.id} — {sum(1 for _ in fw.all_criteria())} tiêu chí, "
                  f"{len(fw.inputs)} chỉ tiêu nhập\n")
    else:
        out.write(text)
    return 0


def cmd_framework_export(args, out) -> int:
    from pathlib import Path

    from .framework.table import export_docx, export_workbook

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


def cmd_template(args, out) -> int:
    from .io import write_template

    fw = load_framework(args.framework)
    try:
        path = write_template(fw, args.out, args.group, args.unit or None)
    except ValueError as e:
        raise XephangError(str(e)) from None
    out.write(f"Đã tạo {path}\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args, sys.stdout)
    except XephangError as e:
        print(f"Lỗi: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into head
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
