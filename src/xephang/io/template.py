"""The offline template a unit fills in: an Excel workbook with one column per input of its group.

The first sheet ("Số liệu") has the header row that ``read_period`` reads back (input ids, so a
renamed label never breaks a file), with each column's label, unit and bounds in the row above it,
yes/no and choice columns restricted to their allowed answers, and the group and unit prefilled
when given. The second sheet ("Hướng dẫn") explains every column.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..display import allowed_range
from ..framework.model import Framework, Input
from .cells import neutralise_workbook

HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


def _bounds(inp: Input) -> str:
    at_most = f", không lớn hơn '{inp.at_most}'" if inp.at_most else ""
    return allowed_range(inp) + at_most


def write_template(fw: Framework, out: str | Path, group: str | None = None, units: list[str] | None = None) -> Path:
    groups = [fw.group(group)] if group else fw.groups
    if group and groups[0] is None:
        raise ValueError(f"khối '{group}' không có trong bộ tiêu chí '{fw.id}'")
    inputs: dict[str, Input] = {}
    for g in groups:
        for inp in fw.inputs_for(g.id):
            inputs.setdefault(inp.id, inp)
    wb = Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    labels = ["Khối (mã)", "Đơn vị được đánh giá"] + [f"{i.label}" + (f" ({i.unit})" if i.unit else "") for i in inputs.values()]
    ids = ["khối", "đơn vị"] + list(inputs)
    ws.append(labels)
    ws.append(ids)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.fill = HEAD_FILL
    for cell in ws[2]:
        cell.font = Font(bold=True, color="555555")
    ws.row_dimensions[1].height = 60
    rows = units or [""]
    for name in rows:
        ws.append([groups[0].id if len(groups) == 1 else "", name])
    last = max(200, len(rows) + 2)
    for col, inp in enumerate(inputs.values(), start=3):
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = 16
        if inp.type in ("yesno", "choice"):
            answers = ["có", "không"] if inp.type == "yesno" else [o.label for o in inp.options]
            dv = DataValidation(type="list", formula1='"' + ",".join(answers) + '"', allow_blank=True)
            dv.error = f"Cần một trong: {', '.join(answers)}"
            ws.add_data_validation(dv)
            dv.add(f"{letter}3:{letter}{last}")
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 40
    ws.freeze_panes = "C3"

    guide = wb.create_sheet("Hướng dẫn")
    guide.append([f"{fw.title} ({fw.id})"])
    guide["A1"].font = Font(bold=True, size=13)
    guide.append(["Mỗi đơn vị một dòng, từ dòng 3 của trang 'Số liệu'. Dòng 2 (mã cột) giữ nguyên. "
                  "Tiêu chí không áp dụng với đơn vị (nếu bộ tiêu chí cho phép): ghi 'không áp dụng'."])
    guide.append([])
    guide.append(["Mã cột", "Chỉ tiêu", "Kiểu", "Giá trị hợp lệ", "Đơn vị tính", "Cần minh chứng", "Ghi chú"])
    for cell in guide[4]:
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
    guide.append(["khối", "Khối", "mã khối", "; ".join(f"{g.id} ({g.name})" for g in groups), "", "", ""])
    guide.append(["đơn vị", "Tên đơn vị", "văn bản", "", "", "", ""])
    kinds = {"count": "số nguyên", "number": "số", "ratio": "tỷ lệ", "yesno": "có/không", "choice": "lựa chọn", "points": "điểm"}
    for inp in inputs.values():
        guide.append([inp.id, inp.label, kinds[inp.type], _bounds(inp), inp.unit, "có" if inp.evidence else "", inp.help])
    for letter, width in zip("ABCDEFG", (22, 50, 12, 36, 12, 14, 50)):
        guide.column_dimensions[letter].width = width
    neutralise_workbook(wb)  # unit names and the criteria set's texts never become formulas
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
