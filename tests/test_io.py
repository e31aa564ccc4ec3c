"""Reading period files: layouts, number formats, and one clear located message per bad input."""

from decimal import Decimal

import openpyxl
import pytest

from xephang.errors import InputError
from xephang.io import read_period
from xephang.numbers import from_fixed

HEAD = "khối,đơn vị,staff,with_pc,av_ratio,mbps,has_fw,n_meet,head_kind,wan_r,apps,std_a,std_b,council_pts,late"
ROW_A = "so,Sở A,100,90,0.5,200,có,3,Chủ tịch,1,5,không,có,8,1"


def error(mini, write, text, name="p.csv") -> InputError:
    with pytest.raises(InputError) as e:
        read_period(write(name, text), mini)
    return e.value


def test_totals_layout_with_vietnamese_headers_and_numbers(mini, write):
    f = write("kq.csv", "Khối;Đơn vị;Tổng điểm;Xếp hạng\nsở;Sở A;85,03;1\nKhối huyện;Huyện B;84.23;1\n")
    data = read_period(f, mini)
    assert data.kind == "totals"
    assert [(u.group, u.name, from_fixed(u.total)) for u in data.units] == [
        ("so", "Sở A", Decimal("85.03")),
        ("huyen", "Huyện B", Decimal("84.23")),
    ]


def test_names_are_nfc_and_spaces_folded(mini, write):
    decomposed = "Sở Y te\u0302\u0301"  # "tế" typed with a combining accent
    data = read_period(write("kq.csv", f"group,unit,total\nso,  {decomposed}  ,90\n"), mini)
    assert data.units[0].name == "Sở Y tế"


def test_inputs_layout_by_label_columns(mini, write):
    f = write("p.csv", f"{HEAD}\n{ROW_A}\n".replace("staff", "Tổng số cán bộ"))
    data = read_period(f, mini)
    assert data.kind == "inputs" and from_fixed(data.values["staff"][0]) == 100


@pytest.mark.parametrize(
    "text, row, column, fragment",
    [
        (f"{HEAD}\n{ROW_A.replace(',100,90,', ',100,chín mươi,')}", 2, "with_pc", "không phải là một số"),
        (f"{HEAD}\n{ROW_A.replace(',100,90,', ',100,-9,')}", 2, "with_pc", "giá trị âm"),
        (f"{HEAD}\n{ROW_A.replace(',0.5,', ',1.5,')}", 2, "av_ratio", "lớn hơn 1"),
        (f"{HEAD}\n{ROW_A.replace(',0.5,', ',150%,')}", 2, "av_ratio", "lớn hơn 1"),
        (f"{HEAD}\n{ROW_A.replace(',100,90,', ',100,120,')}", 2, "with_pc", "lớn hơn 'Tổng số cán bộ' (100)"),
        (f"{HEAD}\n{ROW_A}\n{ROW_A.replace('Sở A', ' sở  a ')}", 3, "đơn vị", "bị trùng với dòng 2"),
        (f"{HEAD}\n{ROW_A.replace('so,', 'xa,', 1)}", 2, "khối", "khối 'xa' không có"),
        (f"{HEAD}\n{ROW_A.replace(',có,3,', ',có,3.5,')}", 2, "n_meet", "không phải số nguyên"),
        (f"{HEAD}\n{ROW_A.replace(',có,3,', ',có,,')}", 2, "n_meet", "ô trống"),
        (f"{HEAD}\n{ROW_A.replace(',có,3,', ',hình như,3,')}", 2, "has_fw", "cần 'có' hoặc 'không'"),
        (f"{HEAD}\n{ROW_A.replace('Chủ tịch', 'Bí thư')}", 2, "head_kind", "một trong 'Chủ tịch'"),
        (f"{HEAD}\n{ROW_A.replace(',200,', ',1.234,')}", 2, "mbps", "hai cách"),
        (f"{HEAD}\n{ROW_A.replace(',100,90,', ',KAD,90,')}", 2, "staff", "không áp dụng"),
    ],
)
def test_bad_values_are_located(mini, write, text, row, column, fragment):
    e = error(mini, write, text + "\n")
    assert (e.location.file, e.location.row, e.location.column) == ("p.csv", row, column)
    assert fragment in e.message
    assert str(e).startswith(f"tệp p.csv, dòng {row}, cột '{column}': ")


