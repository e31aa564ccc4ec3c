"""The product's wording of points and ranges, from one module."""

from __future__ import annotations

from xephang.display import (
    YES_NO,
    allowed_range,
    at_least,
    exact,
    points,
    points_change,
    range_text,
    reach_at_least,
    rounded,
    rounded_up,
    tier_missed,
    tier_reached,
    tiers_text,
    yes_no,
)
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


def test_explanations_give_exact_figures_and_say_when_one_is_rounded():
    assert exact(F("17.5")) == "17.5" and exact(F("12")) == "12" and exact(None) == "—"
    assert exact(F("1") // 3) == "≈0.333333"  # a non-terminating quotient
    assert exact(F("2") // 3) == "≈0.666667"  # half-up at the sixth decimal


def test_a_range_with_no_upper_end_reads_the_same_everywhere():
    assert at_least("5") == "từ 5 trở lên"
    assert at_least("5", "văn bản") == "từ 5 văn bản trở lên"
    assert reach_at_least(F("10.004"), "văn bản") == "đạt từ 10 văn bản trở lên"  # the clerk's rounding
    assert reach_at_least(F("3")) == "đạt từ 3 trở lên"  # no unit, no double space
    assert range_text(F("5"), unit="văn bản") == at_least("5", "văn bản")


def test_the_tiers_of_a_criterion_in_words():
    tiers = [(F("10"), F("5")), (F("5"), F("2.5"))]
    assert tiers_text(tiers) == "từ 10 trở lên: 5; từ 5 trở lên: 2.5; thấp hơn: 0"
    assert tier_reached(F("12"), F("10"), F("5")) == "giá trị 12 đạt mức từ 10 trở lên → 5 điểm"
    assert tier_missed(F("3"), F("5")) == "giá trị 3 dưới mức thấp nhất (5) → 0 điểm"


def test_yes_and_no_are_written_as_a_unit_writes_them():
    assert (yes_no(True), yes_no(False)) == ("có", "không")
    assert YES_NO == (("có", "Có"), ("không", "Không"))  # stored text, label of the choice
