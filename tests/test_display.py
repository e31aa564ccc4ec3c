"""The product's wording of points and ranges, from one module."""

from __future__ import annotations

from xephang.display import allowed_range, points, points_change, range_text, rounded, rounded_up
from xephang.framework.model import Input, Option
from xephang.numbers import to_fixed


def F(text: str) -> int:
    return to_fixed(text)


def test_points_have_exactly_the_decimals_asked_half_up():
    assert points(F("85.125"), 2) == "85.13"
    assert points(F("85.125"), 2, ",") == "85,13"
    assert points(F("7"), 2) == "7.00"
    assert points(None, 2) == "—"


def test_a_change_of_points_carries_its_sign():
    assert points_change(F("1.5"), 2) == "+1.50"
    assert points_change(F("-0.25"), 2) == "-0.25"
    assert points_change(0, 2) == "0.00"
    assert points_change(None, 2) == "—"


def test_a_clerk_reads_at_most_two_decimals_and_what_is_lacking_is_rounded_up():
    assert rounded(F("12.345")) == "12.35"
    assert rounded(F("7.10")) == "7.1"
    assert rounded_up(F("0.001")) == "0.01"  # rounding down would promise 0 points
    assert rounded_up(F("2.30")) == "2.3"


def test_ranges_in_words():
    assert range_text(F("1"), F("10")) == "từ 1 đến 10"
    assert range_text(F("1")) == "từ 1 trở lên"
    assert range_text(F("70"), below=F("85"), unit="điểm") == "từ 70 điểm đến dưới 85 điểm"
    assert range_text(0, below=F("50"), unit="điểm") == "dưới 50 điểm"
    assert range_text(F("85"), F("100"), unit="điểm") == "từ 85 điểm đến 100 điểm"


def test_the_values_an_input_allows():
    assert allowed_range(Input("n", "Số", "count", min=0, max=F("20"))) == "từ 0 đến 20"
    assert allowed_range(Input("n", "Số", "number", min=F("1"), max=None)) == "từ 1 trở lên"
    assert allowed_range(Input("r", "Tỷ lệ", "ratio", max=F("1"))) == "từ 0 đến 1 (hoặc 0% đến 100%)"
    assert allowed_range(Input("y", "Có", "yesno")) == "có / không"
    kinds = (Option("a", "Chuyên trách"), Option("b", "Kiêm nhiệm"))
    assert allowed_range(Input("c", "Loại", "choice", options=kinds)) == "Chuyên trách / Kiêm nhiệm"
