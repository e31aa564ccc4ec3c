"""How ranks are given within each group: by total (full or as shown, as the set declares ``rank_on``),
then by the tie rule; units assessed but not ranked are set apart with their reason."""

from __future__ import annotations

from ..errors import XephangError
from ..framework.model import TIE_RULES, Framework
from ..scoring.engine import ScoredPeriod, ScoredUnit
from ..text import sort_key
from .model import GroupRanking, RankedUnit, Ranking
from .notes import group_notes


def rank(
    scored: ScoredPeriod,
    ties: str | tuple[str, ...] | None = None,
    not_ranked: dict[str, str] | None = None,
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
            RankedUnit(
                unit=u,
                group=g,
                total=u.total,
                level=fw.level_of(u.total, g.id),
                rank=None,
                position=len(ranked) + k,
                framework=fw,
                reason=reasons[id(u)],
            )
            for k, u in enumerate(sorted(apart, key=lambda u: sort_key(u.name)), start=1)
        ]
        groups.append(GroupRanking(g, ranked, unranked))
        notes += group_notes(fw, g, ranked)
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


def _order_key(fw: Framework, scored: ScoredPeriod, u: ScoredUnit, ties) -> tuple:
    """What orders units in a group: the total (as ``rank_on`` says), then, with a list of criteria as
    the tie rule, their points in turn; smaller comes first. Equal keys share a rank."""
    tiebreak = tuple(-(scored.points(u, cid) or 0) for cid in ties) if isinstance(ties, tuple) else ()
    return (-_rank_key(fw, u), tiebreak)


def _rank_group(fw, scored, group, members, ties) -> list[RankedUnit]:
    keys = {id(u): _order_key(fw, scored, u, ties) for u in members}
    if ties == "input-order":
        ordered = sorted(members, key=lambda u: (keys[id(u)], u.order))
    else:
        ordered = sorted(members, key=lambda u: keys[id(u)])
        ordered = _alphabetical_within_ties(ordered, lambda u: keys[id(u)])

    out: list[RankedUnit] = []
    for pos, u in enumerate(ordered, start=1):
        if ties == "input-order" or not out:
            r = pos
        else:
            if keys[id(ordered[pos - 2])] == keys[id(u)]:
                r = out[-1].rank
            else:
                r = out[-1].rank + 1 if ties == "dense" else pos
        out.append(
            RankedUnit(
                unit=u,
                group=group,
                total=u.total,
                level=fw.level_of(u.total, group.id),
                rank=r,
                position=pos,
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


def rank_unit(ranking: Ranking, scored: ScoredPeriod, replaces: ScoredUnit | None = None) -> RankedUnit:
    """The one unit of ``scored`` (``scoring.single.score_unit``) ranked among the other units of its
    group in ``ranking``, as ``rank`` of the period scored again with it (added, or in place of
    ``replaces``) would rank it: same rank, position, level, tie rule; a group not ranked, or a
    ``replaces`` set apart with a reason, leaves it unranked with that reason. It assumes the others'
    totals did not move (``score_unit`` returns None when they would)."""
    fw = ranking.framework
    (u,) = scored.units
    g = next(gr for gr in fw.groups if gr.id == u.group)
    table = next((gr for gr in ranking.groups if gr.group.id == u.group), None)
    ranked = [r.unit for r in table.units if r.unit is not replaces] if table else []
    apart = [r for r in table.unranked if r.unit is not replaces] if table else []
    reason = (
        g.not_ranked_reason
        if not g.ranked
        else next((r.reason for r in (table.unranked if table else []) if r.unit is replaces), "")
    )

    def before(o: ScoredUnit) -> bool:
        # o comes before u in the rescored source: the others before u's position keep theirs
        return o.order < u.order

    def name_first(o: ScoredUnit) -> bool:
        ko, ku = sort_key(o.name), sort_key(u.name)
        return ko < ku or (ko == ku and before(o))

    level = fw.level_of(u.total, g.id)
    if reason:
        position = len(ranked) + 1 + sum(name_first(r.unit) for r in apart)
        return RankedUnit(
            unit=u, group=g, total=u.total, level=level, rank=None, position=position, framework=fw, reason=reason
        )
    ties = ranking.ties
    mine = _order_key(fw, scored, u, ties)
    keys = [_order_key(fw, ranking.scored, o, ties) for o in ranked]
    if ties == "input-order":
        ahead = sum(k[0] < mine[0] or (k[0] == mine[0] and before(o)) for o, k in zip(ranked, keys))
        r = position = ahead + 1
    else:
        better = sum(k < mine for k in keys)
        tied = sum(name_first(o) for o, k in zip(ranked, keys) if k == mine)
        position = better + tied + 1
        r = len({k for k in keys if k < mine}) + 1 if ties == "dense" else better + 1
    return RankedUnit(unit=u, group=g, total=u.total, level=level, rank=r, position=position, framework=fw)
