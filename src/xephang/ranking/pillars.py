"""Pillars (trụ cột): second aggregations over the same criteria, with their own values and ranks.

DTI publishes one total and, beside it, a value and a rank for each pillar (Chính quyền số, Kinh tế
số, Xã hội số). A pillar's points are the sum of the points of the criteria it names that apply to
the unit; its maximum is the sum of their maxima (a criterion the unit declared not applicable counts
in neither). Its value is points / maximum (0..1, shown as a percentage), and the units of a group
are ranked on that value, exactly (fractions of fixed-point integers, never floats), with the
ranking's tie rule (a list of criteria, which has no meaning inside a pillar, ranks ties as shared).
Units assessed but not ranked get the pillar's points without a rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ..framework.model import Group, Pillar
from ..numbers import SCALE, div_half_up, round_fixed, round_half_up
from . import RankedUnit, Ranking


@dataclass
class PillarRow:
    unit: RankedUnit
    points: int  # fixed point
    max: int  # fixed point; 0 when no criterion of the pillar applies to the unit
    rank: int | None  # None: the unit is not ranked (or the pillar does not apply to it)

    @property
    def name(self) -> str:
        return self.unit.name

    @property
    def value(self) -> Fraction:
        return Fraction(self.points, self.max) if self.max else Fraction(0)

    def percent(self, decimals: int) -> Decimal:
        """points / max × 100, rounded half-up to ``decimals``."""
        if not self.max:
            return Decimal(0)
        return round_half_up(round_fixed(div_half_up(self.points * 100 * SCALE, self.max), decimals), decimals)


@dataclass
class PillarRanking:
    group: Group
    pillar: Pillar
    max: int  # the pillar's maximum for the group (fixed point)
    rows: list[PillarRow]  # ranked rows by rank, then units not ranked, by name


def rank_positions(keys: list, ties, order: list[int] | None = None) -> list[int]:
    """Ranks of items already sorted best first by ``keys``: ``dense`` 1, 1, 2; ``input-order`` 1, 2, 3;
    anything else 1, 1, 3 (shared)."""
    out: list[int] = []
    for pos, key in enumerate(keys, start=1):
        if not out or ties == "input-order":
            out.append(pos)
        elif key == keys[pos - 2]:
            out.append(out[-1])
        else:
            out.append(out[-1] + 1 if ties == "dense" else pos)
    return out


def pillar_rankings(ranking: Ranking) -> list[PillarRanking]:
    """For every group and every pillar with a criterion applying to it, the units ranked by value.
    Needs criterion scores: a totals-only period (or a set without pillars) gives an empty list."""
    from ..text import sort_key

    fw, scored = ranking.framework, ranking.scored
    if scored.kind != "inputs" or not fw.pillars:
        return []
    out = []
    for g in ranking.groups:
        for pillar in fw.pillars:
            crits = [fw.criterion(cid) for cid in pillar.criteria]
            crits = [c for c in crits if c.applies_to(g.group.id)]
            if not crits:
                continue
            group_max = sum(c.max for c in crits)

            def row(ru: RankedUnit) -> PillarRow:
                points = top = 0
                for c in crits:  # noqa: B023 (row() is called within this iteration only)
                    p = scored.points(ru.unit, c.id)
                    if p is not None:
                        points += p
                        top += c.max
                return PillarRow(ru, points, top, None)

            ranked = [row(ru) for ru in g.units]
            if ranking.ties == "input-order":
                ranked.sort(key=lambda r: (-r.value, r.unit.unit.order))
            else:
                ranked.sort(key=lambda r: (-r.value, sort_key(r.name)))
            for r, k in zip(ranked, rank_positions([r.value for r in ranked], ranking.ties)):
                r.rank = k
            apart = [row(ru) for ru in g.unranked]
            out.append(PillarRanking(g.group, pillar, group_max, ranked + apart))
    return out


def unit_pillars(ranking: Ranking, unit: RankedUnit, tables: list[PillarRanking] | None = None) -> list[PillarRow]:
    """One unit's row in every pillar of its group."""
    tables = pillar_rankings(ranking) if tables is None else tables
    return [r for t in tables if t.group is unit.group for r in t.rows if r.unit is unit]
