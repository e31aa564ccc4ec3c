"""Per-component rankings: each group ranked within each criteria group, with the period's tie rule.

Some regulations publish, beside the overall table, the rank of every unit in each criteria group
(infrastructure, internal use, services…). Units for which a criteria group does not apply are listed
without a rank. Deductions are not ranked (fewer deducted points is not a component of IT use).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..framework.model import Criterion, Group
from ..ranking import Ranking
from ..text import sort_key


@dataclass
class ComponentRow:
    name: str
    points: int | None  # fixed point; None when the criteria group does not apply to the unit
    rank: int | None
    overall_rank: int


@dataclass
class ComponentRanking:
    group: Group
    criterion: Criterion
    rows: list[ComponentRow]  # ranked rows first (by rank), then the units it does not apply to


def component_rankings(ranking: Ranking) -> list[ComponentRanking]:
    """For every group and every top-level criteria group (not deductions), the units ranked by points.

    Equal points follow ``ranking.ties``: ``shared`` gives 1, 2, 2, 4; ``input-order`` keeps the order
    of the source; a list of criterion ids is not meaningful inside one component, so equal points
    share a rank there. Needs criterion scores: a totals-only period gives an empty list.
    """
    scored = ranking.scored
    if scored.kind != "inputs":
        return []
    out = []
    for g in ranking.groups:
        for c in ranking.framework.criteria_for(g.group.id):
            if c.deduction:
                continue
            present, absent = [], []
            for ru in g.units:
                p = scored.points(ru.unit, c.id)
                (absent if p is None else present).append((ru, p))
            if ranking.ties == "input-order":
                present.sort(key=lambda t: (-t[1], t[0].unit.order))
            else:
                present.sort(key=lambda t: (-t[1], sort_key(t[0].name)))
            rows: list[ComponentRow] = []
            for pos, (ru, p) in enumerate(present, start=1):
                if ranking.ties != "input-order" and rows and rows[-1].points == p:
                    r = rows[-1].rank
                else:
                    r = pos
                rows.append(ComponentRow(ru.name, p, r, ru.rank))
            rows += [ComponentRow(ru.name, None, None, ru.rank) for ru, _ in absent]
            out.append(ComponentRanking(g.group, c, rows))
    return out
