"""What a ranking is: each unit with its total, level and rank, the groups' tables and the notes under
them. ``xephang.ranking.ranks.rank`` builds it; documents, analyses and pages read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from ..framework.model import Framework, Group, Level
from ..numbers import format_number, from_fixed
from ..scoring.engine import ScoredPeriod, ScoredUnit

if TYPE_CHECKING:
    from .notes import Note


@dataclass
class RankedUnit:
    unit: ScoredUnit
    group: Group
    total: int  # full precision, fixed point
    level: Level | None
    rank: int | None  # None: assessed but not ranked (see ``reason``)
    position: int  # 1-based row number in the group's table
    framework: Framework = field(repr=False, default=None)
    reason: str = ""  # why the unit is not ranked

    @property
    def ranked(self) -> bool:
        return self.rank is not None

    @property
    def percent(self) -> Decimal:
        """The total as a percentage of the scale, rounded like the shown total."""
        return self.framework.percent(self.total)

    @property
    def shown(self) -> Decimal:
        """The total as documents show it (points or index, rounded half-up)."""
        return self.framework.shown(self.total)

    @property
    def name(self) -> str:
        return self.unit.name

    @property
    def total_decimal(self) -> Decimal:
        return from_fixed(self.total)


@dataclass
class GroupRanking:
    group: Group
    units: list[RankedUnit]  # the ranked units, in rank order
    unranked: list[RankedUnit] = field(default_factory=list)  # assessed, not ranked (rank None), by name

    @property
    def levels(self) -> list[Level]:
        """The levels of this group (its own, or the set's)."""
        fw = (self.units or self.unranked)[0].framework if (self.units or self.unranked) else None
        return fw.levels_for(self.group.id) if fw else []

    def by_level(self, levels: list[Level]) -> list[tuple[Level | None, list[RankedUnit]]]:
        """The table's sections: each level that has units, highest first (no empty sections)."""
        if not levels:
            return [(None, self.units)] if self.units else []
        return [
            (lv, [u for u in self.units if u.level is lv]) for lv in levels if any(u.level is lv for u in self.units)
        ]


@dataclass
class Ranking:
    framework: Framework
    scored: ScoredPeriod
    ties: str | tuple[str, ...]
    groups: list[GroupRanking]
    notes: list[Note] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """The notes in words, for the command line, the annex and the web pages."""
        return [n.text(self.ties) for n in self.notes]

    def units(self) -> list[RankedUnit]:
        """The ranked units, group by group in rank order (units not ranked: ``unranked()``)."""
        return [u for g in self.groups for u in g.units]

    def earned(self, u: RankedUnit) -> int:
        """The points the unit actually obtained: earned points minus deductions, not rescaled for
        criteria not applicable to it (what ``report: points-percent`` prints beside the percentage,
        e.g. 68.32 points of an applicable 84 = 81.33 %). A totals period has only the total."""
        if self.scored.kind != "inputs" or not u.unit.not_applicable:
            return u.total
        plus = minus = 0
        for c in self.framework.criteria_for(u.group.id):
            p = self.scored.points(u.unit, c.id) or 0
            if c.deduction:
                minus += p
            else:
                plus += p
        return max(plus - minus, 0)

    def unranked(self) -> list[RankedUnit]:
        return [u for g in self.groups for u in g.unranked]

    def level_names(self) -> list[str]:
        """The names of the levels used across the groups, highest first: the set's, then those only a
        group's own levels have (a count per level sums each unit under its own group's bands)."""
        names: list[str] = []
        for levels in [self.framework.levels, *(self.framework.levels_for(g.group.id) for g in self.groups)]:
            for lv in levels:
                if lv.name not in names:
                    names.append(lv.name)
        return names

    @property
    def levels_differ(self) -> bool:
        """Whether some group of this ranking has levels of its own."""
        return any(g.group.levels is not None for g in self.groups)

    def all_units(self) -> list[RankedUnit]:
        return [u for g in self.groups for u in (*g.units, *g.unranked)]

    def unit(self, name: str) -> RankedUnit:
        target = self.scored.unit(name)
        return next(u for u in self.all_units() if u.unit is target)

    def show(self, value: Decimal) -> str:
        return format_number(value, self.framework.decimals)
