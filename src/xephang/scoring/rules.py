"""Rule types: how a criterion turns a unit's inputs into points.

Every rule evaluates a whole group at once (columns of fixed-point ints, one entry per unit), so a
national-scale period scores in well under a second, and explains one unit's points in words from the
very same values. Points are clamped to [0, max] by the engine, not here.

Rule types, as seen in real regulations (docs/reference/domain-notes.md):
``ratio`` (share x max), ``relative`` (value / best unit's value in the group x max), ``yesno``,
``tiers``, ``choice`` (partial levels), ``count`` (count x points, capped), ``direct`` (points entered),
``formula`` (an expression of inputs, derived values, parameters and the max; framework/expr.py).
Sums of sub-items, best of alternative cases, deductions and "not applicable" are properties of the
criterion tree (``aggregate``, ``deduction``, ``may_be_not_applicable``), handled by the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import repeat
from math import gcd

import numpy as np

from ..display import exact as num  # figures in explanations, worded in one place
from ..display import exact_points as pts
from ..display import tier_missed, tier_reached, tiers_text, yes_no
from ..numbers import SCALE

# ---------------------------------------------------------------------------------------------
# Small helpers on object arrays of Python ints (exact; numpy only loops for us).


def _div(a, b):
    """Element-wise a / b rounded half-up, for a >= 0 and b >= 0; 0 where b == 0.

    (a + b // 2) // b is half-up for positive a and b: for odd b an exact half cannot occur. It costs
    two big-int operations per element instead of four for (2a + b) // 2b; this is the engine's
    hottest line.
    """
    if isinstance(b, int):
        return (a + (b >> 1)) // b if b else a * 0
    zero = b == 0
    if zero.any():
        b = np.where(zero, 1, b)
        return np.where(zero, 0, (a + (b >> 1)) // b)
    return (a + (b >> 1)) // b


def _times(a, factor: int):
    """Element-wise a × factor (both fixed point) rounded half-up: ``_div(a * factor, SCALE)``.

    The same exact quotient with the fraction factor / SCALE reduced first: a whole factor (a max of
    2 points) is one small multiplication, 1.5 points divides by 2, not by 10^15, so the products
    stay small ints instead of 30-digit ones.
    """
    g = gcd(factor, SCALE)
    f, d = factor // g, SCALE // g
    return a * f if d == 1 else _div(a * f, d)


@dataclass
class Context:
    """What a rule may learn about the whole group (e.g. the best value); kept for explanations."""

    best: dict[str, int] = field(default_factory=dict)
    size: int = 0  # units in the group (the length of every column)
    #: When one unit is scored alone against the others of its group (``scoring.single``): criterion
    #: id -> the best value among those others, which the best of the group also takes into account.
    others_best: dict[str, int] = field(default_factory=dict)


class Rule:
    type: str = ""

    def inputs(self) -> list[str]:
        raise NotImplementedError

    def input_types(self) -> dict[str, tuple[str, ...]]:
        """For validation: which input types each referenced input may have."""
        return {}

    def evaluate(self, cid: str, max_: int, cols: dict[str, np.ndarray], ctx: Context) -> np.ndarray:
        raise NotImplementedError

    def explain(self, cid: str, max_: int, values: dict, ctx: Context) -> str:
        raise NotImplementedError

    def describe(self, max_: int, labels: dict[str, str]) -> str:
        raise NotImplementedError


#: Input types a rule may read as a figure; a list input counts its (distinct) items.
NUMERIC = ("count", "number", "ratio", "points", "list")


@dataclass
class Ratio(Rule):
    """points = share x max; the share is an input (0..1) or numerator / denominator."""

    numerator: str | None = None
    denominator: str | None = None
    value: str | None = None
    type: str = "ratio"

    def inputs(self):
        return [self.value] if self.value else [self.numerator, self.denominator]

    def input_types(self):
        if self.value:
            return {self.value: ("ratio",)}
        return {self.numerator: NUMERIC, self.denominator: NUMERIC}

    def evaluate(self, cid, max_, cols, ctx):
        if self.value:
            return _times(cols[self.value], max_)
        return _div(cols[self.numerator] * max_, cols[self.denominator])

    def explain(self, cid, max_, values, ctx):
        if self.value:
            r = values[self.value]
            return f"tỷ lệ {num(r)} × {num(max_)} = {pts(_div(np.array([r * max_], dtype=object), SCALE)[0])}"
        n, d = values[self.numerator], values[self.denominator]
        if d == 0:
            return f"{num(n)} / {num(d)}: mẫu số bằng 0 nên không có điểm"
        p = _div(np.array([n * max_], dtype=object), d)[0]
        return f"tỷ lệ {num(n)} / {num(d)} × {num(max_)} = {pts(p)}"

    def describe(self, max_, labels):
        if self.value:
            return f"{labels[self.value]} × {num(max_)}"
        return f"({labels[self.numerator]} / {labels[self.denominator]}) × {num(max_)}"


@dataclass
class Relative(Rule):
    """points = value / the best value among the units of the same group x max.

    The value is an input, or numerator / denominator (e.g. bandwidth per staff member).
    """

    value: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    type: str = "relative"

    def inputs(self):
        return [self.value] if self.value else [self.numerator, self.denominator]

    def input_types(self):
        if self.value:
            return {self.value: NUMERIC}
        return {self.numerator: NUMERIC, self.denominator: NUMERIC}

    def _values(self, cols):
        if self.value:
            return cols[self.value]
        return _div(cols[self.numerator] * SCALE, cols[self.denominator])

    def evaluate(self, cid, max_, cols, ctx):
        v = self._values(cols)
        best = max(v, default=0) if len(v) else 0
        if cid in ctx.others_best:
            best = max(best, ctx.others_best[cid])
        ctx.best[cid] = best
        if best <= 0:
            return np.zeros(len(v), dtype=object)
        return _div(v * max_, best)

    def explain(self, cid, max_, values, ctx):
        v = self._values({k: np.array([values[k]], dtype=object) for k in self.inputs()})[0]
        best = ctx.best.get(cid, 0)
        own = (
            f"giá trị {num(v)}"
            if self.value
            else f"giá trị {num(values[self.numerator])} / {num(values[self.denominator])} = {num(v)}"
        )
        if best <= 0:
            return f"{own}; giá trị cao nhất trong khối bằng 0 nên không có điểm"
        p = _div(np.array([v * max_], dtype=object), best)[0]
        return (
            f"{own}; so với đơn vị cao nhất trong khối ({num(best)}): {num(v)} / {num(best)} × {num(max_)} = {pts(p)}"
        )

    def describe(self, max_, labels):
        what = labels[self.value] if self.value else f"{labels[self.numerator]} / {labels[self.denominator]}"
        return f"({what}) / (giá trị cao nhất trong khối) × {num(max_)}"


@dataclass
class YesNo(Rule):
    input: str = ""
    yes: int | None = None  # fixed; None = max
    no: int = 0
    type: str = "yesno"

    def inputs(self):
        return [self.input]

    def input_types(self):
        return {self.input: ("yesno",)}

    def _yes(self, max_):
        return max_ if self.yes is None else self.yes

    def evaluate(self, cid, max_, cols, ctx):
        col = cols[self.input]
        return np.where(col.astype(bool), self._yes(max_), self.no).astype(object)

    def explain(self, cid, max_, values, ctx):
        if values[self.input]:
            return f"có → {pts(self._yes(max_))}"
        return f"không → {pts(self.no)}"

    def describe(self, max_, labels):
        return f"{labels[self.input]}: có = {num(self._yes(max_))}, không = {num(self.no)}"


@dataclass
class Tiers(Rule):
    """The highest tier whose minimum the value reaches: 4+ = 20, 3 = 15, 2 = 10, 1 = 5, else 0."""

    input: str = ""
    tiers: list[tuple[int, int]] = field(default_factory=list)  # (min, points), highest min first
    type: str = "tiers"

    def inputs(self):
        return [self.input]

    def input_types(self):
        return {self.input: NUMERIC}

    def evaluate(self, cid, max_, cols, ctx):
        col = cols[self.input]
        out = np.zeros(len(col), dtype=object)
        for minimum, points in sorted(self.tiers):
            out = np.where(col >= minimum, points, out)
        return out.astype(object)

    def explain(self, cid, max_, values, ctx):
        v = values[self.input]
        for minimum, points in self.tiers:
            if v >= minimum:
                return tier_reached(v, minimum, points)
        return tier_missed(v, self.tiers[-1][0])

    def describe(self, max_, labels):
        return f"{labels[self.input]}: " + tiers_text(self.tiers)


@dataclass
class Choice(Rule):
    """Partial levels: each option of a choice input gives its points (Chairman: full, Vice: half)."""

    input: str = ""
    points: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # option id -> label, set by the loader
    type: str = "choice"

    def inputs(self):
        return [self.input]

    def input_types(self):
        return {self.input: ("choice",)}

    def evaluate(self, cid, max_, cols, ctx):
        get = self.points.get
        return np.array(list(map(get, cols[self.input], repeat(0))), dtype=object)

    def explain(self, cid, max_, values, ctx):
        v = values[self.input]
        return f"lựa chọn '{self.labels.get(v, v)}' → {pts(self.points.get(v, 0))}"

    def describe(self, max_, labels):
        return (
            f"{labels[self.input]}: "
            + "; ".join(f"{self.labels.get(k, k)} = {num(p)}" for k, p in self.points.items())
            + "; khác: 0"
        )


@dataclass
class Count(Rule):
    """count x points per item, capped (1 point per application on the WAN, at most 5)."""

    input: str = ""
    per: int = SCALE  # fixed points per item
    cap: int | None = None  # fixed; None = max
    type: str = "count"

    def inputs(self):
        return [self.input]

    def input_types(self):
        return {self.input: ("count", "number", "list")}

    def _cap(self, max_):
        return max_ if self.cap is None else min(self.cap, max_)

    def evaluate(self, cid, max_, cols, ctx):
        raw = _times(cols[self.input], self.per)
        return np.minimum(raw, self._cap(max_))

    def explain(self, cid, max_, values, ctx):
        v = values[self.input]
        raw = _div(np.array([v * self.per], dtype=object), SCALE)[0]
        cap = self._cap(max_)
        text = f"{num(v)} × {num(self.per)} = {pts(raw)}"
        if raw > cap:
            text += f", tối đa {pts(cap)}"
        return text

    def describe(self, max_, labels):
        return f"{labels[self.input]} × {num(self.per)}, tối đa {num(self._cap(max_))}"


@dataclass
class Direct(Rule):
    """Points entered directly (e.g. by the appraisal council), capped at the criterion's max."""

    input: str = ""
    type: str = "direct"

    def inputs(self):
        return [self.input]

    def input_types(self):
        return {self.input: ("points", "number")}

    def evaluate(self, cid, max_, cols, ctx):
        return cols[self.input]

    def explain(self, cid, max_, values, ctx):
        v = values[self.input]
        if v > max_:
            return f"điểm nhập {num(v)}, tối đa {pts(max_)}"
        return f"điểm nhập trực tiếp: {pts(v)}"

    def describe(self, max_, labels):
        return f"{labels[self.input]} (nhập trực tiếp, tối đa {num(max_)})"


@dataclass
class Formula(Rule):
    """Points computed by an expression over inputs, derived values, parameters and the max:
    ``min(so_van_ban / so_van_ban_yeu_cau, 1) * max`` ("Tỷ lệ = a/b; Điểm = Tỷ lệ*Điểm tối đa")."""

    expression: object = None  # framework.expr.Expression
    type: str = "formula"

    def inputs(self):
        return self.expression.names()

    def evaluate(self, cid, max_, cols, ctx):
        v = self.expression.evaluate(cols, max_)
        if not isinstance(v, np.ndarray):  # a constant formula
            return np.full(ctx.size, v, dtype=object)
        return v

    def explain(self, cid, max_, values, ctx):
        v = self.expression.evaluate(values, max_)
        return f"{self.expression.text}: {_bindings(self.expression, values, max_)} → {pts(v)}"

    def describe(self, max_, labels):
        return f"điểm = {self.expression.text} (điểm tối đa {num(max_)})"


def _bindings(expression, values, max_) -> str:
    """The values an expression read, for an explanation: "a = 3, b = 4, max = 20"."""
    from ..framework.expr import uses_max

    parts = [f"{n} = {_show(values.get(n))}" for n in expression.names()]
    if uses_max(expression.node):
        parts.append(f"điểm tối đa = {num(max_)}")
    return ", ".join(parts) if parts else "hằng số"


def _show(v) -> str:
    if isinstance(v, (bool, np.bool_)):
        return yes_no(v)
    if v is None:
        return "—"
    return num(int(v))


RULE_TYPES: dict[str, type[Rule]] = {
    cls.type: cls for cls in (Ratio, Relative, YesNo, Tiers, Choice, Count, Direct, Formula)
}
