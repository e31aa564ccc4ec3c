"""The annex workbook, read back with openpyxl; points of the mini set computed by hand.

mini.csv, Sở A: computers 90/100 x 20 = 18; antivirus 0.5 x 10 = 5; bandwidth (200/100) / best
(Sở B: 400/50 = 8) x 10 = 2.5; infra 25.5. firewall yes 5; 3 meetings 15; head Chủ tịch 10; ops 30.
wan 1 x 8 + min(5 x 0.5, 2) = 10; room best(A no 0, B yes 3) = 3; services 13. council 8. Late 1 x 2
= 2 deducted. Total 25.5 + 30 + 13 + 8 - 2 = 74.5.
Sở B: services not applicable (KAD): (20 + 10 + 10 + 0 + 20 + 5 + 10) / 85 x 100 = 88.235... -> 88.24.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from documents_helpers import REF, run, run_with_meta

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def mini_book(tmp_path_factory):
    out = tmp_path_factory.mktemp("annex") / "phu-luc.xlsx"
    code, _, err = run("annex", DATA / "mini.csv", "--framework", DATA / "mini.yaml", "--out", out)
    assert code == 0, err
    return openpyxl.load_workbook(out)


def header(ws) -> list[str]:
    """Column labels: the row-5 label, or the row-4 one where the two rows are merged."""
    out = []
    for c in range(1, ws.max_column + 1):
        out.append(ws.cell(5, c).value or ws.cell(4, c).value)
    return out


def rows(ws) -> list[dict]:
    labels = header(ws)
    out = []
    for r in range(6, ws.max_row + 1):
        if ws.cell(r, 2).value and isinstance(ws.cell(r, 1).value, int):
            out.append({labels[c - 1]: ws.cell(r, c).value for c in range(1, ws.max_column + 1)})
    return out


def test_sheets(mini_book):
    assert mini_book.sheetnames == ["Khối sở", "Khối huyện", "Bộ tiêu chí", "Lưu ý"]


def test_points_per_criterion_subtotals_total_level_rank(mini_book):
    so = rows(mini_book["Khối sở"])
    assert [r["Đơn vị"] for r in so] == ["Sở B", "Sở A"]
    a = so[1]
    expected = {
        "Tỷ lệ cán bộ có máy tính (20)": 18,
        "Tỷ lệ máy có phần mềm diệt virus (10)": 5,
        "Băng thông trên cán bộ (10)": Decimal("2.5"),
        "Có tường lửa (5)": 5,
        "Số cuộc họp ban chỉ đạo (20)": 15,
        "Trưởng ban chỉ đạo (10)": 10,
        "Mạng WAN (10)": 10,
        "Tỷ lệ đơn vị trực thuộc kết nối (8)": 8,
        "Ứng dụng trên WAN (2)": 2,
        "Phòng máy chủ (5)": 3,
        "Đạt tiêu chuẩn A (5)": 0,
        "Đạt tiêu chuẩn B (3)": 3,
        "Điểm hội đồng (tối đa 10)": 8,
        "Trừ điểm (tối đa 10)": 2,
        "Tổng điểm (tối đa 100)": Decimal("74.5"),
        "Mức": "Khá",
        "Xếp hạng": 2,
    }
    for key, value in expected.items():
        assert Decimal(str(a[key])) == value if not isinstance(value, str) else a[key] == value, key
    # Subtotals of the criteria groups: infra, ops, services.
    subtotals = [v for k, v in a.items() if k and k.startswith("Cộng")]
    assert [Decimal(str(v)) for v in subtotals] == [Decimal("25.5"), 30, 13]
    b = so[0]
    assert Decimal(str(b["Tổng điểm (tối đa 100)"])) == Decimal("88.24")
    assert b["Mức"] == "Tốt" and b["Xếp hạng"] == 1
    # Not applicable: the whole services group and every sub-item under it.
    ws = mini_book["Khối sở"]
    services = [c for c in range(1, ws.max_column + 1) if (ws.cell(4, c).value or "").startswith("Dịch vụ công")][0]
    assert [ws.cell(6, c).value for c in range(services, services + 7)] == ["KAD"] * 7


def test_header_layout_freeze_filter_formats(mini_book):
    ws = mini_book["Khối sở"]
    assert ws.freeze_panes == "C6"
    assert ws.auto_filter.ref == f"A5:{openpyxl.utils.get_column_letter(ws.max_column)}7"
    assert ws.cell(4, 3).value == "Hạ tầng (tối đa 40)"
    assert "C4:F4" in {str(r) for r in ws.merged_cells.ranges}  # the group over its 3 criteria + subtotal
    total_col = header(ws).index("Tổng điểm (tối đa 100)") + 1
    assert ws.cell(6, total_col).number_format == "0.00"
    assert ws.cell(6, 3).number_format == "0.00"
    assert ws.column_dimensions["B"].width >= len("Đơn vị")
    assert ws.print_title_rows == "$4:$5"


def test_framework_sheet_rules_in_words(mini_book):
    ws = mini_book["Bộ tiêu chí"]
    table = {r[0]: r for r in ws.iter_rows(values_only=True) if r[0]}
    assert table["computers"][1] == "Tỷ lệ cán bộ có máy tính"
    assert table["computers"][2] == 20
    assert table["computers"][4] == "(Số cán bộ có máy tính / Tổng số cán bộ) × 20"
    assert table["room"][4] == "lấy trường hợp cao điểm nhất trong các trường hợp"
    assert table["penalties"][5] == "trừ vào tổng điểm"
    assert table["services"][5] == "có thể không áp dụng"
    assert any(r[1] == "Tổng điểm đạt từ 70 điểm đến dưới 85 điểm" for r in ws.iter_rows(values_only=True))


def test_2020_annex_every_unit_and_warnings(tmp_path):
    out = tmp_path / "pl.xlsx"
    code, _, _ = run("annex", "thanhhoa-2020", "--out", out)
    assert code == 0
    wb = openpyxl.load_workbook(out)
    # Excel allows 31 characters: the second drops "Khối " rather than cutting "thành phố".
    assert wb.sheetnames[:2] == ["Khối sở, ban, ngành cấp tỉnh", "UBND huyện, thị xã, thành phố"]
    with REF.open(encoding="utf-8") as f:
        published = list(csv.DictReader(f))
    for ws, group in zip(wb.worksheets[:2], ("so_ban_nganh", "huyen_thi_xa_thanh_pho")):
        got = [
            (r["Đơn vị"], f"{Decimal(str(r['Tổng điểm (tối đa 100)'])):.2f}", str(r["Xếp hạng"]), r["Mức"])
            for r in rows(ws)
        ]
        assert got == [(p["unit"], p["total"], p["rank"], p["level"]) for p in published if p["group"] == group]
    notes = [r[0] for r in wb["Lưu ý"].iter_rows(values_only=True) if r[0]]
    assert any("UBND huyện Quảng Xương" in n and "85.03" in n for n in notes)
    assert any(n.startswith("Quy tắc khi bằng điểm: theo thứ tự trong bảng kết quả") for n in notes)


def test_long_sheet_names_are_cut_to_excels_limit():
    from xephang.documents.annex import _sheet_title

    taken: set[str] = set()
    a = _sheet_title("Khối UBND huyện, thị xã, thành phố trực thuộc tỉnh", taken)
    b = _sheet_title("Khối UBND huyện, thị xã, thành phố trực thuộc tỉnh", taken)
    assert len(a) <= 31 and len(b) <= 31 and a != b
    assert _sheet_title("Khối [a/b]: c?", taken) == "Khối  a b   c"


def group_head(ws, c) -> str:
    """The row-4 title over column c (merged cells keep it in their first column)."""
    while c > 2 and ws.cell(4, c).value is None:
        c -= 1
    return ws.cell(4, c).value or ""


def test_every_row_adds_up_to_its_shown_total(tmp_path):
    """Shown parts + the rounding column = the shown total, on the sample period (47 units, where
    rounded criteria points used to miss the total by 0.01–0.02 in 21 rows and a rescaled unit's
    parts summed to 66.95 beside a total of 77.86)."""
    out = tmp_path / "pl.xlsx"
    code, _, err = run("annex", "mau-thanhhoa-2016", "--out", out)
    assert code == 0, err
    wb = openpyxl.load_workbook(out)
    checked = rescaled = rounded = 0
    for ws in wb.worksheets[:2]:
        labels = header(ws)
        end = labels.index("Điểm đạt (cộng các nhóm tiêu chí)") + 1
        for k, r in enumerate(rows(ws)):
            line = FIRST = 6 + k
            # The criteria groups' points: the bold cells; a deduction's header says "trừ".
            tops = [c for c in range(3, end) if ws.cell(line, c).font.bold]
            plus = [
                c
                for c in tops
                if "trừ" not in (ws.cell(5, c).value or "").lower() and "trừ" not in group_head(ws, c).lower()
            ]
            assert len(plus) >= 5, FIRST
            earned = sum(Decimal(str(ws.cell(line, c).value)) for c in plus if ws.cell(line, c).value != "KAD")
            assert Decimal(str(r["Điểm đạt (cộng các nhóm tiêu chí)"])) == earned
            base = earned
            key = next((k for k in r if k and k.startswith("Quy đổi")), None)
            if key and Decimal(str(r["Điểm tối đa áp dụng"])) != 100:
                rescaled += 1
                expected = (earned * 100 / Decimal(str(r["Điểm tối đa áp dụng"]))).quantize(
                    Decimal("0.01"), "ROUND_HALF_UP"
                )
                assert Decimal(str(r[key])) == expected
                base = expected
            minus = Decimal(str(r.get("Điểm trừ") or 0))
            diff = Decimal(str(r["Chênh lệch do làm tròn"]))
            assert abs(diff) <= Decimal("0.05")
            rounded += diff != 0
            assert base - minus + diff == Decimal(str(r["Tổng điểm (tối đa 100)"])), r["Đơn vị"]
            checked += 1
    assert checked == 47 and rescaled >= 1 and rounded >= 1
    legend = [str(ws.cell(k, 1).value) for ws in wb.worksheets[:1] for k in range(1, ws.max_row + 1)]
    assert any(t and t.startswith("KAD: không áp dụng") for t in legend)
    assert any(t and t.startswith("Quy đổi: ") and "× 100 / Điểm tối đa áp dụng" in t for t in legend)
    assert any(t and t.startswith("Chênh lệch do làm tròn:") for t in legend)
    # Sample figures say so on every printed page of every sheet.
    assert all("SỐ LIỆU MẪU" in ws.oddHeader.left.text for ws in wb.worksheets)


def test_print_setup_font_and_decision_line_on_every_sheet(tmp_path):
    code, err, out = run_with_meta(tmp_path, "annex", "number: 76\ndate: 2021-02-03\n", "pl.xlsx")
    assert code == 0, err
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
        m = ws.page_margins
        # Nghị định 30/2020, Phụ lục I: left 30–35, right 15–20, top and bottom 20–25 mm.
        assert 29.99 <= m.left * 25.4 <= 35 and 14.99 <= m.right * 25.4 <= 20
        assert 19.99 <= m.top * 25.4 <= 25 and 19.99 <= m.bottom * 25.4 <= 25
        assert ws.oddHeader.center.text == "&P" and ws.HeaderFooter.differentFirst  # none on page 1
        fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
        assert fonts == {"Times New Roman"}, ws.title
    so = wb.worksheets[0]
    assert (
        so.cell(2, 1).value
        == "(Kèm theo Quyết định số 76/QĐ-UBND ngày 03 tháng 02 năm 2021 của Chủ tịch UBND tỉnh Thanh Hóa)"
    )
    assert so.cell(2, 1).font.italic
    # The filter sits on a header row whose every cell is labelled.
    ref = so.auto_filter.ref
    first, last = ref.split(":")
    row = int("".join(ch for ch in first if ch.isdigit()))
    width = openpyxl.utils.column_index_from_string("".join(ch for ch in last if ch.isalpha()))
    assert all(so.cell(row, c).value for c in range(1, width + 1))
    legend = [str(so.cell(k, 1).value) for k in range(1, so.max_row + 1)]
    assert any("UBND" not in t and t.startswith("Xếp hạng khi bằng điểm: theo thứ tự") for t in legend)
    huyen = [str(wb.worksheets[1].cell(k, 1).value) for k in range(1, wb.worksheets[1].max_row + 1)]
    assert any("Quảng Xương (hạng 15)" in t for t in huyen)  # the tie explained under its table
