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

Modules: ``model`` (what a ranking is), ``ranks`` (``rank`` and the tie rules), ``notes`` (what a
table must state under it), ``pillars`` (ranks per pillar). A level's bands and the lookup of a total's
level are the criteria set's (``Framework.level_of``, ``Level.band_text``).
"""

from .model import GroupRanking, RankedUnit, Ranking
from .notes import BELOW_BAND, SHARED, SPLIT, Note
from .ranks import rank, rank_unit

__all__ = ["BELOW_BAND", "SHARED", "SPLIT", "GroupRanking", "Note", "RankedUnit", "Ranking", "rank", "rank_unit"]
