"""Exact numbers for scores.

Scores are money-like: every quantity the engine computes with (an input figure or a number of
points) is a Python ``int`` counting units of ``1 / SCALE`` ("fixed point"). Python ints never
overflow, so sums of any size are exact. Divisions (a ratio, a value over the best unit's value) are
rounded half-up at ``1 / SCALE`` = 1e-15 point; a total of up to 1000 criteria therefore carries at
most 5e-13 of rounding, far below ``TOTAL_DECIMALS``: totals, levels and ranks are computed on the
total rounded half-up to 12 decimals, which is the exact rational total so rounded for any figures a
real report holds. No binary float ever touches a point.

Text is parsed the Vietnamese way (``85,03``, ``1.234,5``) and the way the 2020 decision was typed
(``85.03``); a value that both readings accept with different results (``1.234``) is refused.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

SCALE_DIGITS = 15
SCALE = 10**SCALE_DIGITS
#: Decimals of the "full precision" total on which levels and ranks are computed.
TOTAL_DECIMALS = 12


class NumberFormatError(ValueError):
    """A text that is not a number, or one that could be read two ways. Message in Vietnamese."""


class AmbiguousNumber(NumberFormatError):
    """``1.234``: thousands or decimals. ``readings`` holds both values (thousands first), so that a
    reader knowing the figure's bounds can keep the one reading they allow."""

    def __init__(self, message: str, readings: tuple[Decimal, Decimal]):
        super().__init__(message)
        self.readings = readings


#: Integer digits a fixed-point value may have: 13 + 15 decimals = 28 significant digits, the
#: precision of Decimal's default context, so ``from_fixed`` stays exact. No real figure of a report
#: comes near 10^13; "1E999999" from a spreadsheet would otherwise overflow Decimal.
MAX_INTEGER_DIGITS = 13


def to_fixed(value: Decimal | int | str) -> int:
    """Exact conversion to fixed point; more than 15 decimals is an error, never a silent cut."""
    d = Decimal(value)
    if not d.is_finite():
        raise NumberFormatError(f"'{value}' không phải là một số hữu hạn")
    if not d:
        return 0
    if d.adjusted() >= MAX_INTEGER_DIGITS:
        raise NumberFormatError(f"số quá lớn: {value}; cần nhỏ hơn 10^{MAX_INTEGER_DIGITS} (mười nghìn tỷ)")
    # Scale on the digits themselves: Decimal.scaleb rounds to the context's 28 digits, which
    # would silently cut 1.0000000000000000000000000001.
    sign, digits, exponent = d.as_tuple()
    shift = exponent + SCALE_DIGITS
    end = len(digits)
    while shift < 0 and end > 1 and digits[end - 1] == 0:
        end -= 1
        shift += 1
    if shift < 0:
        raise NumberFormatError(f"quá {SCALE_DIGITS} chữ số thập phân: {value}")
    coefficient = 0
    for digit in digits[:end]:
        coefficient = coefficient * 10 + digit
    scaled = coefficient * 10**shift
    return -scaled if sign else scaled


