"""How figures, points and ranges read in the product's Vietnamese, for the command line, the documents
and the web pages: change a wording here and every place that shows it follows.

Values are the project's fixed-point ints (``xephang.numbers``); rounding is half-up as official
documents round, except ``rounded_up`` (points still lacking: rounding down would fall short).
Here too: exact figures in explanations (``exact``), open-ended ranges (``at_least``) as the tiers of a
criterion, the gap to a better level and the forms word them, and yes/no (``yes_no``, ``YES_NO``).
Elsewhere, one place each: a level's band ``Level.band_text`` (worded by ``range_text`` below); the tie
rule ``Framework.describe_ties``; dates ``xephang.dates.long_date``.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from .numbers import SCALE, format_number, from_fixed, plain, round_fixed, round_half_up

if TYPE_CHECKING:
    from .framework.model import Input

#: What a table shows where there is no value (not applicable, not in the earlier period).
MISSING = "—"


#: Yes and no as a unit writes them (and the core reads and stores them), and as a choice shows them.
YES, NO = "có", "không"
YES_NO = ((YES, "Có"), (NO, "Không"))
#: The empty first option of a choice.
CHOOSE = "— chọn —"


def yes_no(value: bool) -> str:
    """A yes/no value as a unit writes it: ``có``, ``không``."""
    return YES if value else NO


@functools.lru_cache(maxsize=65536)  # pure; a national period's explanations repeat a few thousand values
def exact(value: int | None) -> str:
    """A fixed-point value as plain text for explanations: 12, 0.9, 17.5; a non-terminating quotient
    is said to be rounded (≈0.333333)."""
    if value is None:
        return MISSING
    text = plain(value)
    if len(text.partition(".")[2]) > 6:
        text = "≈" + f"{round_half_up(from_fixed(value), 6):f}".rstrip("0").rstrip(".")
    return text


def exact_points(value: int) -> str:
    """Points in an explanation: ``17.5 điểm``."""
    return f"{exact(value)} điểm"


def points(value: int | None, decimals: int, sep: str = ".") -> str:
    """Points with exactly ``decimals`` decimals, as a document prints them: ``85.50`` or ``85,50``."""
    return MISSING if value is None else format_number(from_fixed(value), decimals, decimal_sep=sep)


def points_change(value: int | None, decimals: int, sep: str = ".") -> str:
    """A change of points with its sign: ``+1.50``, ``-0.25``, ``0.00`` (a fall never reads ``+``)."""
    text = points(value, decimals, sep)
    return text if value is None or value <= 0 or text.startswith("-") else "+" + text


def rounded(value: int) -> str:
    """A figure or a number of points as a clerk reads it: at most 2 decimals, half-up, no trailing
    zeros (``12.35``, ``7``, ``0.5``)."""
    return plain(round_fixed(value, 2))


def rounded_up(value: int) -> str:
    """Points still lacking, rounded UP to 2 decimals: rounding down would fall short of the goal."""
    step = SCALE // 100
    return plain(-(-value // step) * step)


def at_least(low: str, unit: str = "") -> str:
    """A range with no upper end, its lower end already written: ``từ 5 trở lên``, ``từ 5 văn bản
    trở lên``."""
    return f"từ {low}{' ' + unit if unit else ''} trở lên"


def tier_reached(value: int, minimum: int, points: int) -> str:
    """Why a tier gives its points: ``giá trị 12 đạt mức từ 10 trở lên → 5 điểm``."""
    return f"giá trị {exact(value)} đạt mức {at_least(exact(minimum))} → {exact_points(points)}"


def tier_missed(value: int, lowest: int) -> str:
    """Why no tier gives points: ``giá trị 3 dưới mức thấp nhất (5) → 0 điểm``."""
    return f"giá trị {exact(value)} dưới mức thấp nhất ({exact(lowest)}) → 0 điểm"


def tiers_text(tiers) -> str:
    """A criterion's tiers, (minimum, points) highest first: ``từ 10 trở lên: 5; từ 5 trở lên: 2; thấp hơn: 0``."""
    return "; ".join(f"{at_least(exact(m))}: {exact(p)}" for m, p in tiers) + "; thấp hơn: 0"


def reach_at_least(minimum: int, unit: str = "") -> str:
    """What a unit must reach for a better tier, as the gap analysis says it: ``đạt từ 10 văn bản trở lên``."""
    return f"đạt {at_least(rounded(minimum), unit)}"


def range_text(low: int, high: int | None = None, *, below: int | None = None, unit: str = "") -> str:
    """A range of values in words: ``từ 1 đến 10``, ``từ 70 điểm đến dưới 85 điểm``, ``dưới 50 điểm``
    (``below``: the upper end is left out), ``từ 1 trở lên`` (no upper end)."""
    u = f" {unit}" if unit else ""
    if below is not None:
        return f"dưới {plain(below)}{u}" if low == 0 else f"từ {plain(low)}{u} đến dưới {plain(below)}{u}"
    if high is None:
        return at_least(plain(low), unit)
    return f"từ {plain(low)}{u} đến {plain(high)}{u}"


def allowed_range(inp: Input) -> str:
    """The values a unit may report for an input, as the Excel template, the web form and the reader's
    errors say it."""
    if inp.type == "yesno":
        return "có / không"
    if inp.type == "choice":
        return " / ".join(o.label for o in inp.options)
    if inp.type == "ratio":
        return "từ 0 đến 1 (hoặc 0% đến 100%)"
    if inp.type == "list":
        return "danh sách tên, cách nhau bởi ';' hoặc xuống dòng ('không có' nếu không có mục nào)"
    return range_text(inp.min or 0, inp.max)


def input_bounds(inp: Input, whole: Input | None = None) -> str:
    """What a unit may write for an input on the Excel form, in full: ``allowed_range`` with what the
    form cannot show otherwise (a count is whole; a part is not larger than its ``whole``; the unit
    of measure)."""
    text = allowed_range(inp)
    if inp.type == "count":
        text += ", số nguyên"
    if whole is not None:
        text += f", không lớn hơn '{whole.label}'"
    if inp.unit and inp.numeric and inp.type != "ratio":  # a ratio says its own unit
        text += f" ({inp.unit})"
    return text
