"""Verbs of the analyses: robustness, gap, compare, components, checks.

Each verb calls one pure function of ``xephang.analysis`` and formats its result; errors caused by
the user's files are ``XephangError`` and reach the user as one Vietnamese line (exit status 2).
"""

from __future__ import annotations

import argparse
import json

from ..display import exact, points, points_change, rounded, rounded_up
from ..errors import XephangError
from ..numbers import format_number, from_fixed
from .period import add_period_arguments, load, load_other


def register(sub) -> None:
    """Add this package's sub-commands to the ``xephang`` parser."""
    sp = sub.add_parser("robustness", help="độ vững của thứ hạng khi trọng số (và số liệu) thay đổi nhỏ")
    add_period_arguments(sp)
    sp.add_argument("--draws", type=int, default=1000, help="số lần mô phỏng (mặc định 1000)")
    sp.add_argument("--seed", type=int, default=1, help="hạt giống ngẫu nhiên, để kết quả lặp lại được")
    sp.add_argument(
        "--range",
        type=_percent,
        default=0.10,
        dest="weight_range",
        help="biên độ thay đổi trọng số mỗi nhóm tiêu chí, ví dụ 10%% hoặc 0.1 (mặc định ±10%%)",
    )
    sp.add_argument(
        "--input-uncertainty",
        type=_uncertainty,
        default=0.0,
        help="độ bất định của số liệu nhập: 5%% cho mọi chỉ tiêu số, hoặc từng chỉ tiêu "
        "'so_cbccvc=2%%,bang_thong_internet=10%%' (chậm hơn: tính lại từng lần)",
    )
    sp.add_argument(
        "--total-uncertainty",
        type=float,
        default=0.0,
        help="độ bất định của tổng điểm (điểm), cho kỳ chỉ có tổng điểm đã công bố",
    )
    sp.add_argument("--chart", metavar="PNG", help="vẽ biểu đồ khoảng thứ hạng từng khối vào tệp PNG")
    sp.add_argument("--json", action="store_true", help="in JSON")
    sp.set_defaults(func=cmd_robustness)

    sp = sub.add_parser("gap", help="con đường lên mức xếp loại kế tiếp của từng đơn vị")
    add_period_arguments(sp)
    sp.add_argument("--unit", help="chỉ một đơn vị")
    sp.add_argument("--top", type=int, default=5, help="số tiêu chí gợi ý cho mỗi đơn vị (mặc định 5)")
    sp.add_argument("--json", action="store_true", help="in JSON")
    sp.set_defaults(func=cmd_gap)

    sp = sub.add_parser("compare", help="so sánh hai kỳ: thay đổi thứ hạng, mức, điểm từng nhóm tiêu chí")
    sp.add_argument("old", metavar="OLD", help="kỳ trước (tệp hoặc tên kỳ có sẵn, ví dụ thanhhoa-2020)")
    sp.add_argument("new", metavar="NEW", help="kỳ này")
    sp.add_argument("--old-framework", metavar="ID|PATH", help="bộ tiêu chí của kỳ trước")
    sp.add_argument("--framework", metavar="ID|PATH", help="bộ tiêu chí của kỳ này")
    sp.add_argument("--lineage", metavar="YAML", help="quan hệ đơn vị (đổi tên, hợp nhất, chia tách) và nhóm tiêu chí")
    sp.add_argument("--top", type=int, default=5, help="số đơn vị thay đổi nhiều nhất mỗi khối")
    sp.add_argument("--json", action="store_true", help="in JSON")
    sp.set_defaults(func=cmd_compare)

    sp = sub.add_parser("components", help="xếp hạng từng khối theo từng nhóm tiêu chí")
    add_period_arguments(sp)
    sp.set_defaults(func=cmd_components)

    sp = sub.add_parser("checks", help="kiểm tra chất lượng số liệu cho thẩm định")
    add_period_arguments(sp)
    sp.add_argument("--previous", metavar="FILE", help="số liệu năm trước (để phát hiện biến động bất thường)")
    sp.add_argument("--previous-framework", metavar="ID|PATH", help="bộ tiêu chí của năm trước")
    sp.add_argument("--evidence", metavar="FILE", help="danh mục tài liệu kiểm chứng (CSV/Excel)")
    sp.add_argument("--rules", metavar="YAML", help="quy tắc nhất quán giữa các chỉ tiêu (at_most, requires)")
    sp.add_argument("--jump", type=_percent, default=0.5, help="ngưỡng biến động so với năm trước (mặc định 50%%)")
    sp.add_argument("--units", metavar="FILE", help="danh mục tên đơn vị chính thức (mỗi dòng một tên)")
    sp.add_argument("--json", action="store_true", help="in JSON")
    sp.set_defaults(func=cmd_checks)


