"""Levels on full precision, ranks per group by the tie rule, and the warnings a document needs."""

from decimal import Decimal
from functools import lru_cache

from hypothesis import given, settings
from hypothesis import strategies as st

from xephang.numbers import to_fixed
from xephang.period import PeriodData, UnitEntry
from xephang.ranking import rank
from xephang.scoring import score


def totals(fw, rows):
    """A totals-only period from (group, name, total) rows."""
    units = [UnitEntry(name=n, group=g, row=i + 2, total=to_fixed(t)) for i, (g, n, t) in enumerate(rows)]
    return score(fw, PeriodData(source="t.csv", kind="totals", units=units))


def table(ranking):
    return [(u.name, u.rank, u.level.name if u.level else None) for u in ranking.units()]


def test_boundaries_on_full_precision(mini):
    r = rank(totals(mini, [("so", "A", "84.995"), ("so", "B", "85"), ("so", "C", "70"), ("so", "D", "69.999")]))
    by = {u.name: u for u in r.units()}
    assert by["A"].shown == Decimal("85.00") and by["A"].level.name == "Khá"  # shown 85.00, still Khá
    assert by["B"].level.name == "Tốt"  # exactly 85 is Tốt
    assert by["C"].level.name == "Khá"  # exactly 70 is Khá
    assert by["D"].shown == Decimal("70.00") and by["D"].level.name == "Trung bình"
    assert [u.name for u in r.units()] == ["B", "A", "C", "D"]


def test_shared_ties_skip_the_next_rank(mini):
    r = rank(totals(mini, [("so", "A", "90"), ("so", "B", "80"), ("so", "C", "80"), ("so", "D", "70")]), "shared")
    assert [u.rank for u in r.units()] == [1, 2, 2, 4]
    assert [u.position for u in r.units()] == [1, 2, 3, 4]
    assert any("đồng hạng 2" in w for w in r.warnings)


def test_input_order_keeps_the_source_order_and_warns(mini):
    r = rank(totals(mini, [("so", "Zeta", "80"), ("so", "Alpha", "80"), ("so", "Beta", "90")]), "input-order")
    assert table(r) == [("Beta", 1, "Tốt"), ("Zeta", 2, "Khá"), ("Alpha", 3, "Khá")]
    assert any("thứ hạng khác nhau" in w and "input-order" in w for w in r.warnings)


def test_equal_shown_totals_ranked_on_full_precision_are_pointed_out(mini):
    r = rank(totals(mini, [("so", "A", "85.031"), ("so", "B", "85.034")]), "shared")
    assert table(r) == [("B", 1, "Tốt"), ("A", 2, "Tốt")]
    (w,) = r.warnings
    assert "cùng tổng điểm hiển thị 85.03" in w and "85.034" in w and "85.031" in w


def test_groups_are_ranked_separately(mini):
    r = rank(totals(mini, [("so", "A", "60"), ("huyen", "H", "50"), ("so", "B", "95")]))
    assert [(g.group.id, [(u.name, u.rank) for u in g.units]) for g in r.groups] == [
        ("so", [("B", 1), ("A", 2)]),
        ("huyen", [("H", 1)]),
    ]


def test_by_level_lists_only_levels_with_units_in_order(mini):
    r = rank(totals(mini, [("so", "A", "86"), ("so", "B", "40"), ("so", "C", "99")]))
    sections = r.groups[0].by_level(mini.levels)
    assert [(lv.name, [u.name for u in us]) for lv, us in sections] == [("Tốt", ["C", "A"]), ("Yếu", ["B"])]


def test_shared_ties_are_listed_in_vietnamese_order(mini):
    r = rank(
        totals(mini, [("so", "Đông Sơn", "80"), ("so", "Yên Định", "80"), ("so", "Ân Thi", "80"), ("so", "Dân", "80")])
    )
    assert [u.name for u in r.units()] == ["Ân Thi", "Dân", "Đông Sơn", "Yên Định"]


