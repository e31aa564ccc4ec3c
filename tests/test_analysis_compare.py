"""Year over year: totals-only baselines, renamed / merged / split units, criteria-group mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from xephang.analysis import Lineage, compare_periods, load_lineage
from xephang.errors import XephangError
from xephang.framework import load_framework
from xephang.io import read_period
from xephang.numbers import to_fixed
from xephang.ranking import rank
from xephang.scoring import score

DATA = Path(__file__).parent / "data"
A = DATA / "analysis"


def _ranking(csv, yaml=DATA / "mini.yaml"):
    fw = load_framework(yaml)
    return rank(score(fw, read_period(csv, fw)))


@pytest.fixture(scope="module")
def totals():
    return compare_periods(
        _ranking(A / "totals-2021.csv"), _ranking(A / "totals-2022.csv"), load_lineage(A / "lineage.yaml")
    )


def test_same_and_renamed_units(totals):
    m = {u.name: u for u in totals.units}
    # Sở A 80 (2nd) -> 86 (1st): +6, up one rank, Khá -> Tốt
    a = m["Sở A"]
    assert (a.how, a.delta, a.old_rank, a.new_rank, a.rank_change) == ("same", to_fixed(6), 2, 1, 1)
    assert (a.old_level, a.new_level, a.level_change) == ("Khá", "Tốt", 1)
    b = m["Sở B"]
    assert (b.delta, b.rank_change, b.level_change) == (to_fixed("-5.5"), -1, -1)
    new = m["Sở Mới"]  # renamed from Sở Cũ: 70 (4th) -> 72 (3rd)
    assert (new.how, new.predecessors, new.delta, new.rank_change) == ("renamed", ["Sở Cũ"], to_fixed(2), 1)


def test_merged_unit_takes_the_mean_of_its_predecessors(totals):
    xy = next(u for u in totals.units if u.name == "Sở XY")
    # (60 + 75) / 2 = 67.5 (Trung bình) -> 70 (Khá); a mean had no rank of its own
    assert xy.how == "merged" and xy.predecessors == ["Sở X", "Sở Y"]
    assert xy.old_total == to_fixed("67.5") and xy.delta == to_fixed("2.5")
    assert xy.old_rank is None and xy.rank_change is None
    assert (xy.old_level, xy.new_level, xy.level_change) == ("Trung bình", "Khá", 1)
    assert "bình quân" in xy.note


def test_split_new_and_gone_units(totals):
    m = {u.name: u for u in totals.units}
    # Huyện D 66, 1st -> D1 70 (1st), D2 60 (2nd); both compared with D
    assert (m["Huyện D1"].how, m["Huyện D1"].delta, m["Huyện D1"].rank_change) == ("split", to_fixed(4), 0)
    assert (m["Huyện D2"].delta, m["Huyện D2"].rank_change) == (to_fixed(-6), -1)
    assert m["Huyện F"].how == "new" and m["Huyện F"].delta is None
    assert totals.gone == ["Huyện E"]
    # Huyện C 50 (2nd) -> 45 (4th): moved most in its group
    assert totals.movers["Khối huyện"][0].name == "Huyện C"
    assert totals.movers["Khối huyện"][0].rank_change == -2
    assert any("chỉ có tổng điểm" in n for n in totals.notes)


def test_other_merged_figures():
    old, new = _ranking(A / "totals-2021.csv"), _ranking(A / "totals-2022.csv")
    for how, expected in (("sum", to_fixed(135)), ("max", to_fixed(75))):
        lineage = Lineage(merged_from={"Sở XY": ["Sở X", "Sở Y"]}, merged_figure=how)
        xy = next(u for u in compare_periods(old, new, lineage).units if u.name == "Sở XY")
        assert xy.old_total == expected


def test_points_per_criteria_group_and_deductions():
    c = compare_periods(_ranking(DATA / "mini.csv"), _ranking(A / "mini-2022.csv"))
    a = next(u for u in c.units if u.name == "Sở A")
    comp = {x.criterion_id: x for x in a.components}
    # 100/100 staff with a computer (+2 on infra), no late report (deduction 2 -> 0: +2 on the total)
    assert comp["infra"].delta == to_fixed(2) and comp["ops"].delta == 0
    assert comp["penalties"].delta == to_fixed(2) and comp["penalties"].deduction
    assert a.delta == to_fixed(4)
    huyen = next(u for u in c.units if u.name == "Huyện C")
    assert {x.criterion_id: x.delta for x in huyen.components}["ops"] == to_fixed(20)  # 0 -> 4 meetings
    b = next(u for u in c.units if u.name == "Sở B")
    assert {x.criterion_id: x.delta for x in b.components}["services"] is None  # not applicable


def test_criteria_groups_mapped_across_frameworks():
    old = _ranking(DATA / "mini.csv")
    new = _ranking(A / "two-2022.csv", A / "two.yaml")
    c = compare_periods(old, new, load_lineage(A / "lineage-two.yaml"))
    a = {x.criterion_id: x for x in next(u for u in c.units if u.name == "Sở A").components}
    # infra 25.5 of 40 -> on 50 points: 31.875; now 30
    assert a["ha_tang"].old == to_fixed("31.875") and a["ha_tang"].delta == to_fixed("-1.875")
    # ops 30 of 35 -> 30 × 50 / 35 = 42.857142857142857 (half-up at 1e-15); now 40
    assert a["ung_dung"].old == to_fixed("42.857142857142857")
    assert c.gone == ["Huyện C"]


def test_embedded_2020_decision_is_a_valid_baseline():
    from xephang.datasets import resolve

    pf = resolve("thanhhoa-2020")
    fw = load_framework(pf.framework)
    r = rank(score(fw, read_period(pf.path, fw)), pf.ties)
    c = compare_periods(r, r)
    assert len(c.units) == 47 and c.gone == []
    assert all(u.delta == 0 and u.rank_change == 0 for u in c.units)


def test_bad_lineage_files_are_clear_errors(write):
    with pytest.raises(XephangError, match="khóa 'merged'"):
        load_lineage(write("a.yaml", "merged: {}\n"))
    with pytest.raises(XephangError, match="merged_from.Sở XY phải là danh sách"):
        load_lineage(write("b.yaml", "merged_from: {Sở XY: Sở X}\n"))
    with pytest.raises(XephangError, match="merged_figure"):
        load_lineage(write("c.yaml", "merged_figure: median\n"))


def test_ranks_move_only_within_the_same_group(write):
    old = _ranking(write("o.csv", "khối,đơn vị,tổng điểm\nhuyen,Huyện G,60\nso,Sở A,80\n"))
    new = _ranking(write("n.csv", "khối,đơn vị,tổng điểm\nso,Sở A,82\nso,Sở G,61\n"))
    lineage = Lineage(renamed={"Huyện G": "Sở G"})
    g = next(u for u in compare_periods(old, new, lineage).units if u.name == "Sở G")
    assert g.old_rank == 1 and g.rank_change is None and "Khối huyện" in g.note
    assert g.delta == to_fixed(1)
    # declared as the same group under another id: ranks compare again
    g = next(
        u
        for u in compare_periods(old, new, Lineage(renamed={"Huyện G": "Sở G"}, groups={"huyen": "so"})).units
        if u.name == "Sở G"
    )
    assert g.rank_change == -1