def _percent(text: str) -> float:
    t = text.strip().replace(",", ".")
    try:
        return float(t[:-1]) / 100 if t.endswith("%") else float(t)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' không phải tỷ lệ; ví dụ 10% hoặc 0.1") from None


def _uncertainty(text: str):
    """'5%' for every numeric input, or 'id=5%,id2=0.1' per input."""
    if "=" not in text:
        return _percent(text)
    out = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise argparse.ArgumentTypeError(f"'{part}': cần dạng mã_chỉ_tiêu=5%")
        out[key.strip()] = _percent(value)
    return out


def _dump(doc, out) -> int:
    json.dump(doc, out, ensure_ascii=False, indent=2, default=str)
    out.write("\n")
    return 0


# --------------------------------------------------------------------------------------- robustness
def cmd_robustness(args, out) -> int:
    from ..analysis import rank_robustness

    ranking, _ = load(args)
    result = rank_robustness(
        ranking, args.draws, args.seed, args.weight_range, args.input_uncertainty, args.total_uncertainty
    )
    if args.chart:
        from ..analysis.charts import robustness_chart

        robustness_chart(result, args.chart)
    if args.json:
        return _dump(
            {
                "draws": result.draws,
                "seed": result.seed,
                "method": result.method,
                "groups": [
                    {
                        "group": g.group.id,
                        "units": [
                            {
                                "unit": u.name,
                                "rank": u.plain_rank,
                                "level": u.plain_level.name if u.plain_level else None,
                                "median_rank": u.median_rank,
                                "rank_5": u.rank_low,
                                "rank_95": u.rank_high,
                                "level_probability": u.level_probability,
                                "fragile": u.fragile,
                            }
                            for u in g.units
                        ],
                        "neighbours": [
                            {"upper": p.upper, "lower": p.lower, "swap_probability": p.swap_probability}
                            for p in g.neighbours
                        ],
                    }
                    for g in result.groups
                ],
            },
            out,
        )
    names = {lv.id: lv.name for lv in result.levels}
    out.write(f"Độ vững của thứ hạng: {result.draws} lần mô phỏng, hạt giống {result.seed}\n")
    out.write(f"Thay đổi: {result.method}\n")
    out.write("Thứ hạng và mức chính thức tính chính xác; các lần mô phỏng chỉ để đánh giá độ vững.\n")
    for g in result.groups:
        out.write(f"\n{g.group.name}\n")
        width = max(len(u.name) for u in g.units)
        out.write(f"  {'Hạng':>4}  {'Đơn vị':<{width}}  {'Trung vị':>8}  {'Khoảng 5–95%':>12}  Xác suất mức\n")
        for u in g.units:
            own = {lv.id: lv.name for lv in g.levels} or names  # the group's own levels, where it has them
            probs = ", ".join(
                f"{own.get(k, k)} {v * 100:.0f}%" for k, v in sorted(u.level_probability.items(), key=lambda kv: -kv[1])
            )
            flag = "  ⚠ mức dễ thay đổi" if u.fragile else ""
            out.write(
                f"  {u.plain_rank:>4}  {u.name:<{width}}  {u.median_rank:>8}  "
                f"{f'{u.rank_low}–{u.rank_high}':>12}  {probs}{flag}\n"
            )
        close = [p for p in g.neighbours if not p.meaningful]
        if close:
            out.write("  Thứ hạng liền kề không khác biệt rõ (đảo chỗ trong ≥ 5% số lần):\n")
            for p in close:
                out.write(f"    - {p.upper} / {p.lower}: {p.swap_probability * 100:.0f}%\n")
    if args.chart:
        out.write(f"\nĐã vẽ biểu đồ: {args.chart}\n")
    return 0


