"""Score a period: every criterion of every unit, by group, exactly; and explain any unit's points.

Group-relative rules need all units of a group, so a period is scored group by group after it has
been read in full. Results are kept as columns (one array of points per criterion and group); a
unit's trace is produced on demand from the same rules and values (``ScoredPeriod.explain``).

Aggregation: a node sums its sub-items (``aggregate: sum``) or takes the best alternative case
(``best``); every criterion is clamped to [0, max]. Deductions are subtracted from the total, which
does not go below 0. Where criteria do not apply to a unit, its total is rescaled:
total = earned points / applicable max x scale (the "index" way of the CCHC and DTI methods).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..display import yes_no
from ..framework.model import Criterion, Framework
from ..numbers import SCALE, TOTAL_DECIMALS, round_fixed
from ..period import PeriodData
from ..text import fold, search
from .rules import Context, _div, num, pts


@dataclass
class ScoredUnit:
    name: str
    group: str
    order: int  # position in the source, for the input-order tie rule
    row: int | None
    total: int  # fixed point, rounded half-up to TOTAL_DECIMALS
    index: int  # position inside its group's arrays
    not_applicable: frozenset[str] = frozenset()
    applicable_max: int | None = None


@dataclass
class CriterionTrace:
    criterion: Criterion
    points: int | None  # None when not applicable
    explanation: str
    inputs: list[tuple[str, str, str]]  # (input id, label, value shown)
    children: list["CriterionTrace"] = field(default_factory=list)


@dataclass
class GroupScores:
    unit_indices: list[int]  # indices into PeriodData.units
    points: dict[str, np.ndarray] = field(default_factory=dict)  # criterion id -> points per unit
    raw: dict[str, np.ndarray] = field(default_factory=dict)  # the same before clamping to [0, max]
    na: dict[str, np.ndarray] = field(default_factory=dict)  # criterion id -> bool per unit
    context: Context = field(default_factory=Context)
    #: input, parameter and derived-value columns the rules read (lists as their item counts)
    cols: dict[str, np.ndarray] = field(default_factory=dict)
    #: criterion id -> bool per unit: its condition ('when') does not hold, so it scores 0
    unmet: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass
class ScoredPeriod:
    framework: Framework
    data: PeriodData
    units: list[ScoredUnit]
    groups: dict[str, GroupScores]
    #: the period's parameter values (id -> fixed point, or bool)
    params: dict[str, int | bool] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.data.kind

    def unit(self, name: str) -> ScoredUnit:
        key = fold(name)
        found = self._by_folded_name().get(key, [])
        if not found:
            found = search(self.units, name, lambda u: u.name)
        if len(found) != 1:
            names = ", ".join(u.name for u in found) if found else "không có"
            raise KeyError(f"không xác định được đơn vị '{name}' (khớp: {names})")
        return found[0]

    def _by_folded_name(self) -> dict[str, list[ScoredUnit]]:
        """Units by folded name, built once per scored period (a national period has thousands of
        units; a page that looks one up by name must not fold them all on each request). A scored
        period is not changed after scoring, so the index never goes stale."""
        index = self.__dict__.get("_folded_names")
        if index is None:
            index = {}
            for u in self.units:
                index.setdefault(fold(u.name), []).append(u)
            self.__dict__["_folded_names"] = index  # built twice at worst by two threads: equal
        return index

    def points(self, unit: ScoredUnit, cid: str) -> int | None:
        """A unit's points for a criterion; None if not applicable, not scored or a totals period."""
        g = self.groups[unit.group]
        if cid not in g.points:
            return None
        if g.na[cid][unit.index]:
            return None
        return g.points[cid][unit.index]

    def explain(self, unit: ScoredUnit) -> list[CriterionTrace]:
        """Per criterion (tree), why the unit got its points: inputs read, rule, arithmetic, result."""
        fw = self.framework
        if self.kind != "inputs":
            return []
        g = self.groups[unit.group]
        i = g.unit_indices[unit.index]
        raw_values = {k: v[i] for k, v in self.data.values.items()}
        values = dict(raw_values)
        values.update({k: col[unit.index] for k, col in g.cols.items()})

        # What each criterion reads is the same for every unit: worked out once per set.
        behind_of = fw._lookups.setdefault("trace_behind", {})

        def behind(c: Criterion) -> list[str]:
            got = behind_of.get(c.id)
            if got is None:
                got = behind_of[c.id] = _behind(fw, c.reads())
            return got

        def trace(c: Criterion) -> CriterionTrace:
            p = self.points(unit, c.id)
            shown = [_shown(fw, q, values.get(q), raw_values.get(q)) for q in behind(c)]
            if p is None:
                return CriterionTrace(c, None, "không áp dụng với đơn vị này; điểm tối đa được loại khỏi thang", shown)
            children = [trace(ch) for ch in c.children if ch.applies_to(unit.group)]
            unmet = c.id in g.unmet and g.unmet[c.id][unit.index]
            if unmet:
                from .rules import _bindings

                text = f"điều kiện không thỏa: {c.when.text} ({_bindings(c.when, values, c.max)}) → 0 điểm"
                return CriterionTrace(c, p, text, shown, children)
            if c.rule is not None:
                text = c.rule.explain(c.id, c.max, values, g.context)
            elif c.aggregate == "best":
                text = "lấy trường hợp cao điểm nhất: " + ", ".join(
                    f"{ch.criterion.id} = {num(ch.points or 0)}" for ch in children
                )
            else:
                text = "cộng các tiêu chí thành phần: " + " + ".join(num(ch.points or 0) for ch in children)
            raw = g.raw[c.id][unit.index]
            if raw != p:
                text += f"; giới hạn trong [0, {num(c.max)}] → {pts(p)}"
            if c.deduction and c.depth == 0:
                text += " (bị trừ vào tổng điểm)"
            if c.when is not None:
                text = f"điều kiện {c.when.text}: thỏa; " + text
            return CriterionTrace(c, p, text, shown, children)

        return [trace(c) for c in fw.criteria if c.applies_to(unit.group)]


