"""The expression language of criteria sets: parsing, exact evaluation, messages, and robustness."""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xephang.framework import expr as E
from xephang.numbers import SCALE, to_fixed

KINDS = {"a": E.NUMBER, "b": E.NUMBER, "c": E.BOOL, "d": E.BOOL}


def value(text: str, env=None, max_=None):
    node = E.parse(text)
    E.resolve(node, KINDS, has_max=True)
    return E.evaluate(
        node,
        {k: (to_fixed(v) if not isinstance(v, bool) else v) for k, v in (env or {}).items()},
        None if max_ is None else to_fixed(max_),
    )


def test_regulation_formulas_evaluate_exactly():
    assert value("1/2*diem_toi_da", max_=10) == to_fixed(5)
    assert value("max / 2", max_=25) == to_fixed("12.5")
    assert value("max_points * 50%", max_=3) == to_fixed("1.5")
    assert value("min(a / b, 1) * max", {"a": 3, "b": 4}, max_=20) == to_fixed(15)
    assert value("min(a / b, 1) * max", {"a": 6, "b": 4}, max_=20) == to_fixed(20)
    assert value("0.1 + 0.2") == to_fixed("0.3")  # never a binary float
    assert value("if(c, 35, 0)", {"c": True}) == to_fixed(35)
    assert value("if(c, 35, 0)", {"c": False}) == 0
    assert value("a >= b and b > 0", {"a": 4, "b": 4}) is True
    assert value("a = b or not c", {"a": 1, "b": 2, "c": True}) is False
    assert value("-a + 2 * b", {"a": 1, "b": 3}) == to_fixed(5)
    assert value("max(a, b, 7)", {"a": 1, "b": 3}) == to_fixed(7)


def test_division_by_zero_gives_zero_as_a_ratio_does():
    assert value("a / b", {"a": 3, "b": 0}) == 0


def test_division_rounds_half_up_at_the_fixed_point_scale():
    assert value("1 / 3") == 333_333_333_333_333  # 0.333333333333333
    assert value("2 / 3") == 666_666_666_666_667
    assert value("-2 / 3") == -666_666_666_666_667


def test_columns_evaluate_like_scalars():
    node = E.parse("if(a >= b and b > 0, max / 2, 0) + if(c, max / 2, 0)")
    E.resolve(node, KINDS, has_max=True)
    cols = {
        "a": np.array([to_fixed(4), to_fixed(3), 0], dtype=object),
        "b": np.array([to_fixed(4), to_fixed(4), 0], dtype=object),
        "c": np.array([True, True, False]),
    }
    out = E.evaluate(node, cols, to_fixed(10))
    assert list(out) == [to_fixed(10), to_fixed(5), 0]
    assert all(type(v) is int for v in out)  # Python ints: no int64 overflow, no float


@pytest.mark.parametrize(
    "text, position, words",
    [
        ("a +", 4, "thiếu một giá trị"),
        ("(a + b", 7, "')'"),
        ("a b", 3, "thừa 'b'"),
        ("foo(a)", 1, "không có hàm 'foo'"),
        ("1,5 * max", 2, "dấu chấm"),
        ("a < b < 3", 7, "hai phép so sánh"),
        ("if(c, 1)", 1, "đúng 3 đối số"),
        ("a.b", 2, "ký tự '.'"),
        ("__import__('os')", 12, "ký tự '''"),
        ("__import__(os)", 1, "không có hàm '__import__'"),
        ("tỷ_lệ * max", 2, "không dấu"),
        ("min", 1, "là một hàm"),
        ("", 1, "rỗng"),
    ],
)
def test_syntax_errors_name_the_character(text, position, words):
    with pytest.raises(E.ExprError) as e:
        E.parse(text)
    message = e.value.describe(text)
    assert f"ký tự {position}:" in message
    assert words in message


@pytest.mark.parametrize(
    "text, words",
    [
        ("x + 1", "không có chỉ tiêu, giá trị tính toán hay tham số 'x'"),
        ("c + 1", "cần một số"),
        ("a and c", "cần một giá trị có/không"),
        ("if(a, 1, 2)", "điều kiện của if"),
        ("if(c, 1, d)", "cùng là số"),
        ("a = c", "không so sánh được"),
        ("c < d", "cần hai số"),
    ],
)
def test_type_errors_are_found_before_scoring(text, words):
    with pytest.raises(E.ExprError) as e:
        E.resolve(E.parse(text), KINDS, has_max=True)
    assert words in e.value.message


def test_max_is_refused_outside_a_criterion():
    with pytest.raises(E.ExprError, match="chỉ dùng được trong một tiêu chí"):
        E.resolve(E.parse("a / max_points"), KINDS, has_max=False)


