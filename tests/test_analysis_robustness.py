"""Rank robustness: hand-computed probabilities for a two-group criteria set, and the property that
no perturbation gives back the exact ranks and levels."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xephang.analysis import rank_robustness
from xephang.errors import XephangError
from xephang.framework import load_framework
from xephang.io import read_period
from xephang.numbers import SCALE
from xephang.period import PeriodData, UnitEntry
from xephang.ranking import rank
from xephang.scoring import score

DATA = Path(__file__).parent / "data"
A = DATA / "analysis"


def _ranking(csv, yaml, ties=None):
    fw = load_framework(yaml)
    return rank(score(fw, read_period(csv, fw)), ties)


def p_u2_above(c: float, lo: float = 0.9, hi: float = 1.1, steps: int = 200_000) -> float:
    """P(u2 > c·u1) for independent u1, u2 uniform on [lo, hi], by a midpoint sum over u1 of the
    exact P(u2 > c·x) = clip((hi − c·x) / (hi − lo), 0, 1)."""
    w = hi - lo
    total = 0.0
    for k in range(steps):
        x = lo + (k + 0.5) * w / steps
        total += min(1.0, max(0.0, (hi - c * x) / w))
    return total / steps


@pytest.fixture(scope="module")
def two():
    return _ranking(A / "robust.csv", A / "two.yaml")


@pytest.fixture(scope="module")
def two_result(two):
    return rank_robustness(two, draws=4000, seed=7)


def test_plain_ranks_come_from_the_exact_engine(two, two_result):
    # 50+36 = 86 (Tốt), 40, 39, 20+10 = 30
    assert [(u.name, u.plain_rank) for u in two_result.units()] == [
        ("Sở Sát ngưỡng", 1),
        ("Sở Hạ tầng mạnh", 2),
        ("Sở Ứng dụng mạnh", 3),
        ("Sở Cách xa", 4),
    ]
    assert two_result.units()[0].plain_level.name == "Tốt"


def test_swap_probability_matches_hand_computation(two_result):
    # Weights 50·u1, 50·u2 renormalised to 100: f_i = 2·u_i / (u1 + u2). "Hạ tầng mạnh" has 40·f1,
    # "Ứng dụng mạnh" 39·f2: the second is ahead when u2 > (40/39)·u1.
    expected = p_u2_above(40 / 39)
    assert 0.3 < expected < 0.45  # sanity of the hand formula itself
    pair = two_result.groups[0].neighbours[1]
    assert (pair.upper, pair.lower) == ("Sở Hạ tầng mạnh", "Sở Ứng dụng mạnh")
    assert pair.swap_probability == pytest.approx(expected, abs=0.025)
    assert not pair.meaningful
    hatang = two_result.unit("Sở Hạ tầng mạnh")
    assert (hatang.median_rank, hatang.rank_low, hatang.rank_high) == (2, 2, 3)
    ungdung = two_result.unit("Sở Ứng dụng mạnh")
    assert (ungdung.median_rank, ungdung.rank_low, ungdung.rank_high) == (3, 2, 3)


def test_level_probability_matches_hand_computation(two_result):
    # 50·f1 + 36·f2 = 72 + 14·f1 >= 85  <=>  f1 >= 13/14  <=>  15·u1 >= 13·u2.
    p_tot = 1 - p_u2_above(15 / 13)
    u = two_result.unit("Sở Sát ngưỡng")
    assert u.level_probability["tot"] == pytest.approx(p_tot, abs=0.015)
    assert u.level_probability["kha"] == pytest.approx(1 - p_tot, abs=0.015)
    assert u.fragile is (p_tot < 0.9)
    # the best unit is always first: 72 + 14·0.9 > 40·1.1
    assert (u.median_rank, u.rank_low, u.rank_high) == (1, 1, 1)
    assert two_result.groups[0].neighbours[0].swap_probability == 0
    assert two_result.groups[0].neighbours[0].meaningful


def test_wider_range_makes_the_level_fragile(two):
    # ±30 %: 15·u1 >= 13·u2 with u uniform on [0.7, 1.3]
    res = rank_robustness(two, draws=4000, seed=3, weight_range=0.30)
    p_tot = 1 - p_u2_above(15 / 13, 0.7, 1.3)
    u = res.unit("Sở Sát ngưỡng")
    assert u.level_probability["tot"] == pytest.approx(p_tot, abs=0.02)
    assert p_tot < 0.9 and u.fragile


def test_seeded_draws_are_reproducible(two):
    a = rank_robustness(two, draws=300, seed=11)
    b = rank_robustness(two, draws=300, seed=11)
    c = rank_robustness(two, draws=300, seed=12)
    assert a == b
    assert [p.swap_probability for p in a.groups[0].neighbours] != [p.swap_probability for p in c.groups[0].neighbours]


def test_totals_only_period_needs_a_total_uncertainty():
    fw = load_framework(DATA / "mini.yaml")
    r = rank(score(fw, read_period(A / "totals-2021.csv", fw)))
    with pytest.raises(XephangError, match="chỉ có tổng điểm"):
        rank_robustness(r, draws=10)
    res = rank_robustness(r, draws=2000, seed=1, total_uncertainty=2.0)
    # Sở Y 75 and Sở Cũ 70 are 5 points apart: ±2 each can never swap them.
    assert res.unit("Sở Y").rank_high == 3 and res.unit("Sở Cũ").rank_low == 4
    # Sở X 60 cannot leave Trung bình with ±2; Sở Y 75 cannot leave Khá.
    assert res.unit("Sở X").level_probability == {"tb": 1.0}
    # Huyện C 50 ± 2: Trung bình when the draw is >= 0, half the time.
    assert res.unit("Huyện C").level_probability["tb"] == pytest.approx(0.5, abs=0.05)
    assert res.unit("Huyện C").fragile


def test_input_uncertainty_zero_and_positive_keep_plain_ranks_for_clear_gaps():
    r = _ranking(DATA / "mini.csv", DATA / "mini.yaml")
    res = rank_robustness(r, draws=30, seed=1, weight_range=0.0, input_uncertainty=0.05)
    # Sở B 88.24 vs Sở A 74.50: ±5 % on the inputs cannot swap them.
    assert [(u.name, u.median_rank, u.rank_low, u.rank_high) for u in res.groups[0].units] == [
        ("Sở B", 1, 1, 1),
        ("Sở A", 2, 2, 2),
    ]
    assert "số liệu nhập" in res.method


def test_bad_arguments_are_refused():
    r = _ranking(DATA / "mini.csv", DATA / "mini.yaml")
    with pytest.raises(XephangError):
        rank_robustness(r, draws=0)
    with pytest.raises(XephangError):
        rank_robustness(r, weight_range=-0.1)


# --- property: no perturbation returns the plain ranks and levels --------------------------------
PROP = load_framework(A / "prop.yaml")
half_points = lambda hi: st.integers(0, hi * 2).map(lambda k: k * SCALE // 2)  # noqa: E731
unit_rows = st.tuples(
    st.sampled_from(["so", "huyen"]),
    half_points(50),
    half_points(35),
    st.one_of(st.none(), half_points(15)),
    st.integers(0, 6),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(unit_rows, min_size=1, max_size=12), ties=st.sampled_from(["shared", "input-order", ("b",)]))
def test_zero_perturbation_returns_the_plain_ranks(rows, ties):
    units, values, na = [], {"pa": [], "pb": [], "pc": [], "late": []}, set()
    for i, (group, pa, pb, pc, late) in enumerate(rows):
        units.append(UnitEntry(f"Đơn vị {i}", group, row=i + 2))
        values["pa"].append(pa)
        values["pb"].append(pb)
        values["pc"].append(pc)
        values["late"].append(late * SCALE)
        if pc is None:
            na.add(i)
    data = PeriodData("prop.csv", "inputs", units, values, {"c": na} if na else {})
    ranking = rank(score(PROP, data), ties)
    res = rank_robustness(ranking, draws=3, seed=1, weight_range=0.0)
    plain = {u.name: (u.rank, u.level.id) for u in ranking.units()}
    for u in res.units():
        assert (u.median_rank, u.rank_low, u.rank_high) == (plain[u.name][0],) * 3
        assert u.level_probability == {plain[u.name][1]: 1.0}
        assert not u.fragile


def test_stated_uncertainty_per_input():
    r = _ranking(A / "robust.csv", A / "two.yaml")
    # Only "Điểm ung dung" is uncertain, ±10 %: Hạ tầng mạnh keeps 40 exactly, Ứng dụng mạnh has
    # 39·(1 + e) points, rounded to 1e-15: ahead when e > 1/39, probability (0.1 − 1/39) / 0.2.
    res = rank_robustness(r, draws=4000, seed=5, weight_range=0.0, input_uncertainty={"diem_ung_dung": 0.10})
    pair = res.groups[0].neighbours[1]
    assert pair.swap_probability == pytest.approx((0.1 - 1 / 39) / 0.2, abs=0.025)
    assert "Điểm ứng dụng ± 10 %" in res.method
    with pytest.raises(XephangError, match="khong_co"):
        rank_robustness(r, draws=5, input_uncertainty={"khong_co": 0.1})
