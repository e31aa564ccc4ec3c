"""Values of a set's period parameters: figures the province fixes once per period for every unit.

They come from the period file (``params:`` in ``period.yaml``), the command line
(``--param id=value``) or the web setup, as text or YAML numbers, and are checked here against the
parameter's type and bounds; every message names the parameter and what was expected.
"""

from __future__ import annotations

from decimal import Decimal

from ..display import range_text, yes_no
from ..errors import XephangError
from ..numbers import SCALE, NumberFormatError, parse_number, plain, to_fixed
from ..text import fold
from .model import Framework, Param

YES = {fold(w) for w in ("có", "co", "yes", "true", "1", "đạt")}
NO = {fold(w) for w in ("không", "khong", "no", "false", "0", "không đạt")}


class ParamError(XephangError):
    """A parameter value that is missing, unknown or out of its bounds."""


def param_values(fw: Framework, given: dict | None, where: str = "tham số của kỳ") -> dict[str, int | bool]:
    """Every parameter of ``fw`` with its value for the period: the one given, else its default."""
    given = dict(given or {})
    for key in given:
        if key not in fw.params:
            known = ", ".join(fw.params) or "không có tham số nào"
            raise ParamError(f"{where}: bộ tiêu chí '{fw.id}' không có tham số '{key}' (có: {known})")
    out: dict[str, int | bool] = {}
    for p in fw.params.values():
        if p.id in given and given[p.id] is not None and str(given[p.id]).strip() != "":
            out[p.id] = parse_param(p, given[p.id], where)
        elif p.default is not None:
            out[p.id] = p.default
        else:
            raise ParamError(
                f"{where}: thiếu giá trị tham số '{p.id}' ({p.label}); ghi ở 'params:' của tệp kỳ đánh giá "
                f"hoặc dùng --param {p.id}=GIÁ_TRỊ"
            )
    return out


def parse_param(p: Param, value, where: str = "tham số của kỳ") -> int | bool:
    prefix = f"{where}: tham số '{p.id}' ({p.label})"
    if p.type == "yesno":
        if isinstance(value, bool):
            return value
        k = fold(str(value))
        if k in YES:
            return True
        if k in NO:
            return False
        raise ParamError(f"{prefix}: '{value}' — cần 'có' hoặc 'không'")
    try:
        if isinstance(value, bool):
            raise NumberFormatError("cần một số, không phải đúng/sai")
        if isinstance(value, int):
            d = Decimal(value)
        elif isinstance(value, float):
            d = Decimal(repr(value))
        elif isinstance(value, Decimal):
            d = value
        else:
            d = parse_number(str(value))
        v = to_fixed(d)
    except (NumberFormatError, ArithmeticError) as e:
        raise ParamError(f"{prefix}: {e}") from None
    if p.type == "count" and v % SCALE:
        raise ParamError(f"{prefix}: '{value}' — cần một số nguyên")
    lo = p.min if p.min is not None else 0
    if v < lo or (p.max is not None and v > p.max):
        raise ParamError(f"{prefix}: {plain(v)} nằm ngoài giới hạn ({range_text(lo, p.max)})")
    return v


def param_text(p: Param, value) -> str:
    """A parameter's value as documents print it: '4 văn bản', 'có'."""
    if isinstance(value, bool):
        return yes_no(value)
    return f"{plain(value)} {p.unit}".strip()


def param_lines(fw: Framework, values: dict) -> list[str]:
    """'label: value unit' for every parameter of the period, in the set's order (documents and pages)."""
    return [f"{p.label}: {param_text(p, values[p.id])}" for p in fw.params.values() if p.id in values]