# --------------------------------------------------------------------------------------------- gap
def cmd_gap(args, out) -> int:
    from ..analysis import road_to_next_level

    ranking, _ = load(args)
    try:
        gaps = road_to_next_level(ranking, args.unit)
    except KeyError as e:
        raise XephangError(str(e.args[0])) from None
    if args.json:
        return _dump(
            [
                {
                    "unit": g.name,
                    "group": g.group.id,
                    "total": str(from_fixed(g.total)),
                    "level": g.level.name,
                    "next_level": g.next_level.name,
                    "lacking": str(from_fixed(g.lacking)),
                    "note": g.note,
                    "opportunities": [
                        {
                            "criterion": o.criterion_id,
                            "title": o.title,
                            "points": str(from_fixed(o.points)),
                            "max": str(from_fixed(o.max)),
                            "unearned": str(from_fixed(o.unearned)),
                            "gain_total": str(from_fixed(o.gain_total)),
                            "closes_gap": o.closes_gap,
                            "action": o.action,
                            "deduction": o.deduction,
                            "input": o.input_id,
                            "figure": None if o.figure is None else str(o.figure),
                        }
                        for o in g.opportunities[: args.top]
                    ],
                }
                for g in gaps
            ],
            out,
        )
    if not gaps:
        out.write(
            "Không có đơn vị nào dưới mức cao nhất"
            + (" (hoặc bộ tiêu chí không có mức)" if not ranking.framework.has_levels else "")
            + ".\n"
        )
        return 0
    d = ranking.framework.decimals
    for g in gaps:
        out.write(
            f"\n{g.name} — {g.group.name}: {points(g.total, d)} điểm, mức {g.level.name}; "
            f"cần thêm {rounded_up(g.lacking)} điểm để đạt mức {g.next_level.name} (từ {exact(g.next_level.min)} điểm)\n"
        )
        if g.note:
            out.write(f"  ({g.note})\n")
        for o in g.opportunities[: args.top]:
            enough = " — riêng tiêu chí này là đủ" if o.closes_gap else ""
            if o.deduction:
                out.write(f"  • {o.title} [{o.criterion_id}]: bị trừ {rounded(o.points)} điểm{enough}\n")
            else:
                out.write(
                    f"  • {o.title} [{o.criterion_id}]: {rounded(o.points)}/{rounded(o.max)} điểm, "
                    f"còn {rounded(o.unearned)} điểm{enough}\n"
                )
            out.write(f"      {o.action}\n")
    return 0


# ----------------------------------------------------------------------------------------- compare
def cmd_compare(args, out) -> int:
    from ..analysis import compare_periods, load_lineage

    old, old_pf = load_other(args.old, args.old_framework)
    new, new_pf = load_other(args.new, args.framework)
    lineage = load_lineage(args.lineage) if args.lineage else None
    result = compare_periods(
        old,
        new,
        lineage,
        args.top,
        old_pf.meta.get("name") or old_pf.path.name,
        new_pf.meta.get("name") or new_pf.path.name,
    )
    if args.json:
        return _dump(compare_document(result), out)
    write_comparison(result, new.framework.decimals, out)
    return 0


def _exact(value) -> str | None:
    """A fixed-point figure as JSON carries it: its exact decimal text (None stays None)."""
    return None if value is None else str(from_fixed(value))


def compare_document(result) -> dict:
    """The comparison as ``compare --json`` prints it."""
    return {
        "old": result.old_label,
        "new": result.new_label,
        "notes": result.notes,
        "gone": result.gone,
        "units": [
            {
                "unit": m.name,
                "group": m.group,
                "how": m.how,
                "predecessors": m.predecessors,
                "note": m.note,
                "old_total": _exact(m.old_total),
                "new_total": str(from_fixed(m.new_total)),
                "delta": _exact(m.delta),
                "old_rank": m.old_rank,
                "new_rank": m.new_rank,
                "rank_change": m.rank_change,
                "old_level": m.old_level,
                "new_level": m.new_level,
                "level_change": m.level_change,
                "components": [
                    {"criterion": c.criterion_id, "old": _exact(c.old), "new": _exact(c.new), "delta": _exact(c.delta)}
                    for c in m.components
                ],
            }
            for m in result.units
        ],
    }


def write_comparison(result, d: int, out) -> None:
    """The comparison as ``compare`` prints it (figures to ``d`` decimals): one table per group, the
    units no longer there, the largest changes."""
    out.write(f"So sánh {result.old_label} → {result.new_label}\n")
    for n in result.notes:
        out.write(f"Lưu ý: {n}\n")
    group = None
    for m in result.units:
        if m.group != group:
            group = m.group
            out.write(f"\n{group}\n  {'Hạng':>4}  {'±':>4}  {'Đơn vị':<40} {'Điểm':>7} {'±':>7}  Mức\n")
        _write_compared_unit(m, d, out)
    if result.gone:
        out.write("\nKhông còn trong kỳ này: " + ", ".join(result.gone) + "\n")
    for g, movers in result.movers.items():
        if movers:
            out.write(f"\nThay đổi nhiều nhất — {g}: " + "; ".join(_mover_text(m, d) for m in movers) + "\n")


def _write_compared_unit(m, d: int, out) -> None:
    out.write(
        f"  {m.new_rank:>4}  {_move_text(m):>4}  {m.name:<40} {points(m.new_total, d):>7} "
        f"{points_change(m.delta, d):>7}  {_level_text(m)}\n"
    )
    if m.note:
        out.write(f"              ({m.note})\n")
    changed = [c for c in m.components if c.delta]
    if changed:
        out.write("              " + "; ".join(f"{c.title}: {points_change(c.delta, d)}" for c in changed) + "\n")


