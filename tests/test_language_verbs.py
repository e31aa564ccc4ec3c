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
    assert _cli_totals("--param", "so_van_ban_yeu_cau=6")["UBND xã Nga Sơn"] == "39.50"  # 3/6 × 20 = 10, not 15


def _without_measured(tmp_path) -> Path:
    """A copy of the period whose data file lacks the measured figures: the online-service share left
    blank, the survey column absent."""
    import csv
    import shutil

    folder = tmp_path / "ky"
    shutil.copytree(PERIOD.parent, folder)
    rows = list(csv.reader((folder / "so-lieu.csv").open(encoding="utf-8")))
    head = rows[0]
    drop = head.index("ty_le_hai_long")
    for r in rows[1:]:
        r[head.index("ty_le_ho_so_truc_tuyen")] = ""
    rows = [r[:drop] + r[drop + 1 :] for r in rows]
    with (folder / "so-lieu.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return folder


def test_import_measured_fills_the_period_and_stamps_source_and_date(tmp_path):
    import yaml

    folder = _without_measured(tmp_path)
    out = _cli("import-measured", folder / "do-luong.csv", "--period", folder / "period.yaml")
    assert "Đã nhập 8 số liệu" in out and "hệ thống đo tự động, ngày 2025-11-30" in out
    assert "UBND xã Nga Sơn: 4 phiếu: Rất hài lòng 1 (100 %); Hài lòng 1 (60 %); Bình thường 2 (20 %) → 0.5" in out
    # The survey share from the answer counts is exactly the share the complete file gives.
    assert _cli_totals_of(folder / "period.yaml") == _cli_totals()
    stamps = yaml.safe_load((folder / "so-lieu-do.yaml").read_text(encoding="utf-8"))["figures"]
    quan_hoa = next(s for s in stamps if s["unit"] == "UBND xã Quan Hóa" and s["input"] == "ty_le_hai_long")
    assert quan_hoa["source"] == "survey" and quan_hoa["date"] == "2025-11-15" and quan_hoa["value"] == "0.3"
    assert quan_hoa["answers"] == {"rat_hai_long": 0, "hai_long": 1, "binh_thuong": 3, "khong_hai_long": 0}
    # explain says where each measured figure comes from and when it was measured; a self-reported one is plain.
    trace = _cli("explain", folder / "period.yaml", "--unit", "UBND xã Quan Hóa")
    assert (
        "• Tỷ lệ hồ sơ trực tuyến toàn trình: 0.4 (hệ thống đo tự động, ngày 30/11/2025, tệp do-luong.csv)\n" in trace
    )
    assert (
        "• Tỷ lệ hài lòng có trọng số: 0.3 (điều tra xã hội học, 4 phiếu, ngày 15/11/2025, tệp do-luong.csv)\n" in trace
    )
    assert "• Số cuộc họp do Bí thư/Chủ tịch chủ trì: 2 cuộc\n" in trace
    # A figure edited in the data file after the import is not passed off as the measured one.
    import csv

    rows = list(csv.reader((folder / "so-lieu.csv").open(encoding="utf-8")))
    quan_hoa_row = next(r for r in rows if r[1] == "UBND xã Quan Hóa")
    quan_hoa_row[rows[0].index("ty_le_ho_so_truc_tuyen")] = "0.5"
    with (folder / "so-lieu.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    trace = _cli("explain", folder / "period.yaml", "--unit", "UBND xã Quan Hóa")
    assert (
        "• Tỷ lệ hồ sơ trực tuyến toàn trình: 0.5 (khác số liệu đo đã nhập: 0.4, hệ thống đo tự động, "
        "ngày 30/11/2025, tệp do-luong.csv)"
    ) in trace


def _cli_totals_of(period) -> dict[str, str]:
    doc = json.loads(_cli("rank", period, "--json"))
    return {u["unit"]: u["shown"] for u in doc["units"]}


def test_a_bad_feed_lists_every_problem_located_and_changes_nothing(tmp_path, capsys):
    folder = _without_measured(tmp_path)
    before = (folder / "so-lieu.csv").read_bytes()
    feed = tmp_path / "do-luong-loi.csv"
    feed.write_text(
        "đơn vị,chỉ tiêu,phương án,giá trị,ngày\n"
        "UBND xã Không Có,ty_le_ho_so_truc_tuyen,,90%,30/11/2025\n"
        "UBND xã Nga Sơn,so_van_ban,,3,30/11/2025\n"
        "UBND xã Nga Sơn,ty_le_ho_so_truc_tuyen,,120,30/11/2025\n"
        "UBND xã Nga Sơn,ty_le_hai_long,Rất không hài lòng,2,15/11/2025\n"
        "UBND xã Quan Hóa,ty_le_hai_long,Hài lòng,hai,31/02/2025\n",
        encoding="utf-8",
    )
    assert main(["import-measured", str(feed), "--period", str(folder / "period.yaml")]) == 2
    err = capsys.readouterr().err
    assert "5 lỗi trong tệp số liệu đo do-luong-loi.csv; không nhập gì từ tệp này" in err
    assert "dòng 2, cột 'đơn vị': 'UBND xã Không Có' không phải đơn vị của kỳ đánh giá" in err
    assert (
        "dòng 3, cột 'chỉ tiêu': chỉ tiêu 'Số văn bản chỉ đạo về CĐS do người đứng đầu ký' do đơn vị tự báo cáo" in err
    )
    assert "dòng 4, cột 'giá trị': tỷ lệ 120 lớn hơn 1" in err
    assert "dòng 5, cột 'phương án': 'Rất không hài lòng' không phải phương án của 'Tỷ lệ hài lòng có trọng số'" in err
    assert "dòng 6, cột 'ngày': '31/02/2025' không phải ngày" in err
    assert (folder / "so-lieu.csv").read_bytes() == before and not (folder / "so-lieu-do.yaml").exists()


def test_survey_weights_are_declared_and_checked_by_the_loader():
    from xephang.errors import FrameworkError
    from xephang.framework import parse_framework

    text = (PERIOD.parent / "bo-chi-so.yaml").read_text(encoding="utf-8")
    fw = parse_framework(text, "bo-chi-so.yaml")
    from xephang.numbers import SCALE

    assert [(o.label, o.weight) for o in fw.inputs["ty_le_hai_long"].survey] == [
        ("Rất hài lòng", SCALE),
        ("Hài lòng", SCALE * 6 // 10),
        ("Bình thường", SCALE // 5),
        ("Không hài lòng", 0),
    ]
    assert fw.measured_inputs() == {"ty_le_ho_so_truc_tuyen": "system-measured", "ty_le_hai_long": "survey"}
    with pytest.raises(FrameworkError, match="trọng số cần từ 0 đến 1"):
        parse_framework(text.replace("weight: 60%", "weight: 160%"), "bo-chi-so.yaml")
    with pytest.raises(FrameworkError, match="cần kiểu 'ratio'"):
        parse_framework(
            text.replace("        type: ratio\n        survey:", "        type: number\n        survey:"),
            "bo-chi-so.yaml",
        )
