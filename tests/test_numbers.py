from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xephang.numbers import (
    SCALE,
    NumberFormatError,
    div_half_up,
    format_number,
    from_fixed,
    parse_number,
    plain,
    round_fixed,
    round_half_up,
    to_fixed,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("85.03", "85.03"),  # the seed's way
        ("85,03", "85.03"),  # the Vietnamese way
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("1.234.567", "1234567"),
        ("1 234", "1234"),
        ("0,125", "0.125"),  # a leading 0 cannot be a thousands group
        ("12345.678", "12345.678"),
        ("85%", "0.85"),
        ("-3", "-3"),
        (" 7 ", "7"),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["1.234", "1,234", "12.500", "999,000"])
def test_ambiguous_numbers_are_refused_with_both_readings(text):
    with pytest.raises(NumberFormatError) as e:
        parse_number(text)
    assert "hai cách" in str(e.value)


@pytest.mark.parametrize("text", ["", "abc", "1.2.3,4,5", "1,2,3", "--1", "12a"])
def test_not_numbers(text):
    with pytest.raises(NumberFormatError):
        parse_number(text)


def test_round_half_up_not_bankers_nor_float():
    assert round(2.675, 2) == 2.67  # what we must not do
    assert round_half_up(Decimal("2.675"), 2) == Decimal("2.68")
    assert round_half_up(Decimal("84.995"), 2) == Decimal("85.00")
    assert round_half_up(Decimal("0.125"), 2) == Decimal("0.13")
    assert format_number(Decimal("99"), 2) == "99.00"
    assert format_number(Decimal("99"), 2, ",") == "99,00"
    assert format_number(Decimal("1234.5"), 1, ",", ".") == "1.234,5"


def test_fixed_point_is_exact():
    assert to_fixed("0.1") + to_fixed("0.2") == to_fixed("0.3")
    assert from_fixed(to_fixed("85.03")) == Decimal("85.03")
    with pytest.raises(NumberFormatError):
        to_fixed("0.0000000000000001")  # 16 decimals: refused, never cut silently
    assert div_half_up(5, 2) == 3 and div_half_up(-5, 2) == -3 and div_half_up(4, 3) == 1
    assert round_fixed(to_fixed("84.995"), 2) == to_fixed("85")
    # A third of a point, three times: 0.999999999999999 at 1e-15, exactly 1 at the total's precision.
    third = div_half_up(SCALE, 3)
    assert 3 * third != SCALE
    assert round_fixed(3 * third, 12) == SCALE


@given(
    st.one_of(
        st.integers(-(10**22), 10**22),
        st.builds(lambda m, e: m * 10**e, st.integers(-(10**6), 10**6), st.integers(0, 18)),
    )
)
def test_plain_is_the_exact_decimal_without_trailing_zeros(value):
    # The integer-arithmetic text equals the Decimal's plain text: sign, whole part, no trailing zeros.
    text = f"{from_fixed(value):f}"
    assert plain(value) == (text.rstrip("0").rstrip(".") if "." in text else text)
    assert Decimal(plain(value)) == from_fixed(value)


def test_plain_examples():
    assert [plain(v) for v in (0, 85 * SCALE, 84996 * SCALE // 1000, -SCALE // 2, 1, -1)] == [
        "0",
        "85",
        "84.996",
        "-0.5",
        "0.000000000000001",
        "-0.000000000000001",
    ]