def test_length_and_depth_are_bounded():
    with pytest.raises(E.ExprError, match="quá giới hạn"):
        E.parse("1+" * 600 + "1")
    with pytest.raises(E.ExprError, match="lồng nhau quá sâu"):
        E.parse("(" * 200 + "1" + ")" * 200)
    with pytest.raises(E.ExprError, match="lồng nhau quá sâu"):
        E.parse("-" * 200 + "1")
    with pytest.raises(E.ExprError, match="lồng nhau quá sâu"):
        E.parse("not " * 100 + "c")
    # a long flat sum is fine: it is one node, not a deep tree
    assert E.constant(E.parse("+".join(["1"] * 400))) == to_fixed(400)


# --- exactness: the fixed-point result is the exact rational result ---------------------------

decimals = st.decimals(min_value=-(10**6), max_value=10**6, places=4, allow_nan=False, allow_infinity=False)


@st.composite
def expressions(draw, depth=0):
    """(text, exact Fraction) for expressions of + - * min max if and comparisons over 4-decimal
    literals: every intermediate product has at most 8 decimals, so fixed point must be exact."""
    if depth >= 3 or draw(st.booleans()):
        d = draw(decimals)
        text = f"{d:f}"
        return (f"({text})" if d < 0 else text), Fraction(d)
    kind = draw(st.sampled_from(["+", "-", "*", "min", "max", "if"]))
    a_text, a = draw(expressions(depth + 1))
    b_text, b = draw(expressions(depth + 1))
    if kind == "*":
        # keep products of products inside 15 decimals (4 + 4 + 4 + ... would not be)
        if depth < 2:
            return f"({a_text}) * 2", a * 2
        return f"({a_text}) * ({b_text})", a * b
    if kind in ("+", "-"):
        return f"({a_text}) {kind} ({b_text})", (a + b if kind == "+" else a - b)
    if kind == "if":
        return f"if({a_text} >= {b_text}, {a_text}, {b_text})", max(a, b)
    return f"{kind}({a_text}, {b_text})", (min(a, b) if kind == "min" else max(a, b))


def to_fraction(fixed: int) -> Fraction:
    return Fraction(fixed, SCALE)


@settings(max_examples=300, deadline=None)
@given(expressions())
def test_evaluation_is_exact_against_fractions(case):
    text, exact = case
    node = E.parse(text)
    assert E.resolve(node, {}, has_max=False) == E.NUMBER
    got = E.constant(node)
    assert type(got) is int
    assert to_fraction(got) == exact


@settings(max_examples=300, deadline=None)
@given(st.integers(-(10**12), 10**12), st.integers(1, 10**9), st.integers(0, 1000))
def test_one_division_is_the_exact_quotient_rounded_half_up(a, b, m):
    """a / b * m: the quotient is the exact one rounded half-up at 1e-15; the product of it by a whole
    number is exact, so the whole result is within m * 0.5e-15 of the true value."""
    got = E.constant(E.parse(f"{a} / {b}"))
    exact = Fraction(a, b) * SCALE
    floor = exact.numerator // exact.denominator
    rounded = floor + 1 if exact - floor >= Fraction(1, 2) else floor
    if exact < 0:  # half-up is away from zero
        neg = -exact
        nf = neg.numerator // neg.denominator
        rounded = -(nf + 1 if neg - nf >= Fraction(1, 2) else nf)
    assert got == rounded
    scaled = E.constant(E.parse(f"{a} / {b} * {m}"))
    assert abs(to_fraction(scaled) - Fraction(a, b) * m) <= Fraction(m, 2 * SCALE)


# --- fuzzing: any text gives a tree or an ExprError, quickly ------------------------------------

ALPHABET = "ab c()+-*/<>=!,.%0123456789maxinfod_\n\tỷ'\"[]{}"


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=300))
def test_parser_never_crashes(text):
    t = time.perf_counter()
    try:
        node = E.parse(text)
    except E.ExprError as e:
        assert e.message and 0 <= e.position <= len(text)
        assert "ký tự" in e.describe(text)
    else:
        try:
            kind = E.resolve(node, KINDS, has_max=True)
        except E.ExprError as e:
            assert e.message
        else:
            env = {"a": to_fixed(3), "b": 0, "c": True, "d": False}
            v = E.evaluate(node, env, to_fixed(10))
            assert isinstance(v, bool) if kind == E.BOOL else type(v) is int
            assert str(node)  # the tree writes itself back
    # A guard against a hang (exponential backtracking would take hours on 300 characters), not a
    # speed target: generous enough for a loaded CI machine.
    assert time.perf_counter() - t < 10


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["(", ")", "-", "not ", "min(", "if(", "a", ",", "1", "+", "*"]), max_size=400))
def test_deep_and_long_inputs_never_overflow_the_stack(parts):
    text = "".join(parts)[: E.MAX_LENGTH]
    try:
        node = E.parse(text)
        E.resolve(node, KINDS, has_max=True)
    except E.ExprError:
        pass
