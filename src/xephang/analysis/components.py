"""Per-component rankings: each group ranked within each criteria group, with the period's tie rule.

Some regulations publish, beside the overall table, the rank of every unit in each criteria group
(infrastructure, internal use, services…). Units for which a criteria group does not apply are listed
without a rank. Deductions are not ranked (fewer deducted points is not a component of IT use).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..framework.model import Criterion, Group
from ..ranking import Ranking
from ..ranking.pillars import rank_positions
from ..text import sort_key


@dataclass
class ComponentRow:
    name: str
    points: int | None  # fixed point; None when the criteria group does not apply to the unit
    rank: int | None
    overall_rank: int | None  # None: the unit is assessed but not ranked


@dataclass
class ComponentRanking:
    group: Group
    criterion: Criterion
    rows: list[ComponentRow]  # ranked rows first (by rank), then the units it does not apply to


def component_rankings(ranking: Ranking) -> list[ComponentRanking]:
    """For every group and every top-level criteria group (not deductions), the units ranked by points.

    Equal points follow ``ranking.ties``: ``shared`` gives 1, 2, 2, 4; ``dense`` 1, 1, 2;
    ``input-order`` keeps the order of the source; a list of criterion ids is not meaningful inside one component, so equal points
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
            ranks = rank_positions([p for _, p in present], ranking.ties)
            rows = [ComponentRow(ru.name, p, r, ru.rank) for (ru, p), r in zip(present, ranks)]
            rows += [ComponentRow(ru.name, None, None, ru.rank) for ru, _ in absent]
            # units assessed but not ranked: their points, no rank
            rows += [ComponentRow(ru.name, scored.points(ru.unit, c.id), None, None) for ru in g.unranked]
            out.append(ComponentRanking(g.group, c, rows))
    return out
