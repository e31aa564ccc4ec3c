"""Each rule type and each aggregation, against points computed by hand (tests/data/mini.yaml)."""

from decimal import Decimal
from pathlib import Path

import pytest

from xephang.io import read_period
from xephang.numbers import from_fixed, to_fixed
from xephang.scoring import score

DATA = Path(__file__).parent / "data"


@pytest.fixture
def scored(mini):
    return score(mini, read_period(DATA / "mini.csv", mini))


def pts(scored, unit, cid):
    v = scored.points(scored.unit(unit), cid)
    return None if v is None else from_fixed(v)


# Sở A by hand: computers 90/100 x 20 = 18; antivirus 0.5 x 10 = 5; bandwidth (200/100) / best
# (400/50 = 8) x 10 = 2.5; firewall yes 5; meetings 3 -> 15; head Chủ tịch 10; WAN 1 x 8 + min(5 x 0.5,
# 2) = 10; room best(no = 0, B yes = 3) = 3; council 8; deduction 1 late x 2 = 2.
# Total = 18 + 5 + 2.5 + 5 + 15 + 10 + 10 + 3 + 8 - 2 = 74.5.
@pytest.mark.parametrize(
    "cid, expected",
    [
        ("computers", "18"),
        ("antivirus", "5"),
        ("bandwidth", "2.5"),
        ("infra", "25.5"),
        ("firewall", "5"),
        ("meetings", "15"),
        ("head", "10"),
        ("ops", "30"),
        ("wan_ratio", "8"),
        ("wan_apps", "2"),
        ("wan", "10"),
        ("room_a", "0"),
        ("room_b", "3"),
        ("room", "3"),
        ("services", "13"),
        ("council", "8"),
        ("penalties", "2"),
    ],
)
def test_each_rule_for_one_unit(scored, cid, expected):
    assert pts(scored, "Sở A", cid) == Decimal(expected)


def test_total_with_a_deduction(scored):
    assert scored.unit("Sở A").total == to_fixed("74.5")


def test_not_applicable_rescales_to_the_applicable_max(scored):
    # Sở B: services (15) does not apply; earned 20 + 10 + 10 + 0 + 20 + 5 + min(12, 10) = 75 of 85.
    b = scored.unit("Sở B")
    assert b.not_applicable >= {"services"}
    assert pts(scored, "Sở B", "services") is None
    assert b.applicable_max == to_fixed(85)
    # 75 / 85 x 100 = 88.235294117647058..., kept to 12 decimals half-up
    assert b.total == to_fixed("88.235294117647")


def test_direct_points_are_capped_at_max(scored):
    assert pts(scored, "Sở B", "council") == 10


def test_deductions_floor_the_total_at_zero_and_are_capped(scored):
    # Huyện C: 10 + 2.5 + 10 + 5 + 0 + 0 + (4 + 0.5) + 5 + 0 = 37; 10 late x 2 = 20, capped at 10.
    assert pts(scored, "Huyện C", "penalties") == 10
    assert scored.unit("Huyện C").total == to_fixed(27)


def test_relative_rule_is_relative_within_the_group_only(scored):
    # Huyện C is alone in its group: its 1 Mbps per staff is the best there, so full points,
    # although both units of the other group have more.
    assert pts(scored, "Huyện C", "bandwidth") == 10
    assert pts(scored, "Sở B", "bandwidth") == 10


def test_explain_gives_inputs_rule_arithmetic_and_result(scored):
    traces = {t.criterion.id: t for t in scored.explain(scored.unit("sở a"))}
    comp = traces["infra"].children[0]
    assert comp.criterion.id == "computers"
    assert ("with_pc", "Số cán bộ có máy tính", "90 người") in comp.inputs
    assert comp.explanation == "tỷ lệ 90 / 100 × 20 = 18 điểm"
    bw = traces["infra"].children[2]
    assert "cao nhất trong khối (8)" in bw.explanation and "2.5 điểm" in bw.explanation
    head = traces["ops"].children[2]
    assert head.explanation == "lựa chọn 'Chủ tịch' → 10 điểm"
    room = traces["services"].children[1]
    assert "cao điểm nhất" in room.explanation
    assert "bị trừ" in traces["penalties"].explanation


def test_explain_marks_not_applicable(scored):
    traces = {t.criterion.id: t for t in scored.explain(scored.unit("Sở B"))}
    assert traces["services"].points is None and "không áp dụng" in traces["services"].explanation


def test_denominator_zero_gives_no_points(mini, write):
    f = write(
        "zero.csv",
        """
        khối,đơn vị,staff,with_pc,av_ratio,mbps,has_fw,n_meet,head_kind,wan_r,apps,std_a,std_b,council_pts,late
        so,Sở Z,0,0,0,0,không,0,khong,0,0,không,không,0,0
        """,
    )
    scored = score(mini, read_period(f, mini))
    u = scored.unit("Sở Z")
    assert u.total == 0
    assert "mẫu số bằng 0" in scored.explain(u)[0].children[0].explanation


def test_a_unit_is_found_by_its_name_folded_or_by_a_unique_part_of_it(scored):
    a = scored.unit("Sở A")
    assert scored.unit("sở a") is a and scored.unit("SỞ A") is a  # case folded
    assert scored.unit(" Sở  A ") is a  # spaces folded
    for u in scored.units:
        assert scored.unit(u.name) is u  # the index built once answers every unit's own name
    with pytest.raises(KeyError, match="không xác định được đơn vị"):
        scored.unit("Sở")  # a part shared by several units: ambiguous
    with pytest.raises(KeyError, match="không có"):
        scored.unit("Không có đơn vị này")