def from_fixed(value: int) -> Decimal:
    """The exact Decimal of a fixed-point int (no rounding), without trailing zeros: 10, not 1E+1."""
    if not value % SCALE:  # a whole number (0 included): its own digits, exactly
        return Decimal(value // SCALE)
    return Decimal(value).scaleb(-SCALE_DIGITS).normalize()  # some decimals: exponent < 0


def plain(value: int) -> str:
    """A fixed-point value as plain text with no trailing zeros: 85, 84.996, 0.5."""
    if type(value) is int:  # integer arithmetic: called for every figure of every explanation
        whole, frac = divmod(-value if value < 0 else value, SCALE)
        sign = "-" if value < 0 else ""
        if not frac:
            return f"{sign}{whole}"
        return f"{sign}{whole}.{frac:0{SCALE_DIGITS}d}".rstrip("0")
    text = f"{from_fixed(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def div_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half-up (away from zero at .5) to an int."""
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    if numerator >= 0:
        return (2 * numerator + denominator) // (2 * denominator)
    return -((2 * -numerator + denominator) // (2 * denominator))


def round_fixed(value: int, decimals: int) -> int:
    """Round a fixed-point value half-up to ``decimals`` decimals, staying in fixed point."""
    step = 10 ** (SCALE_DIGITS - decimals)
    return div_half_up(value, step) * step


def round_half_up(value: Decimal | int, decimals: int) -> Decimal:
    """Round half-up as Vietnamese documents do (Python's round(2.675, 2) gives 2.67)."""
    if isinstance(value, int):
        value = from_fixed(value)
    return Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_number(value: Decimal | int, decimals: int, decimal_sep: str = ".", thousands_sep: str = "") -> str:
    """Show a value rounded half-up with ``decimals`` decimals: ``99.00`` (the seed) or ``99,00``."""
    d = round_half_up(value, decimals)
    sign = "-" if d < 0 else ""
    text = f"{abs(d):f}"
    whole, _, frac = text.partition(".")
    if thousands_sep:
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = thousands_sep.join([whole, *groups])
    return sign + whole + (decimal_sep + frac if decimals > 0 else "")


def format_fixed(value: int, decimals: int, decimal_sep: str = ".") -> str:
    """``format_number`` of a fixed-point value, in integers: the same text (rounded half-up, exactly
    ``decimals`` decimals) for the long tables of a national-scale ranking."""
    if not 0 <= decimals <= SCALE_DIGITS:
        return format_number(from_fixed(value), decimals, decimal_sep)
    rounded = round_fixed(value, decimals)
    sign = "-" if rounded < 0 else ""
    whole, frac = divmod(abs(rounded), SCALE)
    if not decimals:
        return f"{sign}{whole}"
    return f"{sign}{whole}{decimal_sep}{frac // 10 ** (SCALE_DIGITS - decimals):0{decimals}d}"


_PLAIN = re.compile(r"[+-]?\d+")
_ONE_SEP = re.compile(r"([+-]?)(\d+)([.,])(\d+)")
_GROUPED = re.compile(r"([+-]?)(\d{1,3}(?:([.,])\d{3})+)(?:([.,])(\d+))?")


def parse_number(text: str) -> Decimal:
    """Read a number as a Vietnamese official or the seed would write it.

    ``85,03`` and ``85.03`` are 85.03; ``1.234,5`` and ``1,234.5`` are 1234.5; ``1.234.567`` is
    1234567; ``85%`` is 0.85. ``1.234`` (thousands or decimals?) is an ``AmbiguousNumber`` error that
    says so and carries both readings.
    """
    raw = text
    s = text.strip().replace("\u00a0", "").replace(" ", "")
    if not s:
        raise NumberFormatError("ô trống, cần một số")
    percent = s.endswith("%")
    if percent:
        s = s[:-1]
    try:
        value = _parse_plain(s, raw)
    except AmbiguousNumber as e:
        if percent:
            e.readings = tuple(_hundredth(r) for r in e.readings)
        raise
    return _hundredth(value) if percent else value


def _hundredth(value: Decimal) -> Decimal:
    """Exactly, by moving the point: value / 100 would round to the context's 28 digits."""
    sign, digits, exponent = value.as_tuple()
    return Decimal((sign, digits, exponent - 2))


def _parse_plain(s: str, raw: str) -> Decimal:
    if _PLAIN.fullmatch(s):
        return Decimal(s)
    m = _ONE_SEP.fullmatch(s)
    if m:
        sign, whole, sep, frac = m.groups()
        if len(frac) == 3 and whole[0] != "0" and len(whole) <= 3:
            other = "," if sep == "." else "."
            raise AmbiguousNumber(
                f"'{raw}' đọc được hai cách: {whole}{frac} (dấu '{sep}' phân cách hàng nghìn) "
                f"hoặc {whole}{other}{frac} (dấu '{sep}' là dấu thập phân); "
                f"hãy viết rõ, ví dụ {whole}{frac} hoặc {whole}{sep}{frac}0",
                (Decimal(f"{sign}{whole}{frac}"), Decimal(f"{sign}{whole}.{frac}")),
            )
        return Decimal(f"{sign}{whole}.{frac}")
    m = _GROUPED.fullmatch(s)
    if m:
        sign, grouped, group_sep, dec_sep, frac = m.groups()
        if dec_sep is None:
            if grouped.count(group_sep) >= 2:
                return Decimal(sign + grouped.replace(group_sep, ""))
        elif dec_sep != group_sep:
            return Decimal(f"{sign}{grouped.replace(group_sep, '')}.{frac}")
    try:
        # Scientific notation from a spreadsheet export ("1E-05") and nothing else.
        if re.fullmatch(r"[+-]?\d+(\.\d+)?[eE][+-]?\d+", s):
            return Decimal(s)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
        pass
    raise NumberFormatError(f"'{raw}' không phải là một số")
