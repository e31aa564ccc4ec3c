"""Data-quality checks on tests/data/analysis/checks-2022.csv, whose every oddity was planted by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xephang.analysis import read_evidence, run_checks
from xephang.errors import InputError
from xephang.framework import load_framework
from xephang.io import read_period
from xephang.scoring import score

A = Path(__file__).parent / "data" / "analysis"


@pytest.fixture(scope="module")
def fw():
    return load_framework(A / "checks.yaml")


@pytest.fixture(scope="module")
def report(fw):
    now = score(fw, read_period(A / "checks-2022.csv", fw))
    before = score(fw, read_period(A / "checks-2021.csv", fw))
    return run_checks(now, before, read_evidence(A / "evidence.csv", fw))


def found(report, kind):
    return sorted((f.unit, f.criterion_id, f.input_id) for f in report.by_kind(kind))


def test_impossible_values(report):
    # 60 staff with a computer of 50; 12 council points of a 10-point criterion
    assert found(report, "impossible") == [("Sở Hai", "hoi_dong", "council"), ("Sở Hai", "may_tinh", "with_pc")]
    f = next(f for f in report.by_kind("impossible") if f.input_id == "with_pc")
    assert "60" in f.figure and "50" in f.figure and "1.2" in f.message and f.row == 3


def test_internal_inconsistencies(report):
    # "no server room" yet 3 items of its equipment; no outgoing document at all
    assert found(report, "inconsistent") == [("Sở Hai", "thiet_bi", "items"), ("Sở Hai", "van_ban", "docs")]


def test_jumps_against_last_year(report):
    # bandwidth 100 -> 200 (+100 %), staff with a computer 40 -> 100 (+150 %); threshold 50 %
    assert found(report, "jump") == [("Sở Một", None, "mbps"), ("Sở Năm", None, "with_pc")]
    assert "150%" in next(f.message for f in report.by_kind("jump") if f.unit == "Sở Năm")


def test_figures_copied_from_another_unit(report):
    (f,) = report.by_kind("copied")
    assert f.unit == "Sở Bốn" and "Sở Ba" in f.message and "7/7" in f.message


def test_missing_evidence(report):
    # Sở Ba's server-room row lists no document; Sở Năm has no row for it
    assert found(report, "evidence") == [("Sở Ba", "co_phong", "has_room"), ("Sở Năm", "co_phong", "has_room")]


def test_outliers_within_the_group(report):
    # bandwidth per staff 2, 3, 2.5, 2.5, 1.5, 100: median 2.5, MAD 0.5, z = 0.6745 × 97.5 / 0.5 = 131.5
    # computers 0.9, 1.2, 0.875, 0.875, 0.8333, 0.8889: only 1.2 is beyond 3.5
    assert found(report, "outlier") == [("Sở Hai", "may_tinh", "with_pc"), ("Sở Sáu", "bang_thong", "mbps")]
    f = next(f for f in report.by_kind("outlier") if f.unit == "Sở Sáu")
    assert "131.5" in f.message and "2.5" in f.message


def test_nothing_else_and_skips_are_said(fw, report):
    assert len(report.findings) == 11
    bare = run_checks(score(fw, read_period(A / "checks-2022.csv", fw)))
    assert len(bare.skipped) == 2 and not bare.by_kind("jump") and not bare.by_kind("evidence")


def test_totals_only_periods_check_total_jumps():
    fw = load_framework(Path(__file__).parent / "data" / "mini.yaml")
    old = score(fw, read_period(A / "totals-2021.csv", fw))
    new = score(fw, read_period(A / "totals-2022.csv", fw))
    rep = run_checks(new, old, jump_threshold=0.1)  # 0.1 × 30 = 3 points
    assert sorted(f.unit for f in rep.by_kind("jump")) == ["Huyện C", "Sở A", "Sở B"]  # -5, +6, -5.5


def test_bad_evidence_file(fw, write):
    with pytest.raises(InputError, match="dòng 2.*không phải chỉ tiêu"):
        read_evidence(write("ev.csv", "đơn vị,chỉ tiêu,tài liệu kiểm chứng\nSở Một,khong_co,QĐ 1\n"), fw)
    with pytest.raises(InputError, match="cần các cột"):
        read_evidence(write("ev2.csv", "đơn vị,minh chứng\nSở Một,QĐ 1\n"), fw)


def test_declared_consistency_rules(fw, write):
    from xephang.analysis import load_check_rules
    from xephang.errors import XephangError

    rules = load_check_rules(A / "rules.yaml", fw)
    rep = run_checks(score(fw, read_period(A / "checks-2022.csv", fw)), rules=rules)
    declared = sorted((f.unit, f.input_id) for f in rep.by_kind("inconsistent") if f.criterion_id is None)
    # docs_e > staff: Sở Một 500 > 100, Sở Ba and Sở Bốn 400 > 80, Sở Năm 450 > 120, Sở Sáu 300 > 90;
    # items without a server room: Sở Hai (3 items, 'không')
    assert declared == [
        ("Sở Ba", "docs_e"),
        ("Sở Bốn", "docs_e"),
        ("Sở Hai", "items"),
        ("Sở Một", "docs_e"),
        ("Sở Năm", "docs_e"),
        ("Sở Sáu", "docs_e"),
    ]
    with pytest.raises(XephangError, match=r"requires\[0\].then: 'khong_co'"):
        load_check_rules(write("r.yaml", "requires:\n  - {if: items, then: khong_co}\n"), fw)


# --- copied forms: the indexed search finds exactly the pairs the pairwise rule finds -----------------
_keys = st.sampled_from(["a", "b", "c", "d", "e", "f", "g", "h"])
#: Few values, many zeros: units that share most figures, as copies do, and near misses.
_figures = st.dictionaries(_keys, st.sampled_from([0, 0, 1, 2, 3, 100]), max_size=8)


def _with_copies(draw_units, copies):
    """Units, then some near-copies of earlier ones (a figure changed, dropped or zeroed)."""
    units = list(draw_units)
    for source, key, value in copies:
        if units:
            copy = dict(units[source % len(units)])
            if key in copy and value is None:
                del copy[key]
            else:
                copy[key] = value
            units.append(copy)
    return units


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_figures, max_size=14),
    st.lists(st.tuples(st.integers(0, 20), _keys, st.sampled_from([None, 0, 1, 5])), max_size=8),
    st.integers(1, 6),
)
def test_copied_forms_found_by_index_equal_every_pair_compared(units, copies, min_figures):
    from xephang.analysis.checks import _copied_pairs, _copied_pairs_pairwise

    figures = _with_copies(units, copies)
    assert _copied_pairs(figures, min_figures) == _copied_pairs_pairwise(figures, min_figures)


def test_copied_forms_at_national_scale_are_found_without_comparing_every_pair():
    """3,000 units with 40 figures each, five planted copies (one figure changed of 40: 39/40 equal):
    found, and no other pair, in well under the time of 4.5 million comparisons."""
    import random

    from xephang.analysis.checks import _copied_pairs

    rng = random.Random(3)
    figures = [{f"x{k}": rng.choice([0, 1, 2, rng.randint(3, 10_000)]) for k in range(40)} for _ in range(3000)]
    planted = []
    for n in range(5):
        a, b = 100 * n + 7, 2000 + 100 * n
        figures[b] = dict(figures[a])
        figures[b]["x0"] = 123_456 + n
        planted.append((a, b))
    assert _copied_pairs(figures, 4) == planted