def score(framework: Framework, data: PeriodData) -> ScoredPeriod:
    """Score every unit of the period; for a totals period, take the published totals as they are."""
    if framework.draft:
        from ..errors import FrameworkError

        raise FrameworkError(
            framework.source,
            "",
            "bộ tiêu chí đang là bản nháp (draft): chưa đủ để tính điểm và xếp hạng; hoàn thiện các tiêu "
            "chí còn thiếu và bỏ 'draft: true' (kiểm tra: xephang framework check)",
        )
    from ..framework.params import param_values

    params = param_values(framework, data.params) if data.kind == "inputs" else {}
    by_group: dict[str, list[int]] = {g.id: [] for g in framework.groups}
    for i, u in enumerate(data.units):
        by_group[u.group].append(i)
    groups = {gid: GroupScores(unit_indices=idx) for gid, idx in by_group.items()}
    units: list[ScoredUnit | None] = [None] * len(data.units)
    arrays: dict[str, np.ndarray] = {}  # each input column as an array once, shared by the groups

    for gid, gs in groups.items():
        idx = gs.unit_indices
        if not idx:
            continue
        if data.kind == "totals":
            for k, i in enumerate(idx):
                u = data.units[i]
                units[i] = ScoredUnit(u.name, gid, i, u.row, round_fixed(u.total, TOTAL_DECIMALS), k)
            continue
        for i, su in zip(idx, score_group(framework, data, gid, gs, params, arrays)):
            units[i] = su
    return ScoredPeriod(framework, data, units, groups, params)


