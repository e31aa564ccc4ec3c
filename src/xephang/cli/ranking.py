"""Verbs on one period's ranking: ``rank`` (the table or JSON) and ``explain`` (one unit, criterion by
criterion)."""

from __future__ import annotations

import json
import unicodedata

from ..display import exact
from ..errors import XephangError
from ..numbers import format_fixed, format_number, plain
from ..ranking import Ranking
from ..ranking.pillars import pillar_rankings, unit_pillars
from .period import add_period_arguments, load


def register(sub) -> None:
    """Add these verbs to the ``xephang`` parser."""
    sp = sub.add_parser("rank", help="tính điểm, xếp mức và xếp hạng từng khối")
    add_period_arguments(sp)
    sp.add_argument("--json", action="store_true", help="in một đối tượng JSON thay cho bảng")
    sp.set_defaults(func=cmd_rank)

    sp = sub.add_parser("explain", help="giải thích điểm của một đơn vị theo từng tiêu chí")
    add_period_arguments(sp)
    sp.add_argument("--unit", required=True, help="tên đơn vị (không phân biệt hoa thường, dấu cách thừa)")
    sp.set_defaults(func=cmd_explain)


def _label(ranking: Ranking, value: int) -> str:
    fw = ranking.framework
    return format_fixed(fw.shown_fixed(value), fw.decimals)  # fw.shown(value), as text


