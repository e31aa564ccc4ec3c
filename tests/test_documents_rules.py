"""The ranking rules in the documents and analyses: units assessed but not ranked (listed with their
reason), pillars (values and ranks), levels per group and points with percentage side by side, on
the test set tests/data/rules.yaml (figures worked out by hand in test_ranking_rules.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from xephang.analysis import rank_robustness, road_to_next_level
from xephang.documents.annex import build_annex
from xephang.documents.decision import build_decision
from xephang.documents.meta import DecisionMeta
from xephang.documents.report import Analyses, build_report, level_counts
from xephang.documents.scorecard import build_scorecard
from xephang.framework import load_framework
from xephang.io import read_period
from xephang.numbers import to_fixed
from xephang.ranking import rank
from xephang.scoring import score

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def ranked():
    fw = load_framework(DATA / "rules.yaml")
    return rank(score(fw, read_period(DATA / "rules.csv", fw)))


def _rows(ws):
    return [list(r) for r in ws.iter_rows(min_row=5, values_only=True)]


def _texts(doc):
    return [p.text for p in doc.paragraphs]


def test_decision_lists_units_not_ranked_with_their_reason_under_the_table(ranked):
    doc = build_decision(ranked, DecisionMeta(period_year=2025))
    texts = _texts(doc)
    line = "Công an tỉnh (tổng điểm 82.00; mức Khá) được đánh giá, không xếp hạng: không cung cấp dịch vụ công."
    assert line in texts
    # Its group has no ranked unit: no empty table; the two groups ranked have theirs.
    assert len(doc.tables) == 2 + 2  # + header and signature blocks
    assert not any("Công an tỉnh" in c.text for t in doc.tables for r in t.rows for c in r.cells)


def test_decision_tables_use_each_groups_levels(ranked):
    doc = build_decision(ranked, DecisionMeta(period_year=2025))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "I. Mức Khá (Tổng điểm đạt dưới 80 điểm)" in cells  # the district group's own band
    assert "II. Mức Khá (Tổng điểm đạt từ 70 điểm đến dưới 85 điểm)" in cells  # the set's, for the departments


def test_annex_has_pillar_columns_points_and_percent_and_units_not_ranked(ranked):
    wb = build_annex(ranked)
    so = _rows(wb.worksheets[0])
    head = so[0]
    for column in (
        "Điểm đạt được",
        "Tỷ lệ (%)",
        "Chính quyền số: điểm (tối đa 45)",
        "Chính quyền số: tỷ lệ (%)",
        "Chính quyền số: hạng",
        "Xã hội số: điểm (tối đa 40)",
    ):
        assert column in head, column
    b = dict(zip(head, so[1]))
    assert b["Đơn vị"] == "Sở B"
    assert (str(b["Điểm đạt được"]), str(b["Tỷ lệ (%)"])) == ("75.00", "88.24")
    assert (
        str(b["Chính quyền số: điểm (tối đa 45)"]),
        str(b["Chính quyền số: tỷ lệ (%)"]),
        b["Chính quyền số: hạng"],
    ) == ("40.00", "88.89", 1)
    vt = _rows(wb.worksheets[2])
    police = dict(zip(vt[0], vt[1]))
    assert police["Đơn vị"] == "Công an tỉnh" and police["Xếp hạng"] == "—"
    assert police["Ghi chú"] == "Không xếp hạng: không cung cấp dịch vụ công"
    assert police["Chính quyền số: hạng"] == "—" and str(police["Chính quyền số: tỷ lệ (%)"]) == "84.44"
    legend = [r[0] for r in vt[2:] if r[0]]
    assert any(x.startswith("Công an tỉnh (tổng điểm 82.00; mức Khá) được đánh giá, không xếp hạng") for x in legend)
    huyen = [r[0] for r in _rows(wb.worksheets[1]) if r[0]]
    assert "Mức xếp loại của khối huyện: Tốt: từ 80 điểm đến 100 điểm; Khá: dưới 80 điểm." in huyen
    # The criteria set's sheet states the group's own levels and the pillars.
    sheet = [c for row in wb["Bộ tiêu chí"].iter_rows(values_only=True) for c in row if c]
    assert "Mức xếp loại riêng của Khối huyện" in sheet and "Trụ cột" in sheet


def test_scorecard_points_percent_pillars_and_not_ranked(ranked):
    b = _texts(build_scorecard(ranked, ranked.unit("Sở B")))
    assert "Điểm đạt được: 75.00 điểm; tỷ lệ 88.24 %; mức Tốt; xếp hạng 1/3 trong khối." in b
    assert "- Trụ cột Chính quyền số: 40.00/45.00 điểm (88.89 %), hạng 1/3." in b
    police = _texts(build_scorecard(ranked, ranked.unit("Công an tỉnh")))
    assert "Điểm đạt được: 82.00 điểm; tỷ lệ 82.00 %; mức Khá; không xếp hạng: không cung cấp dịch vụ công." in police
    assert "- Trụ cột Xã hội số: 33.00/40.00 điểm (82.50 %), không xếp hạng." in police
    district = _texts(build_scorecard(ranked, ranked.unit("Huyện C")))
    # 27 points: Khá under the district group's own bands (Yếu under the set's); 53 short of its Tốt.
    assert "Điểm đạt được: 27.00 điểm; tỷ lệ 27.00 %; mức Khá; xếp hạng 1/1 trong khối." in district
    assert "Còn thiếu 53.00 điểm để đạt mức Tốt (từ 80 điểm đến 100 điểm)." in district


def test_road_to_the_next_level_uses_the_groups_levels_and_covers_units_not_ranked(ranked):
    gaps = {g.name: g for g in road_to_next_level(ranked)}
    assert (gaps["Huyện C"].level.name, gaps["Huyện C"].next_level.min, gaps["Huyện C"].lacking) == (
        "Khá",
        to_fixed(80),
        to_fixed(53),
    )
    assert gaps["Công an tỉnh"].lacking == to_fixed(3)  # 82 of the set's Tốt at 85
    assert "Sở B" not in gaps  # at the top level


def test_robustness_reads_each_groups_own_bands(ranked):
    result = rank_robustness(ranked, draws=50, seed=1)
    assert [g.group.id for g in result.groups] == ["so", "huyen"]  # a group not ranked has no ranks to test
    huyen = result.groups[1]
    assert [lv.min for lv in huyen.levels] == [to_fixed(80), 0]
    assert result.unit("Huyện C").level_probability == {"kha": 1.0}  # 'yeu' under the set's bands


def test_report_counts_levels_per_group_and_prints_pillars_and_units_not_ranked(ranked):
    assert ranked.level_names() == ["Tốt", "Khá", "Trung bình", "Yếu"]
    assert level_counts(ranked) == [
        ("Khối sở", [1, 2, 0, 0], 3),
        ("Khối huyện", [0, 1, None, None], 1),
        ("Cơ quan ngành dọc", [0, 1, 0, 0], 1),
    ]
    doc = build_report(ranked, DecisionMeta(period_year=2025), Analyses(draws=30))
    texts = _texts(doc)
    assert any(
        t.startswith("2. Xếp loại theo tổng điểm, theo mức của từng khối: Khối sở: mức Tốt từ 85 điểm")
        and "Khối huyện: mức Tốt từ 80 điểm đến 100 điểm, mức Khá dưới 80 điểm" in t
        for t in texts
    )
    assert "3. Xếp hạng riêng từng khối" in " ".join(texts) and "(1, 1, 2)" in " ".join(texts)
    counts = next(t for t in doc.tables if t.rows[0].cells[0].text == "Khối")
    assert [c.text for c in counts.rows[2].cells] == ["Khối huyện", "0", "1", "—", "—", "1"]
    assert [c.text for c in counts.rows[-1].cells] == ["Cộng", "1", "4", "0", "0", "5"]
    assert any("Công an tỉnh (tổng điểm 82.00; mức Khá) được đánh giá, không xếp hạng" in t for t in texts)
    assert "6.1. Khối sở (Chính quyền số: tối đa 45 điểm; Xã hội số: tối đa 40 điểm)" in texts
    pillars = [
        t for t in doc.tables if t.rows[0].cells[0].text == "Đơn vị" and t.rows[0].cells[2].text == "Chính quyền số (%)"
    ]
    rows = [[c.text for c in r.cells] for r in pillars[0].rows]
    assert rows[0] == ["Đơn vị", "Hạng chung", "Chính quyền số (%)", "Hạng", "Xã hội số (%)", "Hạng"]
    assert rows[1] == ["Sở B", "1", "88.89 %", "1", "87.50 %", "1"]
    assert [c.text for c in pillars[-1].rows[1].cells] == ["Công an tỉnh", "—", "84.44 %", "—", "82.50 %", "—"]


def test_year_over_year_reads_levels_of_each_group(ranked):
    from xephang.analysis import compare_periods

    result = compare_periods(ranked, ranked)
    district = next(m for m in result.units if m.name == "Huyện C")
    # 27 points: Khá under the district group's own bands, in both periods.
    assert (district.old_level, district.new_level, district.level_change) == ("Khá", "Khá", 0)


def test_units_not_reporting_are_named_in_vietnamese_order(ranked):
    """Whatever order the records come in, the decision's note and the annex's sheet name the units
    that did not report the Vietnamese way (Đ after D, tones after letters), group by group."""
    from xephang.documents.decision import Absent

    given = ["Sở Đà", "Sở Ánh", "Sở Dân", "Sở An"]
    absent = [Absent(group="huyen", name="Huyện Ý"), *(Absent(group="so", name=n) for n in given)]
    notes = [
        t for t in _texts(build_decision(ranked, DecisionMeta(period_year=2025), absent=absent)) if "không gửi" in t
    ]
    assert any("Sở An, Sở Ánh, Sở Dân và Sở Đà không gửi báo cáo" in t for t in notes), notes
    sheet = build_annex(ranked, absent=absent)["Không báo cáo"]
    names = [r[1] for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert names == ["Sở An", "Sở Ánh", "Sở Dân", "Sở Đà", "Huyện Ý"]
