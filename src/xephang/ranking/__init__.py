"""Levels (half-open bands of the framework) and ranks per group, by the declared tie rule.

Levels are always read off the full-precision total. Ranks use the full-precision total or the
shown (rounded) one, as the framework declares (``rank_on``). Tie rules:

* ``shared`` (default, as national rankings publish): equal totals share a rank and the next rank
  is skipped (1, 2, 2, 4);
* ``dense``: equal totals share a rank and the next rank follows on (1, 1, 2), as Tây Ninh published
  its 2019 results (20 units, the lowest 13th);
* ``input-order``: equal totals keep the order of the source, to reproduce a decision that did so;
* a list of criterion ids: equal totals are told apart by those criteria's points in turn, and share
  a rank only if all of them are equal too.

Wherever two totals that a document shows as equal get different ranks, or units share a rank, the
ranking carries a warning in words, for the document's note.

Units assessed but not ranked (a group declared ``ranked: false``, or units the period names, e.g.
police and military units) keep their total and level but get no rank and take no rank from others;
they are listed apart with the reason (``GroupRanking.unranked``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..errors import XephangError
from ..framework.model import TIE_RULES, Framework, Group, Level
from ..numbers import format_number, from_fixed, plain
from ..scoring.engine import ScoredPeriod, ScoredUnit
from ..text import sort_key


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
        return [(lv, [u for u in self.units if u.level is lv]) for lv in levels if any(u.level is lv for u in self.units)]


SHARED = "shared"  # equal totals share a rank
SPLIT = "split"  # totals shown as equal get different ranks
BELOW_BAND = "below-band"  # the shown total reaches a band the full total does not


@dataclass
class Note:
    """A fact a document must state under a group's table; ``text`` words it for officials."""

    kind: str  # SHARED | SPLIT | BELOW_BAND
    group: Group
    units: list[RankedUnit]
    band: Level | None = None  # BELOW_BAND: the level whose threshold the shown total reaches

    def text(self, ties: str | tuple[str, ...]) -> str:
        fw = self.units[0].framework
        names = ", ".join(f"{u.name} (hạng {u.rank})" for u in self.units)
        shown = format_number(self.units[0].shown, fw.decimals)
        g = self.group.name
        if self.kind == BELOW_BAND:
            u = self.units[0]
            return (
                f"{g}: {u.name} có tổng điểm hiển thị {shown} nhưng tổng điểm đầy đủ {plain(u.total)} "
                f"dưới ngưỡng {plain(self.band.min)} nên xếp mức {u.level.name}, không phải {self.band.name}."
            )
        if self.kind == SHARED:
            following = self.units[-1].rank + 1 if ties == "dense" else self.units[-1].position + 1
            return (
                f"{g}: {names} có cùng tổng điểm {shown} nên đồng hạng {self.units[0].rank}; "
                f"thứ hạng kế tiếp là {following}."
            )
        if ties == "input-order":
            why = "thứ tự trong danh sách nguồn (quy tắc input-order)"
        elif isinstance(ties, tuple):
            why = "điểm của tiêu chí " + ", ".join(ties)
        else:
            why = f"tổng điểm đầy đủ trước khi làm tròn ({', '.join(plain(u.total) for u in self.units)})"
        return f"{g}: {names} có cùng tổng điểm hiển thị {shown} nhưng thứ hạng khác nhau, phân định theo {why}."


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


