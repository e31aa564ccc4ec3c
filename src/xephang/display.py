"""How figures, points and ranges read in the product's Vietnamese, for the command line, the documents
and the web pages: change a wording here and every place that shows it follows.

Values are the project's fixed-point ints (``xephang.numbers``); rounding is half-up as official
documents round, except ``rounded_up`` (points still lacking: rounding down would fall short).
Elsewhere, one place each: exact text for explanations ``xephang.scoring.rules.num``; a level's band
``Level.band_text`` (worded by ``range_text`` below); the tie rule ``Framework.describe_ties``; dates
``xephang.dates.long_date``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .numbers import SCALE, format_number, from_fixed, plain, round_fixed

if TYPE_CHECKING:
    from .framework.model import Input

#: What a table shows where there is no value (not applicable, not in the earlier period).
MISSING = "—"


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


def range_text(low: int, high: int | None = None, *, below: int | None = None, unit: str = "") -> str:
    """A range of values in words: ``từ 1 đến 10``, ``từ 70 điểm đến dưới 85 điểm``, ``dưới 50 điểm``
    (``below``: the upper end is left out), ``từ 1 trở lên`` (no upper end)."""
    u = f" {unit}" if unit else ""
    if below is not None:
        return f"dưới {plain(below)}{u}" if low == 0 else f"từ {plain(low)}{u} đến dưới {plain(below)}{u}"
    if high is None:
        return f"từ {plain(low)}{u} trở lên"
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
