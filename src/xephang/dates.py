"""Dates written the way Nghị định 30/2020/NĐ-CP writes them (Phụ lục I, ô 4).

A day below 10 and the months 1 and 2 take a leading zero: "ngày 05 tháng 01 năm 2021",
"ngày 27 tháng 3 năm 2021"; in a citation "08/01/2021", "19/6/2015". Django's and Babel's
Vietnamese formats do not do this.
"""

from __future__ import annotations

import datetime as dt


def day_text(day: int) -> str:
    """05, 27: a day below 10 takes a leading zero."""
    return f"{day:02d}"


def month_text(month: int) -> str:
    """01, 02, 3, 12: only the months 1 and 2 take a leading zero."""
    return f"{month:02d}" if month <= 2 else str(month)


def long_date(d: dt.date) -> str:
    """'ngày 05 tháng 01 năm 2021'."""
    return f"ngày {day_text(d.day)} tháng {month_text(d.month)} năm {d.year}"


def short_date(d: dt.date) -> str:
    """'08/01/2021', '19/6/2015', as a căn cứ cites a document's date."""
    return f"{day_text(d.day)}/{month_text(d.month)}/{d.year}"
