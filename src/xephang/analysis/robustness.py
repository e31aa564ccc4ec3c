"""Rank robustness: would a unit still rank (and be levelled) here if the method changed a little?

A seeded Monte Carlo. Each draw perturbs every criteria group's weight (its maximum) by a uniform
factor within ``±weight_range`` and renormalises the weights, group of units by group of units, so
that the criteria groups that apply to it still add up to the same scale (deductions are penalties,
not weights: they are kept as they are);
optionally it also perturbs every numeric input within ``±input_uncertainty`` (relative), and, for a
totals-only period, every published total within ``±total_uncertainty`` points. Each draw is re-ranked
per group; the statistics are the median rank, the 5–95 % rank interval and the probability of each
level.

Exactness: the plain ranks and levels reported come from the exact engine (``Ranking``). The draws
themselves are a simulation, not an official score: they are computed with numpy floats at the level
of the criteria groups (each group's exact points scaled by its perturbed weight / its maximum), which
is what makes 1,000 draws of a province take well under a second. Simulated totals are rounded to
1e-9 point before ranking so that float noise never separates two exactly equal totals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import XephangError
from ..framework.model import Framework, Group, Level
from ..numbers import SCALE
from ..period import PeriodData
from ..ranking import Ranking
from ..scoring.engine import ScoredPeriod, score

#: A level is fragile when the unit's published level comes out in fewer than this share of draws.
FRAGILE_BELOW = 0.9
#: Two neighbours are "not meaningfully different" when the lower one ranks ahead in at least this share.
SWAP_AT_LEAST = 0.05


@dataclass
class UnitRobustness:
    name: str
    plain_rank: int
    plain_level: Level | None
    median_rank: int
    rank_low: int  # 5th percentile (best plausible rank)
    rank_high: int  # 95th percentile (worst plausible rank)
    level_probability: dict[str, float]  # level id -> share of draws
    fragile: bool  # its plain level comes out in fewer than FRAGILE_BELOW of the draws

    @property
    def plain_level_probability(self) -> float:
        return self.level_probability.get(self.plain_level.id, 0.0) if self.plain_level else 1.0


@dataclass
class NeighbourPair:
    """Two units next to each other in the plain ranking, and how often the draws swap them."""

    upper: str
    lower: str
    swap_probability: float  # share of draws where ``lower`` ranks strictly ahead of ``upper``

    @property
    def meaningful(self) -> bool:
        return self.swap_probability < SWAP_AT_LEAST


@dataclass
class GroupRobustness:
    group: Group
    units: list[UnitRobustness]  # in plain-ranking order
    neighbours: list[NeighbourPair]
    levels: list[Level] = field(default_factory=list)  # the group's levels (its own, or the set's)


@dataclass
class Robustness:
    draws: int
    seed: int
    weight_range: float
    input_uncertainty: float | dict[str, float]  # relative; one for all inputs, or per input id
    total_uncertainty: float  # points, totals-only periods
    method: str  # what was perturbed, in words (Vietnamese)
    groups: list[GroupRobustness] = field(default_factory=list)
    levels: list[Level] = field(default_factory=list)  # the set's; a group's own: ``GroupRobustness.levels``

    def units(self) -> list[UnitRobustness]:
        return [u for g in self.groups for u in g.units]

    def unit(self, name: str) -> UnitRobustness:
        from ..text import fold

        return next(u for u in self.units() if fold(u.name) == fold(name))


def rank_robustness(
    ranking: Ranking,
    draws: int = 1000,
    seed: int = 1,
    weight_range: float = 0.10,
    input_uncertainty: float | dict[str, float] = 0.0,
    total_uncertainty: float = 0.0,
) -> Robustness:
    """Monte Carlo of the ranking; see the module docstring for the method.

    ``weight_range`` is relative (0.10 = ±10 % on each criteria group's maximum, renormalised to the
    scale); ``input_uncertainty`` relative, one figure for every numeric input or a dict input id ->
    its stated uncertainty (counts stay whole, parts stay at most their whole, ratios at most 1); it
    re-scores each draw with the exact engine and is slower (about 3.5 s for 1,000 draws of 47 units);
    ``total_uncertainty`` in points, for totals-only periods, whose weights cannot be perturbed.
    A totals-only period with no total uncertainty is refused: there is nothing to perturb.
    """
    if draws < 1:
        raise XephangError("số lần mô phỏng (--draws) phải lớn hơn 0")
    fw = ranking.framework
    per_input = input_uncertainty if isinstance(input_uncertainty, dict) else None
    if per_input is not None:
        computed = [k for k in per_input if k in fw.derived or k in fw.params]
        if computed:
            k = computed[0]
            what = (
                f"giá trị tính toán ({fw.derived[k].expr.text}); nêu độ bất định của các chỉ tiêu nó đọc"
                if k in fw.derived
                else "tham số của kỳ, như nhau cho mọi đơn vị"
            )
            raise XephangError(f"'{k}' là {what}, không phải số liệu đơn vị nhập")
        unknown = [k for k in per_input if k not in fw.inputs or not fw.inputs[k].numeric]
        if unknown:
            raise XephangError(f"không có chỉ tiêu số '{unknown[0]}' trong bộ tiêu chí '{fw.id}'")
    spread = max(per_input.values(), default=0.0) if per_input is not None else input_uncertainty
    if not (0 <= weight_range < 1) or min([spread, *(per_input or {}).values()]) < 0 or total_uncertainty < 0:
        raise XephangError("biên độ nhiễu phải không âm (trọng số: nhỏ hơn 1 = 100 %)")
    scored = ranking.scored
    rng = np.random.default_rng(seed)
    if scored.kind != "inputs":
        if total_uncertainty <= 0:
            raise XephangError(
                "kỳ này chỉ có tổng điểm đã công bố nên không thể thay đổi trọng số tiêu chí; "
                "cần số liệu từng tiêu chí, hoặc nêu độ bất định của tổng điểm (--total-uncertainty, "
                "ví dụ 0.5 điểm)"
            )
        method = f"tổng điểm công bố ± {total_uncertainty:g} điểm (phân bố đều); không có điểm từng tiêu chí"
        weight_range = 0.0
        input_uncertainty = 0.0
    else:
        parts = []
        if weight_range:
            parts.append(
                f"trọng số (điểm tối đa) từng nhóm tiêu chí ± {weight_range * 100:g} %, "
                f"chuẩn hóa lại về thang {fw.scale // SCALE}"
            )
        if per_input:
            parts.append(
                "số liệu nhập: " + ", ".join(f"{fw.inputs[k].label} ± {v * 100:g} %" for k, v in per_input.items())
            )
        elif input_uncertainty:
            parts.append(f"mỗi số liệu nhập ± {input_uncertainty * 100:g} %")
        if total_uncertainty:
            parts.append(f"tổng điểm ± {total_uncertainty:g} điểm")
        method = "; ".join(parts) or "không thay đổi gì (kiểm tra: thứ hạng phải trùng thứ hạng chính thức)"

    criteria = fw.criteria
    k = len(criteria)
    positive = np.array([not c.deduction for c in criteria])
    maxima = np.array([c.max / SCALE for c in criteria])
    # One factor per criteria group and draw, shared by all groups of units (the method is one).
    factors = 1 + rng.uniform(-weight_range, weight_range, size=(draws, k)) if weight_range else np.ones((draws, k))
    per_draw_points = None
    if input_uncertainty and scored.kind == "inputs":
        per_draw_points = _input_draws(fw, scored.data, draws, input_uncertainty, rng)

    scale = fw.scale / SCALE
    result = Robustness(draws, seed, weight_range, input_uncertainty, total_uncertainty, method, levels=fw.levels)
    for g in ranking.groups:
        units = g.units
        n = len(units)
        if not n:  # a group assessed but not ranked: no rank to be robust
            continue
        # Each group's own bands (levels per group), as the exact ranking reads them.
        levels = fw.levels_for(g.group.id)
        bounds = [(lv.id, lv.min / SCALE, None if lv.below is None else lv.below / SCALE) for lv in levels]
        if scored.kind == "inputs":
            pts, na = _component_matrix(fw, scored, g.group.id, [u.unit for u in units])
            # Renormalise per group: the criteria groups that apply to it keep adding up to their sum.
            mask = positive & np.array([c.applies_to(g.group.id) for c in criteria])
            f = factors
            if mask.any():
                f = np.where(
                    mask, factors * (maxima * mask).sum() / (factors * maxima * mask).sum(axis=1, keepdims=True), 1.0
                )
            if per_draw_points is None:
                totals = _totals(pts[None, :, :], na, f, positive, scale)
            else:
                rows = [per_draw_points[d][g.group.id] for d in range(draws)]
                pts_d = np.stack([r[[u.unit.index for u in units]] for r in rows])
                totals = _totals(pts_d, na, f, positive, scale)
        else:
            totals = np.tile(np.array([u.total / SCALE for u in units]), (draws, 1))
        if total_uncertainty:
            totals = np.clip(totals + rng.uniform(-total_uncertainty, total_uncertainty, size=(draws, n)), 0, scale)
        totals = np.round(totals, 9)
        ranks = _ranks(totals, np.array([u.rank for u in units]))
        level_ids = _levels(totals, bounds)
        out_units = []
        for j, ru in enumerate(units):
            r = ranks[:, j]
            probs = {lid: float(np.mean(level_ids[:, j] == li)) for li, (lid, _, _) in enumerate(bounds)}
            probs = {lid: p for lid, p in probs.items() if p > 0}
            plain_p = probs.get(ru.level.id, 0.0) if ru.level else 1.0
            out_units.append(
                UnitRobustness(
                    ru.name,
                    ru.rank,
                    ru.level,
                    int(np.quantile(r, 0.5, method="inverted_cdf")),
                    int(np.quantile(r, 0.05, method="inverted_cdf")),
                    int(np.quantile(r, 0.95, method="inverted_cdf")),
                    probs,
                    plain_p < FRAGILE_BELOW,
                )
            )
        neighbours = [
            NeighbourPair(units[j].name, units[j + 1].name, float(np.mean(totals[:, j + 1] > totals[:, j])))
            for j in range(n - 1)
        ]
        result.groups.append(GroupRobustness(g.group, out_units, neighbours, levels))
    return result


def _component_matrix(fw: Framework, scored: ScoredPeriod, gid: str, units):
    """Exact points per unit and criteria group (as floats), and the maximum marked not applicable.

    A criteria group marked not applicable removes its maximum from the unit's scale; one with
    sub-items marked so removes theirs, as the engine does (total = earned / (scale − removed) × scale).
    """
    k = len(fw.criteria)
    pts = np.zeros((len(units), k))
    removed_max = np.zeros((len(units), k))
    for j, u in enumerate(units):
        for ci, c in enumerate(fw.criteria):
            if not c.applies_to(gid):
                continue
            if c.deduction or not u.not_applicable:
                pts[j, ci] = (scored.points(u, c.id) or 0) / SCALE
                continue
            p = scored.points(u, c.id)
            if p is None:
                removed_max[j, ci] = c.max / SCALE
                continue
            pts[j, ci] = p / SCALE
            removed_max[j, ci] = sum(_top_na(node, u) for node in c.walk() if node is not c) / SCALE
    return pts, removed_max


def _top_na(node, u) -> int:
    """The max of ``node`` if it is not applicable to the unit and no ancestor below the root is."""
    if node.id not in u.not_applicable:
        return 0
    p = node.parent
    while p is not None and p.parent is not None:
        if p.id in u.not_applicable:
            return 0
        p = p.parent
    return node.max


def _totals(pts, na, factors, positive, scale):
    """Simulated totals, draws x units: Σ points·f × scale / (scale − Σ removed max·f) − deductions.

    ``pts`` is 1 x units x groups (weights only) or draws x units x groups (inputs perturbed too).
    """
    f_pos = np.where(positive, factors, 0.0)  # draws x k
    if pts.shape[0] == 1:
        earned = f_pos @ pts[0].T  # draws x units
    else:
        earned = np.einsum("duk,dk->du", pts, f_pos)
    possible = scale - f_pos @ na.T  # draws x units
    deducted = (pts * ~positive).sum(axis=2)  # 1 (or draws) x units
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.where(possible > 0, earned * scale / np.where(possible > 0, possible, 1), 0.0)
    return np.maximum(total - deducted, 0.0)


def _ranks(totals, plain_ranks):
    """Competition ranks per draw: 1 + the units strictly ahead. Equal simulated totals are told
    apart as the plain ranking told them apart (input order, or tie-break criteria), and share a rank
    where it did (``shared``)."""
    ahead = totals[:, None, :] > totals[:, :, None]  # [d, j, i]: unit i ahead of unit j
    before = plain_ranks[None, :] < plain_ranks[:, None]  # [j, i]: i ranked before j in the plain ranking
    ahead |= (totals[:, None, :] == totals[:, :, None]) & before
    return 1 + ahead.sum(axis=2)


def _levels(totals, bounds):
    """Index into ``bounds`` (levels, highest first) of each simulated total; -1 for none."""
    out = np.full(totals.shape, -1)
    for li in range(len(bounds) - 1, -1, -1):
        _, lo, below = bounds[li]
        inside = totals >= lo  # totals are already rounded to 1e-9: no float noise left at a bound
        if below is not None:
            inside &= totals < below
        out = np.where(inside, li, out)
    return out


def _input_draws(fw: Framework, data: PeriodData, draws: int, u, rng) -> list[dict[str, np.ndarray]]:
    """Re-score each draw with perturbed inputs (exact engine), returning points per criteria group.

    Counts are rounded to whole numbers, parts are kept at most their whole, ratios at most 1; yes/no
    and choices are left as reported (their uncertainty is not a percentage).
    """
    spread = (lambda iid: u.get(iid, 0.0)) if isinstance(u, dict) else (lambda iid: u)
    numeric = [i for i in fw.inputs.values() if i.numeric and (isinstance(u, dict) or i.type != "points")]
    out = []
    for _ in range(draws):
        values = dict(data.values)
        for inp in numeric:
            col = data.values.get(inp.id)
            if col is None or not spread(inp.id):
                continue
            noise = rng.uniform(-spread(inp.id), spread(inp.id), size=len(col))
            new = []
            for v, e in zip(col, noise):
                if v is None:
                    new.append(None)
                    continue
                w = int(v * (1 + e))
                if inp.type == "count":
                    w = (w + SCALE // 2) // SCALE * SCALE
                if inp.type == "ratio" or inp.max is not None:
                    w = min(w, SCALE if inp.type == "ratio" else inp.max)
                new.append(max(w, 0))
            values[inp.id] = new
        for inp in numeric:
            if inp.at_most and inp.id in values and inp.at_most in values:
                values[inp.id] = [
                    None if a is None else a if b is None else min(a, b)
                    for a, b in zip(values[inp.id], values[inp.at_most])
                ]
        sp = score(
            fw, PeriodData(data.source, data.kind, data.units, values, data.not_applicable, data.sheet, data.params)
        )
        per_group = {}
        for gid, gs in sp.groups.items():
            m = np.zeros((len(gs.unit_indices), len(fw.criteria)))
            for ci, c in enumerate(fw.criteria):
                if c.id in gs.points:
                    m[:, ci] = [0 if na else p / SCALE for p, na in zip(gs.points[c.id], gs.na[c.id])]
            per_group[gid] = m
        out.append(per_group)
    return out
