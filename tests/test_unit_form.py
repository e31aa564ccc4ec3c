"""The one Excel form a unit fills in (``xephang template`` and the web's download): labels, allowed values
and ids in its head, answers restricted where Excel can, text kept as typed, every text made safe, and
read back by the core's reader with located Vietnamese errors; files of the earlier layouts still read."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from xephang.display import input_bounds
from xephang.errors import InputError
from xephang.io import read_period
from xephang.io.template import (
    BOUNDS_ROW,
    FIRST_ROW,
    FORM_SHEET,
    ID_ROW,
    LABEL_ROW,
    FormRow,
    form_bytes,
    read_form,
    typed_texts,
    unit_form,
    write_template,
)
from xephang.numbers import from_fixed

FILLED = dict(
    staff="10",
    with_pc="5",
    av_ratio="25%",
    mbps="10",
    has_fw="có",
    n_meet="0",
    head_kind="Không có",
    wan_r="0,5",
    apps="1",
    std_a="có",
    std_b="không",
    council_pts="0",
    late="10",
)


def _ids(ws) -> list:
    return [c.value for c in ws[ID_ROW] if c.value is not None]


def test_the_head_has_labels_allowed_values_and_ids(mini):
    wb = unit_form(mini, "huyen", [FormRow("huyen", "Huyện C")], title="Biểu mẫu báo cáo Năm 2025 — Huyện C")
    ws = wb[FORM_SHEET]
    inputs = mini.inputs_for("huyen")
    assert _ids(ws) == ["khối", "đơn vị", *[i.id for i in inputs]]
    assert [c.value for c in ws[LABEL_ROW]][2 : 2 + len(inputs)] == [i.label for i in inputs]
    bounds = {ws.cell(ID_ROW, k).value: ws.cell(BOUNDS_ROW, k).value for k in range(3, 3 + len(inputs))}
    assert bounds["with_pc"] == input_bounds(mini.inputs["with_pc"], mini.inputs["staff"])
    assert bounds["with_pc"] == "từ 0 trở lên, số nguyên, không lớn hơn 'Tổng số cán bộ' (người)"
    assert ws["A1"].value == "Biểu mẫu báo cáo Năm 2025 — Huyện C" and "không sửa dòng 4" in ws["C1"].value
    assert ws.freeze_panes == f"C{FIRST_ROW}" and ws.print_title_rows == "$1:$4"
    assert ws.page_setup.orientation == "landscape"
    # text kept as typed (85,03 stays 85,03); answers restricted where the input has a list of them
    assert ws.cell(FIRST_ROW, 3).number_format == "@"
    head_col = _ids(ws).index("head_kind") + 1
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    head = next(dv for dv in lists if f"{openpyxl.utils.get_column_letter(head_col)}{FIRST_ROW}" in str(dv.sqref))
    assert [o.label for o in mini.inputs["head_kind"].options] == head.formula1.strip('"').split(",")
    assert any(dv.prompt and "từ 0 trở lên" in dv.prompt for dv in ws.data_validations.dataValidation)
    assert wb["Hướng dẫn"]["A5"].value == "khối"


def test_a_prefilled_form_reads_back_as_the_same_texts(mini, tmp_path):
    wb = unit_form(mini, "huyen", [FormRow("huyen", "Huyện C", FILLED)], stamp="7/8/3")
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(form_bytes(wb))
    form = read_form(path, mini)
    assert form.stamp == "7/8/3" and [u.name for u in form.data.units] == ["Huyện C"]
    assert from_fixed(form.data.values["wan_r"][0]) == Decimal("0.5")
    texts = typed_texts(mini, form.data, 0, "huyen")
    assert texts["head_kind"] == "Không có" and texts["has_fw"] == "có" and texts["wan_r"] == "0.5"
    assert texts["av_ratio"] == "0.25" and texts["staff"] == "10"


def test_a_bad_cell_is_named_by_sheet_cell_column_and_what_was_expected(mini, tmp_path):
    path = write_template(mini, tmp_path / "mau.xlsx", group="huyen", units=["Huyện C"])
    wb = openpyxl.load_workbook(path)
    ws = wb[FORM_SHEET]
    ids = _ids(ws)
    for col, key in enumerate(ids, start=1):
        if key in FILLED:
            ws.cell(FIRST_ROW, col, FILLED[key])
    col = ids.index("staff") + 1
    ws.cell(FIRST_ROW, col, "mười")
    wb.save(path)
    with pytest.raises(InputError) as e:
        read_period(path, mini)
    letter = openpyxl.utils.get_column_letter(col)
    assert str(e.value).startswith(f"tệp mau.xlsx, trang tính 'Báo cáo', ô {letter}{FIRST_ROW}, cột 'staff': ")
    assert "'Tổng số cán bộ': số nguyên không âm" in e.value.message


def test_names_that_a_spreadsheet_would_run_are_written_as_text(mini, tmp_path):
    path = write_template(mini, tmp_path / "mau.xlsx", units=['=HYPERLINK("http://x","Sở A")', "Sở B"])
    ws = openpyxl.load_workbook(path)[FORM_SHEET]
    assert ws.cell(FIRST_ROW, 2).value == '\'=HYPERLINK("http://x","Sở A")' and ws.cell(FIRST_ROW, 2).data_type == "s"
    assert ws.cell(FIRST_ROW + 1, 2).value == "Sở B"
    # several groups: the group cell is a list of the set's group ids
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list" and f"A{FIRST_ROW}" in str(dv.sqref)]
    assert lists and lists[0].formula1 == '"' + ",".join(g.id for g in mini.groups) + '"'


def test_a_form_of_the_earlier_command_line_layout_still_reads(mini, tmp_path):
    """Sheet "Số liệu": labels in row 1, ids in row 2, units from row 3 (``xephang template`` before)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    inputs = mini.inputs_for("huyen")
    ws.append(["Khối (mã)", "Đơn vị được đánh giá", *[i.label for i in inputs]])
    ws.append(["khối", "đơn vị", *[i.id for i in inputs]])
    ws.append(["huyen", "Huyện C", *[FILLED.get(i.id, "") for i in inputs]])
    path = tmp_path / "mau-cu.xlsx"
    wb.save(path)
    form = read_form(path, mini)
    assert form.stamp is None and form.data.sheet == "Số liệu"
    assert typed_texts(mini, form.data, 0, "huyen")["late"] == "10"