def _move_text(m) -> str:
    """'mới' for a new unit, '—' when not comparable, else '↑3', '↓2' or '='."""
    if m.how == "new":
        return "mới"
    if m.rank_change is None:
        return "—"
    if m.rank_change == 0:
        return "="
    return ("↑" if m.rank_change > 0 else "↓") + str(abs(m.rank_change))


def _level_text(m) -> str:
    if m.old_level and m.old_level != m.new_level:
        return f"{m.old_level} → {m.new_level}"
    return m.new_level or "—"


def _mover_text(m, d: int) -> str:
    rank = f"hạng {'+' if m.rank_change > 0 else ''}{m.rank_change}, " if m.rank_change else ""
    return f"{m.name} ({rank}{points_change(m.delta, d)} điểm)"


# -------------------------------------------------------------------------------------- components
def cmd_components(args, out) -> int:
    from ..analysis import component_rankings

    ranking, _ = load(args)
    tables = component_rankings(ranking)
    if not tables:
        out.write("Kỳ này chỉ có tổng điểm đã công bố: không có điểm từng nhóm tiêu chí để xếp hạng.\n")
        return 0
    d = ranking.framework.decimals
    group = None
    for t in tables:
        if t.group is not group:
            group = t.group
            out.write(f"\n=== {group.name} ===\n")
        out.write(f"\n{t.criterion.title} (tối đa {exact(t.criterion.max)} điểm)\n")
        for r in t.rows:
            rank = "—" if r.rank is None else str(r.rank)
            pts = "không áp dụng" if r.points is None else points(r.points, d)
            overall = "không xếp hạng" if r.overall_rank is None else f"hạng chung {r.overall_rank}"
            out.write(f"  {rank:>4}  {r.name:<40} {pts:>8}   ({overall})\n")
    _pillar_tables(ranking, out)
    out.write(f"\nQuy tắc đồng điểm: {ranking.ties if isinstance(ranking.ties, str) else 'shared'}\n")
    return 0


def _pillar_tables(ranking, out) -> None:
    """Each group's ranks by pillar (trụ cột), after the criteria groups."""
    from ..ranking.pillars import pillar_rankings

    d = ranking.framework.decimals
    group = None
    for t in pillar_rankings(ranking):
        if t.group is not group:
            group = t.group
            out.write(f"\n=== {group.name}: trụ cột ===\n")
        crits = ", ".join(t.pillar.criteria)
        out.write(f"\nTrụ cột {t.pillar.name} (tối đa {exact(t.max)} điểm; gồm {crits})\n")
        for r in t.rows:
            rank = "—" if r.rank is None else str(r.rank)
            pct = format_number(r.percent(d), d) + " %"
            overall = "không xếp hạng" if r.unit.rank is None else f"hạng chung {r.unit.rank}"
            out.write(f"  {rank:>4}  {r.name:<40} {points(r.points, d):>8} / {exact(r.max)}  {pct:>9}   ({overall})\n")


# ------------------------------------------------------------------------------------------ checks
def cmd_checks(args, out) -> int:
    from ..analysis import load_check_rules, read_evidence, run_checks
    from ..analysis.checks import KINDS

    ranking, pf = load(args)
    previous = None
    if args.previous:
        previous = load_other(args.previous, args.previous_framework or args.framework)[0].scored
    evidence = read_evidence(args.evidence, ranking.framework) if args.evidence else None
    rules = load_check_rules(args.rules, ranking.framework) if args.rules else None
    report = run_checks(ranking.scored, previous, evidence, args.jump, rules=rules)
    from ..analysis.checks import check_unit_names, registry_for

    report.findings += check_unit_names(ranking.scored, registry_for(pf, args.units))
    if args.json:
        return _dump(
            {
                "findings": [
                    {
                        "kind": f.kind,
                        "unit": f.unit,
                        "group": f.group,
                        "criterion": f.criterion_id,
                        "input": f.input_id,
                        "figure": f.figure,
                        "message": f.message,
                        "row": f.row,
                    }
                    for f in report.findings
                ],
                "skipped": report.skipped,
            },
            out,
        )
    out.write(f"Kiểm tra số liệu: {len(report.findings)} phát hiện\n")
    for kind, title in KINDS.items():
        items = report.by_kind(kind)
        if not items:
            continue
        out.write(f"\n{title} ({len(items)})\n")
        for f in items:
            where = f"dòng {f.row}, " if f.row else ""
            crit = f" [{f.criterion_id}]" if f.criterion_id else ""
            out.write(f"  - {f.unit} ({where}{f.group}){crit}: {f.figure} — {f.message}\n")
    for s in report.skipped:
        out.write(f"\nChưa kiểm tra: {s}\n")
    return 0