def score_group(
    framework: Framework,
    data: PeriodData,
    gid: str,
    gs: GroupScores,
    params: dict,
    arrays: dict,
    orders: list[int] | None = None,
) -> list[ScoredUnit]:
    """Score the units ``gs.unit_indices`` of one group of an inputs period (filling ``gs``); their
    ``ScoredUnit`` in that order. ``orders``: their positions in the source, when not their indices."""
    idx = gs.unit_indices
    cols = _columns(framework, data, gid, idx, arrays)
    _derived_columns(framework, gid, cols, params, len(idx))
    gs.cols = cols
    gs.context.size = len(idx)
    na_any = {cid: _na(data, cid, idx) for cid in _criteria_ids(framework, gid)}
    positive = np.zeros(len(idx), dtype=object)
    deducted = np.zeros(len(idx), dtype=object)
    na_max = np.zeros(len(idx), dtype=object)
    for c in framework.criteria_for(gid):
        p = _score_node(c, gid, cols, gs, na_any, na_max)
        if c.deduction:
            deducted = deducted + p
        else:
            positive = positive + p
    applicable = framework.scale - na_max
    rescaled = np.where(
        na_max == 0, positive, _div(positive * framework.scale, np.where(applicable == 0, 1, applicable))
    )
    totals = np.maximum(rescaled - deducted, 0)
    na_masks = [(cid, mask) for cid, mask in gs.na.items() if mask.any()]
    any_na = np.logical_or.reduce([m for _, m in na_masks]) if na_masks else np.zeros(len(idx), bool)
    none: frozenset[str] = frozenset()
    out = []
    # Python lists of the group's columns: a unit's entries read without a numpy lookup each.
    for k, (i, total, most, some_na) in enumerate(zip(idx, totals.tolist(), applicable.tolist(), any_na.tolist())):
        u = data.units[i]
        na = frozenset(cid for cid, mask in na_masks if mask[k]) if some_na else none
        out.append(
            ScoredUnit(
                u.name,
                gid,
                i if orders is None else orders[k],
                u.row,
                round_fixed(int(total), TOTAL_DECIMALS),
                k,
                not_applicable=na,
                applicable_max=int(most),
            )
        )
    return out


def _criteria_ids(fw: Framework, gid: str):
    for c in fw.criteria_for(gid):
        for node in c.walk():
            if node.applies_to(gid):
                yield node.id


def _na(data: PeriodData, cid: str, idx: list[int]) -> np.ndarray:
    marked = data.not_applicable.get(cid)
    if not marked:
        return np.zeros(len(idx), dtype=bool)
    return np.array([i in marked for i in idx], dtype=bool)


def _columns(fw: Framework, data: PeriodData, gid: str, idx: list[int], arrays) -> dict[str, np.ndarray]:
    cols = {}
    take = np.array(idx, dtype=np.intp)
    for inp in fw.inputs_for(gid):
        if inp.id not in arrays:
            arrays[inp.id] = np.array(data.values[inp.id], dtype=object)
        col = arrays[inp.id][take]
        missing = np.equal(col, None)
        if missing.any():  # values of a criterion marked "not applicable": any value, masked later
            fill = False if inp.type == "yesno" else "" if inp.type == "choice" else () if inp.type == "list" else 0
            col[missing] = fill
        if inp.type == "list":  # a list counts its items (already de-duplicated when read)
            lengths = np.fromiter(map(len, col), dtype=np.intp, count=len(col))
            col = np.array([n * SCALE for n in range(int(lengths.max(initial=0)) + 1)], dtype=object)[lengths]
        elif inp.type == "yesno" and fw.derived:
            col = col.astype(bool)
        cols[inp.id] = col
    return cols


def _derived_columns(fw: Framework, gid: str, cols: dict, params: dict, n: int) -> None:
    """Add the period's parameters and the derived values the group's criteria read to ``cols``."""
    if not fw.params and not fw.derived:
        return
    for pid, v in params.items():
        cols[pid] = np.full(n, v, dtype=bool if isinstance(v, bool) else object)
    needed: set[str] = set()
    for c in fw.criteria_for(gid):
        for node in c.walk():
            if node.applies_to(gid):
                needed.update(q for q in node.reads() if q in fw.derived)
    for did in reversed(fw.derived):  # dependents come later in the order: walk it backwards
        if did in needed:
            needed.update(q for q in fw.derived[did].expr.names() if q in fw.derived)
    for did, d in fw.derived.items():
        if did not in needed:
            continue
        v = d.expr.evaluate(cols, d.max)
        if not isinstance(v, np.ndarray):
            v = np.full(n, v, dtype=bool if isinstance(v, (bool, np.bool_)) else object)
        cols[did] = v.astype(bool) if d.type == "yesno" else v


