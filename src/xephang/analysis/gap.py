"""Road to the next level: for each unit below the top level, the points it lacks and where they are.

Everything here is exact (fixed-point ints, the same rounding as the engine), so "12 more staff with
a computer" really is the smallest number that closes the gap under the regulation's formula.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..display import exact, reach_at_least, rounded, rounded_up
from ..framework.model import Criterion, Framework, Group, Level
from ..numbers import SCALE, from_fixed
from ..ranking import RankedUnit, Ranking
from ..scoring.engine import ScoredPeriod
from ..scoring.rules import Choice, Count, Direct, Formula, Ratio, Relative, Tiers, YesNo


@dataclass
class Opportunity:
    """Points a unit has not earned on one criterion (or one 'best of' node), and how to earn them."""

    criterion_id: str
    title: str
    points: int  # fixed point, what the unit has now (for a deduction: points deducted)
    max: int  # fixed point
    unearned: int  # criterion points still available (within the parents' maxima)
    gain_total: int  # effect on the total if all of them are earned (rescaled where criteria do not apply)
    closes_gap: bool  # this criterion alone is enough to reach the next level
    action: str  # what to do, in words, with the concrete figure
    input_id: str | None = None
    figure: Decimal | None = None  # the value of ``input_id`` to reach (None when not a single figure)
    deduction: bool = False  # points is what was deducted; avoiding the cause gives them back


@dataclass
class UnitGap:
    name: str
    group: Group
    total: int  # fixed point
    level: Level
    next_level: Level
    lacking: int  # fixed point, on the total: next_level.min - total
    opportunities: list[Opportunity] = field(default_factory=list)  # largest gain first
    note: str = ""


def road_to_next_level(ranking: Ranking, unit: str | None = None) -> list[UnitGap]:
    """Every unit below the top level (or just ``unit``), with the points it lacks to reach the next
    level and its unearned criteria, largest first.

    For a criterion whose rule reads figures, the action names the figure to reach: for a ratio, the
    smallest numerator that closes the gap (or reaches the maximum if that criterion alone cannot);
    for tiers, the next tier; for a yes/no, 'có'; and so on. A totals-only period has no criterion
    scores: its gaps carry the points lacking and no opportunities.
    """
    fw = ranking.framework
    if not fw.has_levels:
        return []
    scored = ranking.scored
    wanted = scored.unit(unit) if unit is not None else None
    out = []
    for ru in ranking.all_units():  # units assessed but not ranked have a level to raise too
        if wanted is not None and ru.unit is not wanted:
            continue
        nxt = fw.level_above(ru.level, ru.group.id)  # the group's own levels, where it has them
        if nxt is None:
            continue
        lacking = nxt.min - ru.total
        gap = UnitGap(ru.name, ru.group, ru.total, ru.level, nxt, lacking)
        if scored.kind == "inputs":
            gap.opportunities, gap.note = _opportunities(fw, scored, ru, lacking)
        else:
            gap.note = "kỳ chỉ có tổng điểm đã công bố, không có điểm từng tiêu chí"
        out.append(gap)
    return out


def _ceil_div(a: int, b: int) -> int:
    return -((-a) // b)


def _opportunities(fw: Framework, scored: ScoredPeriod, ru: RankedUnit, lacking: int):
    unit = ru.unit
    applicable = unit.applicable_max or fw.scale
    g = scored.groups[unit.group]
    i = g.unit_indices[unit.index]
    # What the rules read, as they read it: the reported figures, then the period's parameters,
    # derived values and lists as their item counts (the engine's columns).
    values = {k: v[i] for k, v in scored.data.values.items()}
    values.update({k: col[unit.index] for k, col in g.cols.items()})

    def to_total(points: int) -> int:  # criterion points -> effect on the rescaled total
        return points if applicable == fw.scale else points * fw.scale // applicable

    # Criterion points a positive criterion must add, alone, to close the gap, from the exact earned
    # points (not from the total, which is rounded): (earned + need) × scale / applicable − deducted
    # reaches the next level's minimum.
    earned = deducted = 0
    for c in fw.criteria_for(unit.group):
        p = scored.points(unit, c.id) or 0
        if c.deduction:
            deducted += p
        else:
            earned += p
    target_total = ru.total + lacking
    need = max(0, _ceil_div((target_total + deducted) * applicable - earned * fw.scale, fw.scale))
    found: list[Opportunity] = []

    def walk(c: Criterion, headroom: int) -> None:
        if not c.applies_to(unit.group):
            return
        p = scored.points(unit, c.id)
        if p is None:
            return
        if c.deduction:
            if c.depth == 0 and p > 0:
                found.append(
                    Opportunity(
                        c.id,
                        c.title,
                        p,
                        c.max,
                        p,
                        p,
                        p >= lacking,
                        "tránh bị trừ điểm: " + _deduction_action(fw, c, values),
                        _first_input(c),
                        None,
                        True,
                    )
                )
            return
        room = min(headroom, c.max - p)
        if room <= 0:
            return
        if c.rule is not None or c.aggregate == "best":
            target = p + min(room, need)
            action, iid, figure = _action(fw, c, values, g.context, p, target)
            if c.id in g.unmet and g.unmet[c.id][unit.index]:  # 0 because its condition does not hold
                action = f"đáp ứng điều kiện tính điểm {_condition(fw, c)}, và {action}"
            if iid is not None and iid not in fw.inputs:  # a derived value or a parameter: no figure to type
                iid, figure = None, None
            found.append(Opportunity(c.id, c.title, p, c.max, room, to_total(room), room >= need, action, iid, figure))
            return
        for child in c.children:
            walk(child, room)

    for c in fw.criteria_for(unit.group):
        walk(c, c.max)
    found.sort(key=lambda o: -o.gain_total)
    note = ""
    if applicable != fw.scale:
        note = (
            f"có tiêu chí không áp dụng: tổng = điểm đạt / {exact(applicable)} × {exact(fw.scale)}, "
            f"nên cần thêm {rounded_up(need)} điểm tiêu chí để tăng {rounded_up(lacking)} điểm tổng"
        )
    return found, note


def _condition(fw: Framework, c: Criterion) -> str:
    """A criterion's condition with the labels of what it reads: 'co_ttdl (Có Trung tâm dữ liệu)'."""
    labels = [q.label for q in map(fw.quantity, c.when.names()) if q is not None]
    return c.when.text + (f" ({'; '.join(labels)})" if labels else "")


