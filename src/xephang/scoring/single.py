"""Score one unit among the others of a period already scored: what its points, total and explanation
would be if the whole period were scored again with this unit's figures in place of its saved ones
(a reporter's live self-score, what one appraisal adjustment cost), without scoring the others again.

Only the ``relative`` rule looks at other units (value / the best value of the group x max): the unit
is scored against the best of the others' values (the scored period keeps every group's columns).
When its figures move that best, the others' points move with it; then nothing short of scoring the
period again is exact, and ``score_unit`` says so by returning None. No other rule, derived value or
condition reads another unit: they are element-wise (framework/expr.py has no group function).
"""

from __future__ import annotations

from typing import Iterable

from ..period import PeriodData, UnitEntry
from .engine import GroupScores, ScoredPeriod, score_group
from .rules import Relative


def score_unit(
    scored: ScoredPeriod,
    unit: UnitEntry,
    values: dict,
    not_applicable: Iterable[str] = (),
    *,
    replaces: int | None = None,
    order: int,
) -> ScoredPeriod | None:
    """A one-unit scored period for ``unit`` (inputs ``values``: input id -> value as the reader gives
    it; criteria ``not_applicable`` to it), equal in points, total and explanations to that unit in
    ``score()`` of ``scored``'s period with ``unit`` added, or in place of ``scored.units[replaces]``.
    ``order``: the unit's position in that rescored period's source (for the input-order tie rule).

    None when exactness needs the whole period scored again: the unit's figures change the best value
    of a ``relative`` criterion of its group, and with it the other units' points."""
    fw = scored.framework
    if scored.kind != "inputs":
        raise ValueError("score_unit scores a unit's inputs; a totals period has only totals")
    gid = unit.group
    saved = scored.units[replaces] if replaces is not None else None
    if saved is not None and saved.group != gid:
        return None  # the unit changed group: two groups' bests move
    data = PeriodData(
        source=scored.data.source,
        kind="inputs",
        units=[unit],
        values={iid: [values.get(iid)] for iid in scored.data.values},
        not_applicable={cid: {0} for cid in not_applicable},
        sheet=scored.data.sheet,
        params=scored.data.params,
    )
    group = scored.groups.get(gid)
    gs = GroupScores(unit_indices=[0])
    bests = _relative_bests(scored, gid)
    skip = saved.index if saved is not None else None
    for cid, (top, at, second) in bests.items():
        others = second if at == skip else top
        if others is not None:
            gs.context.others_best[cid] = others
    groups = {g.id: GroupScores(unit_indices=[]) for g in fw.groups}
    groups[gid] = gs
    (su,) = score_group(fw, data, gid, gs, scored.params, {}, orders=[order])
    for cid in gs.context.others_best:
        if gs.context.best.get(cid) != group.context.best.get(cid):
            return None  # the group's best moved: every other unit's points for it move too
    return ScoredPeriod(fw, data, [su], groups, scored.params)


def _relative_bests(scored: ScoredPeriod, gid: str) -> dict[str, tuple]:
    """Criterion id -> (best value, index of a unit holding it, best value of the others than that
    one) for each ``relative`` criterion of the group, from its scored columns; None where no unit.
    Computed once per scored period and group (a scored period does not change)."""
    memo = scored.__dict__.setdefault("_relative_bests", {})
    if gid in memo:
        return memo[gid]
    fw = scored.framework
    group = scored.groups.get(gid)
    n = len(group.unit_indices) if group is not None else 0
    out = {}

    def walk(node):  # the nodes the engine evaluates for the group
        if isinstance(node.rule, Relative):
            if n == 0:
                out[node.id] = (None, None, None)
                return
            v = node.rule._values(group.cols)
            at = max(range(n), key=v.__getitem__)
            rest = [v[k] for k in range(n) if k != at]
            out[node.id] = (v[at], at, max(rest) if rest else None)
        for ch in node.children:
            if ch.applies_to(gid):
                walk(ch)

    for c in fw.criteria_for(gid):
        walk(c)
    memo[gid] = out  # computed twice at worst by two threads: equal
    return out


def with_units_replaced(scored: ScoredPeriod, changes: dict[int, tuple[UnitEntry, dict, Iterable[str]]]):
    """``scored`` with the units at the given positions (``scored.units`` and ``scored.data.units``)
    scored with new inputs, each ``(unit, values, not_applicable)`` in the same group: a new scored
    period (``scored`` is shared and not modified), equal to ``score()`` of the period with those
    figures in place, each unit scored alone (``score_unit``) against the others one change at a time.
    None when one alone cannot be exact (a unit moved to another group, or a ``relative`` best moved):
    then the period must be scored again."""
    if scored.kind != "inputs":
        return None
    for pos, (unit, values, not_applicable) in sorted(changes.items()):
        saved = scored.units[pos]
        one = score_unit(scored, unit, values, not_applicable, replaces=pos, order=saved.order)
        if one is None:
            return None
        scored = _spliced(scored, pos, unit, values, frozenset(not_applicable), one)
    return scored


def _spliced(scored: ScoredPeriod, pos: int, unit: UnitEntry, values: dict, not_applicable, one: ScoredPeriod):
    """``scored`` with the one-unit result ``one`` in place of the unit at ``pos``: the group's columns
    copied with that unit's entry replaced, the other groups shared."""
    from dataclasses import replace

    new_data = data_with_unit(scored.data, unit, values, not_applicable, pos, pos)
    saved = scored.units[pos]
    k = saved.index
    old, alone = scored.groups[saved.group], one.groups[saved.group]

    def put(arrays: dict, mine: dict) -> dict:
        out = {}
        for name, arr in arrays.items():
            arr = arr.copy()
            arr[k] = mine[name][0]
            out[name] = arr
        return out

    group = GroupScores(
        unit_indices=old.unit_indices,
        points=put(old.points, alone.points),
        raw=put(old.raw, alone.raw),
        na=put(old.na, alone.na),
        # The group's best values: those the unit was scored against (equal to the saved ones, as
        # ``score_unit`` checked, unless the unit is alone in its group: then its own).
        context=replace(old.context, best={**old.context.best, **alone.context.best}, others_best={}),
        cols=put(old.cols, alone.cols),
        unmet=put(old.unmet, alone.unmet),
    )
    groups = dict(scored.groups)
    groups[saved.group] = group
    scored_units = list(scored.units)
    scored_units[pos] = replace(one.units[0], index=k)
    return ScoredPeriod(scored.framework, new_data, scored_units, groups, scored.params)


def data_with_unit(data: PeriodData, unit: UnitEntry, values: dict, not_applicable, pos: int | None, order: int):
    """The period's figures with this unit's (inputs ``values``, criteria ``not_applicable``) in place of
    the unit at ``pos``, or added at ``order`` in the source; ``data`` is not modified."""
    units = list(data.units)
    cols = {iid: list(col) for iid, col in data.values.items()}
    if pos is None:
        units.insert(order, unit)
        for iid, col in cols.items():
            col.insert(order, values.get(iid))
        na = {cid: {i + (i >= order) for i in idx} for cid, idx in data.not_applicable.items()}
    else:
        units[pos] = unit
        for iid, col in cols.items():
            col[pos] = values.get(iid)
        na = {cid: idx - {pos} for cid, idx in data.not_applicable.items()}
    for cid in not_applicable:
        na.setdefault(cid, set()).add(order)
    return PeriodData(
        source=data.source,
        kind=data.kind,
        units=units,
        values=cols,
        not_applicable={cid: idx for cid, idx in na.items() if idx},
        sheet=data.sheet,
        params=data.params,
    )
