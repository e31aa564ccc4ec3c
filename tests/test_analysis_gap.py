"""Road to the next level, checked against hand computations on the mini criteria set.

tests/data/analysis/gap.csv, "Sở Gần": computers 90/100 × 20 = 18, antivirus 0.8 × 10 = 8,
bandwidth (200/100) / (400/50 = 8, Sở B) × 10 = 2.5; firewall 5, 4 meetings 20, Chairman 10;
WAN 1 × 8 + 4 × 0.5 = 10, server room best(A no, B yes) = 3; council 8; no deduction.
Total 28.5 + 35 + 13 + 8 = 84.5: Khá, 0.5 short of Tốt (85).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from xephang.analysis import road_to_next_level
from xephang.framework import load_framework
from xephang.io import read_period
from xephang.numbers import SCALE, to_fixed
from xephang.ranking import rank
from xephang.scoring import score

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def ranking():
    fw = load_framework(DATA / "mini.yaml")
    return rank(score(fw, read_period(DATA / "analysis" / "gap.csv", fw)))


def test_units_at_the_top_level_have_no_road(ranking):
    names = [g.name for g in road_to_next_level(ranking)]
    assert "Sở B" not in names  # 88.24, Tốt
    assert names == ["Sở Gần", "Sở Thiếu dịch vụ"]


def test_points_lacking_and_the_smallest_figures_that_close_the_gap(ranking):
    (gap,) = road_to_next_level(ranking, "Sở Gần")
    assert gap.total == to_fixed("84.5") and gap.next_level.name == "Tốt"
    assert gap.lacking == to_fixed("0.5")
    by_id = {o.criterion_id: o for o in gap.opportunities}
    # 93/100 × 20 = 18.6 closes the gap (85.1); 92/100 × 20 = 18.4 does not (84.9).
    assert by_id["computers"].figure == Decimal(93)
    assert "thêm 3 người" in by_id["computers"].action
    # 0.85 × 10 = 8.5
    assert by_id["antivirus"].figure == Decimal("0.85") and "85%" in by_id["antivirus"].action
    # (x/100) / 8 × 10 >= 3  <=>  x >= 240 Mbps
    assert by_id["bandwidth"].figure == Decimal(240)
    assert by_id["council"].figure == Decimal("8.5")
    assert all(o.closes_gap for o in gap.opportunities)
    # largest unearned first: bandwidth 7.5, then the 2-point ones
    assert gap.opportunities[0].criterion_id == "bandwidth"
    assert gap.opportunities[0].unearned == to_fixed("7.5")
    assert {o.criterion_id for o in gap.opportunities} == {"bandwidth", "computers", "antivirus", "room", "council"}


def test_not_applicable_criteria_rescale_the_gap(ranking):
    # Sở Thiếu dịch vụ: services not applicable (max 85): infra 16 + 5 + 2.5, ops 0 + 15 + 5,
    # council 10 = 53.5 earned; total 53.5 / 85 × 100 = 62.94 (Trung bình). Khá needs 70 = 59.5/85:
    # 6 more criterion points, each worth 100/85 on the total.
    (gap,) = road_to_next_level(ranking, "Thiếu dịch vụ")
    assert gap.next_level.name == "Khá"
    assert gap.lacking == to_fixed(70) - ranking.unit("Thiếu dịch vụ").total
    assert "cần thêm 6 điểm tiêu chí" in gap.note
    by_id = {o.criterion_id: o for o in gap.opportunities}
    assert "services" not in by_id and "wan_ratio" not in by_id
    assert by_id["firewall"].gain_total == 5 * SCALE * 100 // 85
    assert not by_id["firewall"].closes_gap  # 5 < 6
    assert by_id["bandwidth"].closes_gap  # 7.5 >= 6: 2.5 + 6 = 8.5 points = 6.8 Mbps per person
    assert by_id["bandwidth"].figure == Decimal(680)
    assert by_id["head"].action == "Trưởng ban là: 'Chủ tịch'"
    assert by_id["meetings"].figure == Decimal(4)


def test_deductions_and_capped_parents(ranking):
    fw = load_framework(DATA / "mini.yaml")
    r = rank(score(fw, read_period(DATA / "mini.csv", fw)))
    (gap,) = road_to_next_level(r, "Huyện C")
    by_id = {o.criterion_id: o for o in gap.opportunities}
    # 10 late reports × 2 = 20, capped at the deduction's max 10: avoiding them gives 10 back
    assert by_id["penalties"].points == to_fixed(10) and by_id["penalties"].gain_total == to_fixed(10)
    # apps: 1 × 0.5 of a 2-point cap -> 3 more apps (4 × 0.5 = 2)
    assert by_id["wan_apps"].figure == Decimal(4)
    assert gap.lacking == to_fixed(23)  # 27 -> Trung bình at 50


def test_totals_only_period_gives_points_lacking_only():
    fw = load_framework(DATA / "mini.yaml")
    r = rank(score(fw, read_period(DATA / "analysis" / "totals-2022.csv", fw)))
    gaps = {g.name: g for g in road_to_next_level(r)}
    assert gaps["Sở B"].lacking == to_fixed("0.5") and gaps["Sở B"].opportunities == []
    assert gaps["Huyện C"].lacking == to_fixed(5)
    assert "Sở A" not in gaps