def _first_input(c: Criterion) -> str | None:
    ids = c.inputs()
    return ids[0] if ids else None


def _deduction_action(fw: Framework, c: Criterion, values: dict) -> str:
    """The causes of the deduction: the figures that cost points (a zero or a 'không' costs none, so it
    is not named: 'late reports: 0' beside 3 points deducted would read as a contradiction)."""
    parts = []
    for iid in c.inputs():
        inp = fw.inputs[iid]
        v = values.get(iid)
        if v is True:
            parts.append(f"{inp.label}: có")
        elif isinstance(v, int) and not isinstance(v, bool) and v > 0:
            parts.append(f"{inp.label} hiện là {rounded(v)} {inp.unit}".rstrip())
    return "; ".join(parts) or c.title


def _figure(v: int) -> Decimal:
    """A fixed-point figure as a plain Decimal (100, not 1E+2)."""
    d = from_fixed(v)
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d


def _action(fw: Framework, c: Criterion, values: dict, ctx, p: int, target: int):
    """(text, input id, figure to reach) for earning ``target`` points on criterion ``c`` (has ``p``)."""
    rule = c.rule
    m = c.max
    if rule is None:  # a 'best of' node: the alternative with the highest maximum
        best = max((ch for ch in c.children), key=lambda ch: ch.max)
        return f"đạt trường hợp '{best.title}' (tối đa {rounded(best.max)} điểm)", None, None
    quantities = {k: fw.quantity(k) for k in rule.inputs()}
    label = {k: q.label for k, q in quantities.items()}
    unit_of = {k: q.unit or ("mục" if getattr(q, "type", "") == "list" else "") for k, q in quantities.items()}
    full = " (đạt tối đa)" if target == m else ""

    def whole(iid: str, v: int) -> int:
        """A figure a unit can report: counts (and list items) whole, other numbers rounded up to 2 decimals."""
        step = SCALE if quantities[iid].type in ("count", "list") else SCALE // 100
        return _ceil_div(v, step) * step

    if isinstance(rule, Ratio) and rule.value:
        r = _ceil_div(target * SCALE - SCALE // 2, m)
        r = min(SCALE, max(r, 0))
        pct = _ceil_div(r * 100, SCALE // 100) / Decimal(100)  # percent, rounded up to 2 decimals
        return (
            f"{label[rule.value]}: nâng từ {_pct(values[rule.value])} lên {pct.normalize():f}%{full}",
            rule.value,
            _figure(r),
        )
    if isinstance(rule, Ratio):
        n, d = values[rule.numerator], values[rule.denominator]
        if not d:
            return f"{label[rule.denominator]} đang bằng 0: cần khai báo đúng số liệu", rule.denominator, None
        n2 = whole(rule.numerator, _ceil_div(target * d - (d >> 1), m))
        n2 = min(max(n2, n), d)
        u = unit_of[rule.numerator]
        return (
            f"{label[rule.numerator]}: thêm {rounded(n2 - n)} {u} (từ {rounded(n)} lên {rounded(n2)} trên tổng "
            f"{rounded(d)}){full}".replace("  ", " "),
            rule.numerator,
            _figure(n2),
        )
    if isinstance(rule, Relative):
        best = ctx.best.get(c.id, 0)
        if best <= 0:
            return "chưa đơn vị nào trong khối có giá trị dương", None, None
        v2 = _ceil_div(target * best - (best >> 1), m)
        if rule.value:
            v2 = whole(rule.value, v2)
            return (
                f"{label[rule.value]}: nâng từ {rounded(values[rule.value])} lên {rounded(v2)} "
                f"{unit_of[rule.value]} (so với đơn vị cao nhất trong khối: {rounded(best)}){full}",
                rule.value,
                _figure(v2),
            )
        d = values[rule.denominator]
        n2 = whole(rule.numerator, _ceil_div(v2 * d, SCALE))
        return (
            f"{label[rule.numerator]}: nâng từ {rounded(values[rule.numerator])} lên {rounded(n2)} "
            f"{unit_of[rule.numerator]} (bình quân {rounded(v2)} {_per(unit_of, rule)}; "
            f"cao nhất trong khối: {rounded(best)}){full}",
            rule.numerator,
            _figure(n2),
        )
    if isinstance(rule, YesNo):
        return f"{label[rule.input]}: chuyển sang 'có'", rule.input, None
    if isinstance(rule, Tiers):
        for minimum, points in sorted(rule.tiers):
            if points >= target:
                return (
                    f"{label[rule.input]}: {reach_at_least(minimum, unit_of[rule.input])} "
                    f"(hiện {rounded(values[rule.input])})",
                    rule.input,
                    _figure(minimum),
                )
        minimum, _ = max(rule.tiers, key=lambda t: t[1])
        return f"{label[rule.input]}: {reach_at_least(minimum, unit_of[rule.input])}", rule.input, _figure(minimum)
    if isinstance(rule, Choice):
        options = sorted(rule.points.items(), key=lambda kv: kv[1])
        pick = next((k for k, v in options if v >= target), options[-1][0])
        return f"{label[rule.input]}: '{rule.labels.get(pick, pick)}'", rule.input, None
    if isinstance(rule, Count):
        c2 = whole(rule.input, _ceil_div(target * SCALE - SCALE // 2, rule.per))
        c2 = max(c2, values[rule.input])
        return (
            f"{label[rule.input]}: thêm {rounded(c2 - values[rule.input])} {unit_of[rule.input]} "
            f"(từ {rounded(values[rule.input])} lên {rounded(c2)}){full}".replace("  ", " "),
            rule.input,
            _figure(c2),
        )
    if isinstance(rule, Direct):
        return f"{label[rule.input]}: đạt {rounded(target)} điểm", rule.input, _figure(target)
    if isinstance(rule, Formula):
        reads = [fw.quantity(q) for q in rule.inputs() if q in fw.inputs or q in fw.derived]
        what = ", ".join(q.label for q in reads if q is not None)
        return f"cải thiện {what} (điểm = {rule.expression.text}): thêm {rounded_up(target - p)} điểm{full}", None, None
    return c.title, None, None  # pragma: no cover - every rule type is handled above


def _per(unit_of: dict, rule) -> str:
    top, bottom = unit_of[rule.numerator], unit_of[rule.denominator]
    return f"{top}/{bottom}" if top and bottom else ""


def _pct(r: int) -> str:
    return f"{(from_fixed(r) * 100).normalize():f}%"