def cmd_rank(args, out) -> int:
    ranking, _ = load(args)
    if args.json:
        json.dump(rank_document(ranking), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        write_rank_table(ranking, out)
    return 0


# ------------------------------------------------------------------------------------ rank --json
def rank_document(ranking: Ranking) -> dict:
    """The ranking as ``rank --json`` prints it: the rules it was ranked by, then every unit."""
    fw = ranking.framework
    pillars = pillar_rankings(ranking)
    return {
        "framework": fw.id,
        "ties": ranking.ties if isinstance(ranking.ties, str) else list(ranking.ties),
        "rank_on": fw.rank_on,
        "report": fw.report,
        "decimals": fw.decimals,
        "units": [_unit_document(ranking, u, pillars) for u in ranking.all_units()],
        "pillars": [{"id": p.id, "name": p.name, "criteria": list(p.criteria)} for p in fw.pillars],
        "warnings": ranking.warnings,
    }


def _unit_document(ranking: Ranking, u, pillars) -> dict:
    fw = ranking.framework
    d = {
        "group": u.group.id,
        "group_name": u.group.name,
        "unit": u.name,
        "total": plain(u.total),
        "shown": _label(ranking, u.total),
        "level": u.level.name if u.level else None,
        "rank": u.rank,
    }
    if fw.report == "points-percent":
        d["points"] = plain(ranking.earned(u))
        d["percent"] = format_number(u.percent, fw.decimals)
    if not u.ranked:
        d["ranked"] = False
        d["reason"] = u.reason
    if pillars:
        d["pillars"] = {
            t.pillar.id: {
                "points": plain(r.points),
                "max": plain(r.max),
                "percent": format_number(r.percent(fw.decimals), fw.decimals),
                "rank": r.rank,
            }
            for t in pillars
            if t.group is u.group
            for r in t.rows
            if r.unit is u
        }
    return d


# ------------------------------------------------------------------------------------- rank table
def write_rank_table(ranking: Ranking, out) -> None:
    """The ranking as ``rank`` prints it: the rules, one table per group, then the notes."""
    fw = ranking.framework
    pillars = pillar_rankings(ranking)
    out.write(f"Bộ tiêu chí: {fw.title} ({fw.id})\n")
    out.write(f"Nguồn: {ranking.scored.data.source}\nQuy tắc đồng điểm: {fw.describe_ties(ranking.ties)}\n")
    for n, g in enumerate(ranking.groups, start=1):
        _write_group_table(ranking, n, g, [t for t in pillars if t.group is g.group], out)
    warnings = ranking.warnings  # worded once: a national-scale period has thousands of shared ranks
    if warnings:
        out.write("\nLưu ý:\n")
        for w in warnings:
            out.write(f"  - {w}\n")


def _write_group_table(ranking: Ranking, n: int, g, g_pillars, out) -> None:
    count = f"{len(g.units)} đơn vị" + (f", {len(g.unranked)} không xếp hạng" if g.unranked else "")
    out.write(f"\n{n}. {g.group.name} ({count})\n")
    everyone = [*g.units, *g.unranked]
    width = max(_width(u.name) for u in everyone)
    out.write(_head_row(ranking.framework, width, g_pillars) + "\n")
    for u in everyone:
        out.write(_unit_row(ranking, u, width, g_pillars) + "\n")
    if g_pillars:
        out.write(
            "  Trụ cột: "
            + "; ".join(f"{t.pillar.name} (tối đa {plain(t.max)} điểm)" for t in g_pillars)
            + "; tỷ lệ % = điểm / điểm tối đa của trụ cột, (hạng) trong khối\n"
        )


def _head_row(fw, width: int, g_pillars) -> str:
    percent = fw.report == "points-percent"
    total_head = "Chỉ số" if fw.report == "index" else "Điểm" if percent else "Tổng điểm"
    head = (
        f"  {'Hạng':>4}  " + (f"{'Mức':<10}  " if fw.has_levels else "") + _pad("Đơn vị", width) + f"  {total_head:>9}"
    )
    if percent:
        head += f"  {'Tỷ lệ':>8}"
    for t in g_pillars:
        head += f"  {_abbrev(t.pillar.name):>14}"
    return head


def _unit_row(ranking: Ranking, u, width: int, g_pillars) -> str:
    fw = ranking.framework
    percent = fw.report == "points-percent"
    level = u.level.name if u.level else "—"
    row = f"  {u.rank if u.ranked else '—':>4}  " + (f"{level:<10}  " if fw.has_levels else "")
    row += _pad(u.name, width) + f"  {_label(ranking, ranking.earned(u) if percent else u.total):>9}"
    if percent:
        row += f"  {format_number(u.percent, fw.decimals) + ' %':>8}"
    for pr in unit_pillars(ranking, u, g_pillars):
        cell = format_number(pr.percent(fw.decimals), fw.decimals) + " %" + (f" ({pr.rank})" if pr.rank else "")
        row += f"  {cell:>14}"
    if not u.ranked:
        row += f"  không xếp hạng: {u.reason}"
    return row


def _abbrev(name: str) -> str:
    """A pillar's name short enough for a column head: 'Chính quyền số' stays, longer names are cut."""
    return name if _width(name) <= 14 else name[:13] + "…"


def _width(text: str) -> int:
    """Columns the text takes in a terminal: its characters less the combining marks (a name typed
    in decomposed form); a national-scale table measures 12,000 names, most without any mark."""
    if text.isascii():
        return len(text)
    return len(text) - sum(map(bool, map(unicodedata.combining, text)))


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def cmd_explain(args, out) -> int:
    ranking, pf = load(args)
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
        from ..framework.params import param_text as _param_text

        out.write(
            "Tham số của kỳ: "
            + "; ".join(
                f"{fw.params[k].label} [{k}] = {_param_text(fw.params[k], v)}" for k, v in scored.params.items()
            )
            + "\n"
        )
    if unit.not_applicable:
        out.write(
            f"Có tiêu chí không áp dụng: tổng = điểm đạt / điểm tối đa áp dụng ({exact(unit.applicable_max)}) × {exact(fw.scale)}\n"
        )

    stamps = _stamps(pf)

    def measured(iid: str) -> str:
        """' (hệ thống đo tự động, ngày 30/11/2025, tệp do-luong.csv)' for a figure import-measured wrote."""
        from ..io.measured import stamp_text
        from ..text import fold

        stamp = stamps.get((fold(unit.name), iid))
        if stamp is None:
            return ""
        now = scored.data.values.get(iid, [None] * (unit.order + 1))[unit.order]
        if isinstance(now, int) and not isinstance(now, bool) and plain(now) != str(stamp.get("value")):
            return f" (khác số liệu đo đã nhập: {stamp.get('value')}, {stamp_text(stamp)})"
        return f" ({stamp_text(stamp)})"

    def write(trace, number, indent):
        c = trace.criterion
        got = "không áp dụng" if trace.points is None else f"{exact(trace.points)} / {exact(c.max)} điểm"
        sign = " (trừ điểm)" if c.deduction and c.depth == 0 else ""
        out.write(f"\n{indent}{c.number(number)} {c.title} [{c.id}]: {got}{sign}\n")
        origin = _origin(c)
        if origin:
            out.write(f"{indent}    ({origin})\n")
        for iid, label, value in trace.inputs:
            out.write(f"{indent}    • {label}: {value}{measured(iid)}\n")
        out.write(f"{indent}    → {trace.explanation}\n")
        for k, child in enumerate(trace.children, start=1):
            write(child, f"{c.number(number).rstrip('.')}.{k}." if c.so else f"{number}{k}.", indent + "  ")

    for k, t in enumerate(traces, start=1):
        write(t, f"{k}.", "")
    return 0


def _stamps(pf) -> dict:
    """The source and date of the figures ``import-measured`` wrote into the period's data file."""
    from ..io.measured import read_stamps

    path = getattr(pf, "path", None)
    return read_stamps(path) if path is not None else {}


def _origin(c) -> str:
    """Where the figures of an item come from and who checks and prepares them, in words."""
    from ..framework.model import DATA_SOURCES

    parts = []
    if c.data_source:
        parts.append(f"nguồn: {DATA_SOURCES[c.data_source]}")
    if c.verified_by:
        parts.append(f"xác minh: {c.verified_by}")
    if c.prepared_by:
        parts.append(f"tham mưu, thực hiện: {c.prepared_by}")
    return "; ".join(parts)
