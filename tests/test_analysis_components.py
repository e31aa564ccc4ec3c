"""Per-component rankings with the period's tie rule."""

from __future__ import annotations

from pathlib import Path

from xephang.analysis import component_rankings
from xephang.framework import load_framework
from xephang.io import read_period
from xephang.numbers import to_fixed
from xephang.ranking import rank
from xephang.scoring import score

DATA = Path(__file__).parent / "data"


def _ranking(csv, yaml, ties=None):
    fw = load_framework(yaml)
    return rank(score(fw, read_period(csv, fw)), ties)


def test_mini_components_by_hand():
    tables = component_rankings(_ranking(DATA / "mini.csv", DATA / "mini.yaml"))
    got = {(t.group.id, t.criterion.id): [(r.name, r.points, r.rank) for r in t.rows] for t in tables}
    # Sở A infra 18 + 5 + 2.5 = 25.5; Sở B 20 + 10 + 10 = 40. ops: A 5 + 15 + 10 = 30, B 0 + 20 + 5 = 25.
    assert got[("so", "infra")] == [("Sở B", to_fixed(40), 1), ("Sở A", to_fixed("25.5"), 2)]
    assert got[("so", "ops")] == [("Sở A", to_fixed(30), 1), ("Sở B", to_fixed(25), 2)]
    # services do not apply to Sở B: listed last, without a rank
    assert got[("so", "services")] == [("Sở A", to_fixed(13), 1), ("Sở B", None, None)]
    assert ("so", "penalties") not in got  # deductions are not ranked
    assert {t.criterion.id for t in tables if t.group.id == "huyen"} == {"infra", "ops", "services", "council"}


def test_equal_points_follow_the_tie_rule(write):
    csv = write(
        "ties.csv",
        """
        khối,đơn vị,diem_ha_tang,diem_ung_dung
        so,Sở Bình,30,10
        so,Sở An,30,20
        so,Sở Cường,20,30
        """,
    )
    two = DATA / "analysis" / "two.yaml"
    shared = component_rankings(_ranking(csv, two, "shared"))[0]
    # equal points share a rank, the next is skipped, names in Vietnamese order within the tie
    assert [(r.name, r.rank) for r in shared.rows] == [("Sở An", 1), ("Sở Bình", 1), ("Sở Cường", 3)]
    ordered = component_rankings(_ranking(csv, two, "input-order"))[0]
    assert [(r.name, r.rank) for r in ordered.rows] == [("Sở Bình", 1), ("Sở An", 2), ("Sở Cường", 3)]
    # overall: An 50, Cường 50, Bình 40
    assert [r.overall_rank for r in shared.rows] == [1, 3, 1]


def test_totals_only_period_has_no_components():
    assert component_rankings(_ranking(DATA / "analysis" / "totals-2021.csv", DATA / "mini.yaml")) == []
