"""The command-line verbs on a criteria set written in the criteria language (tests/data/ngon-ngu):
derived values, a period parameter, a list input, a condition and the regulation's own numbering."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from xephang.cli import main

PERIOD = Path(__file__).parent / "data" / "ngon-ngu" / "period.yaml"


def _cli(*args) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main([*map(str, args)]) == 0
    return out.getvalue()


def _cli_totals(*extra) -> dict[str, str]:
    doc = json.loads(_cli("rank", PERIOD, "--json", *extra))
    return {u["unit"]: u["shown"] for u in doc["units"]}


@pytest.mark.parametrize("verb", ["gap", "robustness", "components", "checks"])
def test_analysis_verbs_on_a_set_in_the_criteria_language(verb):
    text = _cli(verb, PERIOD, *(["--draws", "20", "--input-uncertainty", "5%"] if verb == "robustness" else []))
    assert "UBND phường Ngọc Trạo" in text or verb == "checks" and "UBND phường Đông Sơn" in text
    if verb == "checks":  # 6 documents of the 4 the province asks for is no part larger than its whole
        assert "lớn hơn 1" not in text
    if verb == "gap":
        # A condition not met and a figure behind a derived value are named, with what to do.
        assert "đáp ứng điều kiện tính điểm co_trung_tam_du_lieu (Có Trung tâm dữ liệu)" in text
        assert "Số văn bản chỉ đạo về CĐS do người đứng đầu ký: thêm 1 văn bản (từ 3 lên 4 trên tổng 4)" in text
        assert "Các ứng dụng khai thác trên mạng WAN: thêm 2 mục (từ 3 lên 5)" in text


def test_checks_show_list_items_and_find_criteria_behind_derived_values(tmp_path):
    ev = tmp_path / "minh-chung.csv"
    ev.write_text("đơn vị,chỉ tiêu,tài liệu kiểm chứng\nUBND xã Nga Sơn,so_van_ban,QĐ 12\n", encoding="utf-8")
    text = _cli("checks", PERIOD, "--evidence", ev)
    assert "Các ứng dụng khai thác trên mạng WAN: 2 mục (Quản lý văn bản; Một cửa điện tử)" in text
    assert "UBND phường Đông Sơn (dòng 2, xa_thu) [chu_tri]" in text  # read through ty_le_chu_tri


def test_robustness_says_a_derived_value_is_not_a_figure_to_perturb():
    assert main(["robustness", str(PERIOD), "--input-uncertainty", "ty_le_chu_tri=5%"]) == 2


def test_documents_print_the_parameter_and_the_regulations_numbers(tmp_path):
    import docx

    def text_of(path):
        d = docx.Document(path)
        return "\n".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells])

    _cli("decision", PERIOD, "--out", tmp_path / "qd.docx")
    _cli("report", PERIOD, "--out", tmp_path / "bc.docx", "--draws", "20")
    _cli("scorecard", PERIOD, "--unit", "Nga Sơn", "--out", tmp_path / "phieu.docx")
    _cli("annex", PERIOD, "--out", tmp_path / "pl.xlsx")
    param = "Số văn bản chỉ đạo về CĐS theo yêu cầu của tỉnh: 4 văn bản"
    for name in ("qd.docx", "bc.docx", "phieu.docx"):
        assert param in text_of(tmp_path / name), name
    card = text_of(tmp_path / "phieu.docx")
    assert "\n5.2\n" in card and "\n6\n" in card and "\n2.2\n" not in card
    report = text_of(tmp_path / "bc.docx")
    assert "\n5\n" in report and "\n7\n" in report  # criteria groups numbered as the regulation does
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "pl.xlsx")
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert any(param in c for c in cells)
    # A parameter given on the command line wins over the period file and changes the scores.
    assert _cli_totals("--param", "so_van_ban_yeu_cau=6")["UBND xã Nga Sơn"] == "37.00"  # 3/6 × 20 = 10