def rank(
    scored: ScoredPeriod, ties: str | tuple[str, ...] | None = None, not_ranked: dict[str, str] | None = None,
) -> Ranking:
    """Rank every group. ``not_ranked`` maps unit names (compared folded) to the reason they are
    assessed but not ranked; a name that matches no unit of the period is an error."""
    fw = scored.framework
    ties = fw.ties if ties is None else ties
    if isinstance(ties, tuple):
        known = {c.id for c in fw.all_criteria()}
        unknown = [t for t in ties if t not in known]
        if unknown or not ties:
            raise XephangError(
                f"quy tắc đồng điểm: không có tiêu chí {', '.join(unknown) or '(trống)'} trong bộ tiêu chí "
                f"'{fw.id}'; cần 'shared', 'input-order' hoặc danh sách mã tiêu chí"
            )
        if scored.kind != "inputs":
            raise XephangError("phân định đồng điểm theo tiêu chí cần số liệu từng tiêu chí; kỳ này chỉ có tổng điểm")
    elif ties not in TIE_RULES:
        raise XephangError(
            f"quy tắc đồng điểm '{ties}' không hợp lệ; cần 'shared', 'dense', 'input-order' hoặc danh sách mã tiêu chí"
        )
    reasons = _not_ranked_reasons(scored, not_ranked or {})
    groups, notes = [], []
    for g in fw.groups:
        members = [u for u in scored.units if u.group == g.id]
        if not members:
            continue
        if not g.ranked:
            reasons.update({id(u): g.not_ranked_reason for u in members})
        apart = [u for u in members if id(u) in reasons]
        ranked = _rank_group(fw, scored, g, [u for u in members if id(u) not in reasons], ties)
        unranked = [
            RankedUnit(unit=u, group=g, total=u.total, level=fw.level_of(u.total, g.id), rank=None,
                       position=len(ranked) + k, framework=fw, reason=reasons[id(u)])
            for k, u in enumerate(sorted(apart, key=lambda u: sort_key(u.name)), start=1)
        ]
        groups.append(GroupRanking(g, ranked, unranked))
        notes += _notes(fw, g, ranked)
    return Ranking(fw, scored, ties, groups, notes)


def _not_ranked_reasons(scored: ScoredPeriod, not_ranked: dict[str, str]) -> dict[int, str]:
    from ..text import fold

    out: dict[int, str] = {}
    if not not_ranked:
        return out
    by_name = {fold(u.name): u for u in scored.units}
    for name, reason in not_ranked.items():
        u = by_name.get(fold(name))
        if u is None:
            raise XephangError(f"đơn vị không xếp hạng '{name}' không có trong kỳ đánh giá")
        if not str(reason or "").strip():
            raise XephangError(f"đơn vị không xếp hạng '{name}' cần ghi lý do")
        out[id(u)] = str(reason).strip()
    return out


def _rank_key(fw: Framework, u: ScoredUnit) -> int:
    return u.total if fw.rank_on == "full" else fw.shown_fixed(u.total)


def _rank_group(fw, scored, group, members, ties) -> list[RankedUnit]:
    def tiebreak(u: ScoredUnit):
        if isinstance(ties, tuple):
            return tuple(-(scored.points(u, cid) or 0) for cid in ties)
        return ()

    if ties == "input-order":
        ordered = sorted(members, key=lambda u: (-_rank_key(fw, u), u.order))
    else:
        ordered = sorted(members, key=lambda u: (-_rank_key(fw, u), tiebreak(u)))
        ordered = _alphabetical_within_ties(ordered, lambda u: (_rank_key(fw, u), tiebreak(u)))

    out: list[RankedUnit] = []
    for pos, u in enumerate(ordered, start=1):
        if ties == "input-order" or not out:
            r = pos
        else:
            prev = ordered[pos - 2]
            same = _rank_key(fw, prev) == _rank_key(fw, u) and tiebreak(prev) == tiebreak(u)
            if same:
                r = out[-1].rank
            else:
                r = out[-1].rank + 1 if ties == "dense" else pos
        out.append(
            RankedUnit(
                unit=u, group=group, total=u.total, level=fw.level_of(u.total, group.id), rank=r, position=pos,
                framework=fw,
            )
        )
    return out


def _alphabetical_within_ties(ordered, key):
    """Units that share a rank are listed in Vietnamese alphabetical order (collation only where needed)."""
    out, i = [], 0
    while i < len(ordered):
        j = i + 1
        while j < len(ordered) and key(ordered[j]) == key(ordered[i]):
            j += 1
        run = ordered[i:j]
        out.extend(sorted(run, key=lambda u: sort_key(u.name)) if len(run) > 1 else run)
        i = j
    return out


def _notes(fw, group, out: list[RankedUnit]) -> list[Note]:
    """What the numbers of a group's table hide: shared ranks, equal shown totals ranked apart, and
    shown totals that reach a band the full total does not."""
    notes = []
    keys = [fw.shown_fixed(u.total) for u in out]
    i = 0
    while i < len(out):
        j = i
        while j + 1 < len(out) and keys[j + 1] == keys[i]:
            j += 1
        if j > i:
            run = out[i : j + 1]
            notes.append(Note(SHARED if len({u.rank for u in run}) == 1 else SPLIT, group, run))
        i = j + 1
    if fw.report == "points":
        for u, key in zip(out, keys):
            above = fw.level_of(key, group.id)
            if u.level is not None and above is not u.level:
                notes.append(Note(BELOW_BAND, group, [u], above))
    return notes