def test_tie_break_by_criteria(mini, tmp_path):
    from xephang.io import read_period

    csv = tmp_path / "p.csv"
    head = "khối,đơn vị,staff,with_pc,av_ratio,mbps,has_fw,n_meet,head_kind,wan_r,apps,std_a,std_b,council_pts,late\n"
    # P has 5 more on firewall, Q 5 more on the council points: equal totals.
    csv.write_text(
        head + "so,P,10,10,1,10,có,4,Chủ tịch,1,4,có,có,5,0\n" + "so,Q,10,10,1,10,không,4,Chủ tịch,1,4,có,có,10,0\n",
        encoding="utf-8",
    )
    scored = score(mini, read_period(csv, mini))
    assert scored.unit("P").total == scored.unit("Q").total
    assert [(u.name, u.rank) for u in rank(scored, ("council",)).units()] == [("Q", 1), ("P", 2)]
    assert [(u.name, u.rank) for u in rank(scored, ("ops",)).units()] == [("P", 1), ("Q", 2)]
    assert [u.rank for u in rank(scored, "shared").units()] == [1, 1]


def test_rank_on_shown_total(mini):
    mini.rank_on = "shown"
    r = rank(totals(mini, [("so", "A", "85.031"), ("so", "B", "85.034"), ("so", "C", "80")]), "shared")
    assert [u.rank for u in r.units()] == [1, 1, 3]


@lru_cache(maxsize=1)
def _mini():
    """The framework once for all examples (the tests that change it get their own from the fixture)."""
    from pathlib import Path

    from xephang.framework import load_framework

    return load_framework(Path(__file__).parent / "data" / "mini.yaml")


totals_st = st.lists(
    st.tuples(st.sampled_from(["so", "huyen"]), st.decimals(min_value=0, max_value=100, places=3)),
    min_size=1,
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(totals_st, st.sampled_from(["shared", "input-order"]))
def test_ranking_invariants(rows, ties):
    mini = _mini()
    r = rank(totals(mini, [(g, f"Đơn vị {i}", t) for i, (g, t) in enumerate(rows)]), ties)
    for g in r.groups:
        units = g.units
        assert sorted(u.rank for u in units)[0] == 1
        for a, b in zip(units, units[1:]):
            assert a.total >= b.total  # highest first
            assert a.rank <= b.rank  # ranks never go back
            if a.total > b.total:
                assert b.rank == b.position  # a strictly lower total is ranked by its position
            elif ties == "shared":
                assert a.rank == b.rank
        # a rank is 1 + the number of units with a strictly higher total (shared) ...
        if ties == "shared":
            for u in units:
                assert u.rank == 1 + sum(1 for v in units if v.total > u.total)
        # ... and input-order ranks are a permutation of 1..n
        else:
            assert sorted(u.rank for u in units) == list(range(1, len(units) + 1))
        for u in units:
            assert u.level is not None and u.level.contains(u.total)


def test_unknown_tie_rule_is_an_error(mini):
    import pytest

    from xephang.errors import XephangError

    scored = totals(mini, [("so", "A", "80")])
    with pytest.raises(XephangError, match="không có tiêu chí khong_co"):
        rank(scored, ("khong_co",))
    with pytest.raises(XephangError, match="chỉ có tổng điểm"):
        rank(scored, ("council",))
    with pytest.raises(XephangError, match="'random' không hợp lệ"):
        rank(scored, "random")


def test_a_total_shown_at_the_band_but_below_it_is_pointed_out(mini):
    r = rank(totals(mini, [("so", "A", "84.996"), ("so", "B", "85")]))
    a = next(u for u in r.units() if u.name == "A")
    assert a.level.name == "Khá" and str(a.shown) == "85.00"
    assert any("A có tổng điểm hiển thị 85.00 nhưng tổng điểm đầy đủ 84.996 dưới ngưỡng 85" in w for w in r.warnings)
