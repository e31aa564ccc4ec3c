"""The report's analysis sections: per-component ranks, rank robustness, year over year
(``xephang report FILE --previous OLD --lineage L``). Figures worked out by hand from the test data."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from documents_helpers import run

DATA = Path(__file__).parent / "data"
A = DATA / "analysis"
MINI = ("--framework", DATA / "mini.yaml")


def _texts(path):
    d = docx.Document(path)
    return d, [p.text for p in d.paragraphs]


def _table(d, first: str, n: int = 0):
    return [[c.text for c in r.cells] for r in [t for t in d.tables if t.rows[0].cells[0].text == first][n].rows]


@pytest.fixture(scope="module")
def inputs_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("r") / "bao-cao.docx"
    code, _, err = run(
        "report",
        A / "mini-2022.csv",
        *MINI,
        "--previous",
        DATA / "mini.csv",
        "--previous-framework",
        DATA / "mini.yaml",
        "--draws",
        "200",
        "--out",
        out,
    )
    assert code == 0, err
    return _texts(out)


def test_component_ranks_table(inputs_report):
    d, t = inputs_report
    assert "5. Thứ hạng theo từng nhóm tiêu chí (cùng quy tắc đồng điểm; —: nhóm tiêu chí không áp dụng):" in t
    rows = _table(d, "Đơn vị")
    assert rows[0] == ["Đơn vị", "Hạng chung", "1", "2", "3", "4"]
    # Infrastructure: Sở B 40 > Sở A 25.5 + 2 (all staff with a computer now); operations: Sở A 30
    # (firewall 5, 3 meetings 15, chairman 10) > Sở B 25 (no firewall, 5 meetings 20, vice-chairman 5);
    # public services do not apply to Sở B.
    assert rows[1] == ["Sở B", "1", "1", "2", "—", "1"]
    assert rows[2] == ["Sở A", "2", "2", "1", "1", "2"]


def test_robustness_section_in_small_groups(inputs_report):
    _, t = inputs_report
    k = t.index("6. Độ vững của thứ hạng:")
    assert t[k + 1].startswith(
        "Mô phỏng 200 lần (hạt giống 1), mỗi lần thay đổi: trọng số (điểm tối đa) từng nhóm tiêu chí ± 10 %"
    )
    # Groups of two and one unit: no chart, one line each. Sở B 88.24 vs Sở A 78.5: ±10 % on the weights
    # cannot close almost 10 points, so each keeps its rank in every draw.
    assert "- Sở B (Khối sở): hạng 1, khoảng 5–95 %: hạng 1–1." in t
    assert "- Huyện C (Khối huyện): hạng 1, khoảng 5–95 %: hạng 1–1." in t


def test_year_over_year_section(inputs_report):
    d, t = inputs_report
    assert "7. So sánh với kỳ mini.csv:" in t
    rows = _table(d, "Hạng")
    assert rows[0] == ["Hạng", "Đơn vị", "Tổng điểm", "± điểm", "Hạng trước", "Mức"]
    # Sở A: all 100 staff with a computer (+2: 18 -> 20 of 20) and no late report (+2 deducted no
    # more): 74.50 -> 78.50. Sở B unchanged. Huyện C: 4 meetings instead of 0 (+20).
    assert rows[1] == ["1", "Sở B", "88.24", "0.00", "1 (=)", "Tốt"]
    assert rows[2] == ["2", "Sở A", "78.50", "+4.00", "2 (=)", "Khá"]
    assert _table(d, "Hạng", 1)[1] == ["1", "Huyện C", "47.00", "+20.00", "1 (=)", "Yếu"]
    # The proposal keeps its place after the results.
    assert t.index("III. ĐỀ XUẤT") > t.index("7. So sánh với kỳ mini.csv:")


def test_totals_only_with_lineage_and_robustness_not_computed(tmp_path):
    out = tmp_path / "r.docx"
    code, _, err = run(
        "report",
        A / "totals-2022.csv",
        *MINI,
        "--previous",
        A / "totals-2021.csv",
        "--previous-framework",
        DATA / "mini.yaml",
        "--lineage",
        A / "lineage.yaml",
        "--out",
        out,
    )
    assert code == 0, err
    d, t = _texts(out)
    k = next(i for i, x in enumerate(t) if x.endswith(". Độ vững của thứ hạng:"))
    assert (
        t[k + 1].startswith(
            "Chưa đánh giá được: kỳ này chỉ có tổng điểm đã công bố nên không thể thay đổi trọng số tiêu chí"
        )
        and "--total-uncertainty" in t[k + 1]
    )
    assert not any(x.startswith(("5. Thứ hạng theo từng nhóm")) for x in t)  # no criterion scores
    rows = {r[1].rstrip("*"): r for r in _table(d, "Hạng")}
    # Sở A 80 (2nd) -> 86 (1st), Khá -> Tốt; Sở XY merged from Sở X 60 and Sở Y 75: mean 67.5 -> 70
    assert rows["Sở A"] == ["1", "Sở A", "86.00", "+6.00", "2 (↑1)", "Khá → Tốt"]
    assert rows["Sở XY"][1:] == ["Sở XY*", "70.00", "+2.50", "—", "Trung bình → Khá"]
    assert any(x.startswith("* Sở XY: ") and "bình quân" in x for x in t)
    assert "Không còn trong kỳ này: Huyện E." in t


def test_totals_only_with_total_uncertainty_draws_the_chart(tmp_path):
    out = tmp_path / "r.docx"
    code, _, err = run(
        "report", A / "totals-2022.csv", *MINI, "--total-uncertainty", "3", "--draws", "200", "--out", out
    )
    assert code == 0, err
    d, t = _texts(out)
    assert any("tổng điểm công bố ± 3 điểm" in x for x in t)
    assert any(x.startswith("Hình ") and "Khoảng thứ hạng 5–95 %" in x for x in t)
    # Each total ± 3: neighbours closer than 6 points can swap. Sở A 86 / Sở B 84.5 (1.5 apart, about
    # 0.5 × 4.5² / 36 = 28 % of draws) and Sở Mới 72 / Sở XY 70 (2 apart, 22 %) do; Sở B / Sở Mới
    # (12.5 apart) never: 2 of the 3 pairs.
    assert any(
        x.startswith("Các cặp thứ hạng liền kề không khác biệt rõ") and "khối sở: 2/3 cặp" in x and "Sở A / Sở B" in x
        for x in t
    )


def test_bad_options_exit_2(tmp_path):
    code, _, err = run(
        "report", DATA / "mini.csv", *MINI, "--lineage", A / "lineage.yaml", "--out", tmp_path / "r.docx"
    )
    assert code == 2 and "--lineage chỉ dùng cùng --previous" in err
    code, _, err = run("report", DATA / "mini.csv", *MINI, "--draws", "-1", "--out", tmp_path / "r.docx")
    assert code == 2 and "không được âm" in err
