"""The one rule for text written into a spreadsheet or CSV cell: never a formula.

A unit's name, a criterion's title or any text a user or a criteria set brings may start with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return, which Excel and LibreOffice take as a formula
(``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``). Following OWASP's CSV-injection guidance such text gets a
leading apostrophe, which makes it plain text. Numbers stay numbers: a value that is a number (or
text that is only a number, such as ``-2`` or ``-1,5`` for a deduction) is not a formula and is kept
as it is. Every export (open data CSV/XLSX, the unit's Excel template, the annex, the CLI's template)
goes through ``safe_cell`` or ``neutralise_workbook``.
"""

from __future__ import annotations

import re

#: What makes a spreadsheet read a cell as a formula (OWASP: = + - @ tab CR).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?%?")


def safe_cell(value):
    """The value to write: text that a spreadsheet would take as a formula, prefixed with ``'``;
    anything else (numbers, dates, None, ordinary text, text that is only a number) unchanged."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    if _NUMBER.fullmatch(value.strip()):
        return value
    return "'" + value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]


def unescape_cell(value):
    """The text as it was before ``safe_cell`` (for reading back a template the product wrote)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def neutralise_workbook(wb) -> None:
    """Apply ``safe_cell`` to every cell of an openpyxl workbook before it is saved: text that openpyxl
    would store as a formula (it takes any string starting with ``=`` as one) becomes plain text.
    The product's workbooks hold no formulas of their own."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                safe = safe_cell(cell.value)
                if safe is not cell.value:
                    cell.value = safe  # no longer starts with "=": openpyxl stores it as text


#: What Excel and LibreOffice decode in a workbook's text as a character code (``_x000D_``; LibreOffice
#: also takes fewer digits: ``huyen_thi_xa_thanh_pho`` would open as two lines).
_ESCAPE_LIKE = re.compile(r"_(?=x[0-9A-Fa-f]{1,4}_)")


def xlsx_text(value):
    """``safe_cell``, and an underscore that would start such a code written as the code of ``_``
    (``_x005F_``), so that ids such as ``so_xa_dung_qlvb`` open and save unchanged (calamine, Excel and
    LibreOffice decode it; openpyxl shows it as written)."""
    value = safe_cell(value)
    if isinstance(value, str) and "_x" in value:
        return _ESCAPE_LIKE.sub("_x005F_", value)
    return value
