"""What the numbers of a group's table hide, stated under it: units sharing a rank, totals shown as
equal but ranked apart, and a shown (rounded) total that reaches a band the full total does not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..framework.model import Framework, Group, Level
from ..numbers import format_number, plain

if TYPE_CHECKING:
    from .model import RankedUnit

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


def group_notes(fw: Framework, group: Group, out: list[RankedUnit]) -> list[Note]:
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