def test_missing_column(mini, write):
    e = error(mini, write, HEAD.replace(",late", "") + "\n" + ROW_A.rsplit(",", 1)[0] + "\n")
    assert "thiếu cột 'late'" in e.message and e.location.row == 1


def test_unknown_column(mini, write):
    e = error(mini, write, HEAD + ",mau_sac\n" + ROW_A + ",đỏ\n")
    assert e.location.column == "mau_sac" and "không có trong bộ tiêu chí" in e.message


def test_total_above_scale(mini, write):
    e = error(mini, write, "khối,đơn vị,tổng điểm\nso,Sở A,100.5\n")
    assert "ngoài thang điểm 0 đến 100" in e.message and e.location.row == 2


def test_no_unit_column(mini, write):
    assert "thiếu cột tên đơn vị" in error(mini, write, "khối,tổng điểm\nso,90\n").message


def test_not_csv_or_excel(mini, write, tmp_path):
    assert "cần tệp CSV (.csv) hoặc Excel (.xlsx)" in error(mini, write, "x", name="p.pdf").message
    bad = tmp_path / "p.xlsx"
    bad.write_bytes(b"not a zip at all")
    with pytest.raises(InputError, match="không phải là Excel .xlsx hợp lệ"):
        read_period(bad, mini)
    latin = tmp_path / "l.csv"
    latin.write_bytes("khối,đơn vị,tổng điểm\nso,Sở A,90\n".encode("cp1258", errors="replace"))
    with pytest.raises(InputError, match="UTF-8"):
        read_period(latin, mini)
    with pytest.raises(InputError, match="không tìm thấy tệp"):
        read_period(tmp_path / "none.csv", mini)


def test_excel_errors_name_sheet_and_cell(mini, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Kết quả"
    ws.append(["Bảng tổng hợp điểm năm 2020"])  # a title above the header is allowed
    ws.append(["Khối", "Đơn vị", "Tổng điểm"])
    ws.append(["so", "Sở A", 85.03])
    ws.append(["so", "Sở B", "tám mươi"])
    path = tmp_path / "kq.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as e:
        read_period(path, mini)
    assert str(e.value).startswith("tệp kq.xlsx, trang tính 'Kết quả', ô C4, cột 'Tổng điểm': ")


def test_excel_numbers_keep_their_typed_value(mini, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["group", "unit", "total"])
    ws.append(["so", "Sở A", 85.03])  # a binary float in the file; read as the 85.03 the clerk typed
    path = tmp_path / "kq.xlsx"
    wb.save(path)
    assert from_fixed(read_period(path, mini).units[0].total) == Decimal("85.03")


def test_template_round_trip(mini, tmp_path):
    """The offline template, filled in as a clerk would (labels row untouched), reads back."""
    from xephang.io import write_template

    path = write_template(mini, tmp_path / "mau.xlsx", group="Khối huyện", units=["Huyện C"])
    wb = openpyxl.load_workbook(path)
    ws = wb["Báo cáo"]
    ids = [c.value for c in ws[4]]
    assert ids[:2] == ["khối", "đơn vị"] and "staff" in ids and "late" in ids
    assert [ws.cell(5, 1).value, ws.cell(5, 2).value] == ["huyen", "Huyện C"]
    assert any("có,không" in (dv.formula1 or "") for dv in ws.data_validations.dataValidation)
    filled = dict(
        staff=10,
        with_pc=5,
        av_ratio="25%",
        mbps=10,
        has_fw="có",
        n_meet=0,
        head_kind="Không có",
        wan_r=0.5,
        apps=1,
        std_a="có",
        std_b="không",
        council_pts=0,
        late=10,
    )
    for col, key in enumerate(ids, start=1):
        if key in filled:
            ws.cell(5, col, filled[key])
    wb.save(path)
    data = read_period(path, mini)
    assert [u.name for u in data.units] == ["Huyện C"]
    assert from_fixed(data.values["av_ratio"][0]) == Decimal("0.25")
    assert wb["Hướng dẫn"]["A5"].value == "khối"
