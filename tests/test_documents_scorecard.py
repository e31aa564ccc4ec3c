"""Unit scorecards and the report, read back with python-docx (mini set: points by hand, see test_documents_annex)."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from documents_helpers import run

DATA = Path(__file__).parent / "data"
MINI = ("--framework", DATA / "mini.yaml")


@pytest.fixture(scope="module")
def card_a(tmp_path_factory):
    out = tmp_path_factory.mktemp("card") / "so-a.docx"
    code, _, err = run("scorecard", DATA / "mini.csv", *MINI, "--unit", "sở a", "--out", out)
    assert code == 0, err
    return docx.Document(out)


def test_scorecard_summary_and_gap(card_a):
    t = [p.text for p in card_a.paragraphs]
    assert "Đơn vị: Sở A" in t
    assert "Tổng điểm: 74.50 / 100 điểm; mức Khá; xếp hạng 2/2 trong khối." in t
    # 85 - 74.5 = 10.5 points short of Tốt.
    assert "Còn thiếu 10.50 điểm để đạt mức Tốt (từ 85 điểm đến 100 điểm)." in t


def test_scorecard_points_against_max(card_a):
    table = card_a.tables[0]
    rows = {r.cells[1].text: [c.text for c in r.cells] for r in table.rows}
    assert rows["Tiêu chí"] == ["TT", "Tiêu chí", "Tối đa", "Đạt", "Tỷ lệ"]
    assert rows["Hạ tầng"] == ["1", "Hạ tầng", "40.00", "25.50", "64 %"]  # 25.5 / 40 = 63.75 % -> 64 %
    assert rows["Băng thông trên cán bộ"] == ["1.3", "Băng thông trên cán bộ", "10.00", "2.50", "25 %"]
    assert rows["Tỷ lệ đơn vị trực thuộc kết nối"][0] == "3.1.1"
    assert rows["Trừ điểm"][3] == "−2.00"
    assert table._tbl.findall(qn("w:tr"))[0].trPr.find(qn("w:tblHeader")) is not None


def test_scorecard_strengths_and_weaknesses(card_a):
    t = [p.text for p in card_a.paragraphs]
    strong = t[t.index("Tiêu chí làm tốt nhất") + 1 : t.index("Tiêu chí mất nhiều điểm nhất")]
    weak = t[t.index("Tiêu chí mất nhiều điểm nhất") + 1 :]
    # Full marks, largest first: head 10/10, WAN ratio 8/8, firewall 5/5.
    assert strong == [
        "- Trưởng ban chỉ đạo: 10.00/10.00 điểm.",
        "- Tỷ lệ đơn vị trực thuộc kết nối: 8.00/8.00 điểm.",
        "- Có tường lửa: 5.00/5.00 điểm.",
    ]
    # Most points lost: bandwidth 7.5, then antivirus and meetings 5 each; the deduction is not a criterion
    # to improve on, and room A (0/5) lost nothing since room B's case counts (best of).
    assert weak[0] == "- Băng thông trên cán bộ: 2.50/10.00 điểm (thiếu 7.50)."
    assert {w.split(":")[0] for w in weak[1:3]} == {"- Tỷ lệ máy có phần mềm diệt virus", "- Số cuộc họp ban chỉ đạo"}
    assert not any("Đạt tiêu chuẩn A" in w or "Trừ" in w for w in weak)


def test_scorecard_top_level_unit(tmp_path):
    out = tmp_path / "b.docx"
    assert run("scorecard", DATA / "mini.csv", *MINI, "--unit", "Sở B", "--out", out)[0] == 0
    t = [p.text for p in docx.Document(out).paragraphs]
    assert "Đã đạt mức cao nhất (Tốt)." in t
    rows = {r.cells[1].text: r.cells[3].text for r in docx.Document(out).tables[0].rows}
    assert rows["Dịch vụ công"] == rows["Mạng WAN"] == "KAD"


def test_scorecards_for_all_units(tmp_path):
    code, out, _ = run("scorecard", DATA / "mini.csv", *MINI, "--all", "--out", tmp_path / "phieu")
    assert code == 0
    names = sorted(p.name for p in (tmp_path / "phieu").iterdir())
    assert names == ["1-01-so-b.docx", "1-02-so-a.docx", "2-01-huyen-c.docx"]
    assert out.count("Đã tạo") == 3


def test_scorecard_totals_only_period(tmp_path):
    out = tmp_path / "x.docx"
    assert run("scorecard", "thanhhoa-2020", "--unit", "Sở Y tế", "--out", out)[0] == 0
    t = [p.text for p in docx.Document(out).paragraphs]
    assert "Tổng điểm: 85.82 / 100 điểm; mức Tốt; xếp hạng 16/20 trong khối." in t
    assert any("chỉ có tổng điểm" in x for x in t)


def test_gap_is_rounded_up(tmp_path):
    data = tmp_path / "t.csv"
    data.write_text("khối,đơn vị,tổng điểm\nso,Sở X,84.9960\nso,Sở Y,69.9949\n", encoding="utf-8")
    texts = {}
    for unit in ("Sở X", "Sở Y"):
        out = tmp_path / f"{unit}.docx"
        assert run("scorecard", data, *MINI, "--unit", unit, "--out", out)[0] == 0
        texts[unit] = [p.text for p in docx.Document(out).paragraphs]
    # 85 - 84.996 = 0.004: shown as 0.01 (rounding half-up would say 0.00, as if reached).
    assert "Tổng điểm: 85.00 / 100 điểm; mức Khá; xếp hạng 1/2 trong khối." in texts["Sở X"]
    assert "Còn thiếu 0.01 điểm để đạt mức Tốt (từ 85 điểm đến 100 điểm)." in texts["Sở X"]
    assert "Còn thiếu 0.01 điểm để đạt mức Khá (từ 70 điểm đến dưới 85 điểm)." in texts["Sở Y"]


def test_unknown_unit_exits_2(tmp_path):
    code, _, err = run("scorecard", DATA / "mini.csv", *MINI, "--unit", "Sở Không Có", "--out", tmp_path / "x.docx")
    assert code == 2 and "Sở Không Có" in err and "Traceback" not in err


# --- the report -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_mini(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "bao-cao.docx"
    code, _, err = run("report", DATA / "mini.csv", *MINI, "--out", out)
    assert code == 0, err
    return docx.Document(out)


def test_report_counts_per_level_and_group(report_mini):
    counts = next(t for t in report_mini.tables if t.rows[0].cells[0].text == "Khối")
    rows = [[c.text for c in r.cells] for r in counts.rows]
    assert rows[0] == ["Khối", "Mức Tốt", "Mức Khá", "Mức Trung bình", "Mức Yếu", "Cộng"]
    # Sở B 88.24 Tốt, Sở A 74.50 Khá; Huyện C: 27 Yếu (see test_documents_annex).
    assert rows[1] == ["Khối sở", "1", "1", "0", "0", "2"]
    assert rows[2] == ["Khối huyện", "0", "0", "0", "1", "1"]
    assert rows[3] == ["Cộng", "1", "1", "0", "1", "3"]
    t = [p.text for p in report_mini.paragraphs]
    assert "- Khối sở: cao nhất 88.24 (Sở B), thấp nhất 74.50 (Sở A), bình quân 81.37." in t


def test_report_charts_at_print_resolution(report_mini):
    import io

    from PIL import Image

    shapes = report_mini.inline_shapes
    # distribution, shares per criteria group, one ranked-bar chart per group
    assert len(shapes) == 4
    captions = [p.text for p in report_mini.paragraphs if p.text.startswith("Hình ")]
    assert captions == [
        "Hình 1. Phân bố tổng điểm theo khối",
        "Hình 2. Điểm bình quân theo nhóm tiêu chí (% điểm tối đa)",
        "Hình 3. Xếp hạng khối sở",
        "Hình 4. Xếp hạng khối huyện",
    ]
    for shape in shapes:
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        image = report_mini.part.related_parts[blip.embed].image
        assert abs(shape.width.mm - 155) < 0.5
        px = Image.open(io.BytesIO(image.blob)).size[0]
        assert px / (155 / 25.4) >= 250  # at least 250 pixels per inch as printed


def test_report_method_and_tables(report_mini):
    t = [p.text for p in report_mini.paragraphs]
    assert "BÁO CÁO" in t and "I. PHƯƠNG PHÁP ĐÁNH GIÁ" in t and "III. ĐỀ XUẤT" in t
    assert any(x.startswith("2. Xếp loại theo tổng điểm: mức Tốt: từ 85 điểm đến 100 điểm; mức Khá") for x in t)
    ranking_tables = [tb for tb in report_mini.tables if tb.rows[0].cells[0].text == "STT" and len(tb.columns) == 4]
    assert [[c.text for c in r.cells] for r in ranking_tables[0].rows][2] == ["1", "Sở B", "88.24", "1"]


def test_share_table_by_hand():
    from decimal import Decimal

    from xephang.documents.charts import criteria_share_table
    from xephang.pipeline import load_period

    ranking = load_period(str(DATA / "mini.csv"), str(DATA / "mini.yaml"))
    shares = {g.id: v for g, v in criteria_share_table(ranking).items()}
    # infra: Sở B 40/40, Sở A 25.5/40 -> (40 + 25.5) / 80 = 81.875 %; services applies to Sở A only: 13/15.
    assert shares["so"]["infra"] == Decimal("81.875")
    assert round(shares["so"]["services"], 6) == round(Decimal(13) * 100 / 15, 6)
    assert "penalties" not in shares["so"]