def test_ids_with_an_underscore_x_keep_their_spelling_in_a_spreadsheet(tmp_path):
    """``huyen_thi_xa_thanh_pho`` holds ``_xa_``, which LibreOffice opens as a line break unless the
    underscore is written as its code; the reader gets the ids and group back as they are."""
    from xephang.framework import load_framework
    from xephang.io.cells import xlsx_text

    assert xlsx_text("huyen_thi_xa_thanh_pho") == "huyen_thi_x005F_xa_thanh_pho"
    assert xlsx_text("so_cbcc_xa") == "so_cbcc_xa" and xlsx_text("=1+1") == "'=1+1"
    fw = load_framework("thanhhoa-2016")
    group = "huyen_thi_xa_thanh_pho"
    path = write_template(fw, tmp_path / "mau.xlsx", group=group, units=["UBND huyện Hà Trung"])
    ws = openpyxl.load_workbook(path)[FORM_SHEET]
    ids = [c.value for c in ws[ID_ROW]]
    for col, key in enumerate(ids[2:], start=3):
        inp = fw.inputs[key.replace("_x005F_", "_")]
        ws.cell(
            FIRST_ROW, col, {"yesno": "không", "choice": inp.options[0].label if inp.options else ""}.get(inp.type, "0")
        )
    ws.parent.save(path)
    data = read_period(path, fw)
    assert data.units[0].group == group and data.values["so_xa_dung_qlvb"][0] == 0


def test_the_slower_reader_decodes_the_ids_as_the_fast_one(tmp_path):
    """A workbook the fast reader cannot open is read by openpyxl, which leaves ``_x005F_`` as written."""
    from xephang.framework import load_framework
    from xephang.io.reader import _read_xlsx_calamine, _read_xlsx_openpyxl

    fw = load_framework("thanhhoa-2016")
    path = write_template(fw, tmp_path / "mau.xlsx", group="huyen_thi_xa_thanh_pho", units=["UBND huyện Hà Trung"])
    fast, slow = _read_xlsx_calamine(path, "mau.xlsx", None), _read_xlsx_openpyxl(path, "mau.xlsx", None)
    assert slow.header == fast.header and "so_xa_dung_qlvb" in slow.header
    assert slow.rows[0][1][:2] == fast.rows[0][1][:2] == ["huyen_thi_xa_thanh_pho", "UBND huyện Hà Trung"]