def _behind(fw: Framework, names: list[str]) -> list[str]:
    """``names`` and, after each derived value, what it is computed from (so a trace shows it all)."""
    out: dict[str, None] = {}
    stack = list(reversed(names))
    while stack:
        q = stack.pop()
        if q in out:
            continue
        out[q] = None
        if q in fw.derived:
            stack.extend(reversed(fw.derived[q].expr.names()))
    return list(out)


def _shown(fw: Framework, qid: str, value, raw) -> tuple[str, str, str]:
    """(id, label, value as text) of what a criterion reads, for its trace."""
    q = fw.quantity(qid)
    if q is None:
        return (qid, qid, "—")
    return (qid, _label(fw, qid), _value_text(q, value, raw))


def _value_text(q, value, raw) -> str:
    """One unit's value of a quantity as its trace shows it."""
    if isinstance(value, (bool, np.bool_)):
        return yes_no(value)
    if getattr(q, "type", "") == "choice":
        return next((o.label for o in q.options if o.id == value), str(value))
    if getattr(q, "type", "") == "list":
        items = list(raw or ())
        return f"{len(items)} mục" + (": " + "; ".join(items) if items else "")
    return f"{num(value)} {q.unit}".strip()


def _label(fw: Framework, qid: str) -> str:
    """A quantity's label in a trace (a derived value with its formula); the same for every unit."""
    labels = fw._lookups.setdefault("trace_labels", {})
    label = labels.get(qid)
    if label is None:
        q = fw.quantity(qid)
        label = q.label
        if qid in fw.derived:
            label += f" (= {fw.derived[qid].expr.text})" if fw.derived[qid].label != fw.derived[qid].expr.text else ""
            label += " [tính toán]"
        elif qid in fw.params:
            label += " [tham số của kỳ]"
        labels[qid] = label
    return label


def _score_node(c: Criterion, gid: str, cols, gs: GroupScores, na_any, na_max) -> np.ndarray:
    na = na_any[c.id]
    if c.rule is not None:
        raw = c.rule.evaluate(c.id, c.max, cols, gs.context)
        if not isinstance(raw, np.ndarray) or raw.shape != (gs.context.size,):  # a constant
            raw = np.full(gs.context.size, raw, dtype=object) if np.ndim(raw) == 0 else raw
    else:
        parts = [_score_node(ch, gid, cols, gs, na_any, na_max) for ch in c.children if ch.applies_to(gid)]
        if c.aggregate == "best":
            raw = np.maximum.reduce(parts) if len(parts) > 1 else parts[0]
        else:
            raw = sum(parts[1:], parts[0])
        # A sub-item that is not applicable takes its max out of the unit's scale, unless the whole
        # node is not applicable (counted once, below).
    points = np.minimum(np.maximum(raw, 0), c.max)
    if c.when is not None:
        cond = c.when.evaluate(cols, c.max)
        met = cond.astype(bool) if isinstance(cond, np.ndarray) else np.full(len(points), bool(cond))
        gs.unmet[c.id] = ~met
        points = np.where(met, points, 0).astype(object)
    if na.any():
        points = np.where(na, 0, points)
        if not c.deduction:
            na_max += np.where(na & ~_na_above(c, na_any), c.max, 0).astype(object)
    gs.raw[c.id] = raw
    gs.points[c.id] = points
    gs.na[c.id] = na
    return points


def _na_above(c: Criterion, na_any) -> np.ndarray:
    """Units for which an ancestor is already not applicable (its max is removed once, there)."""
    mask = np.zeros_like(na_any[c.id])
    p = c.parent
    while p is not None:
        mask = mask | na_any[p.id]
        p = p.parent
    return mask
