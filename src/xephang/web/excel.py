"""The offline path: a unit's Excel template (prefilled with what it has saved) and reading it back
through the core's reader, which checks every cell and names sheet and cell in its messages."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from xephang.errors import InputError, Location
from xephang.io.cells import neutralise_workbook, unescape_cell
from xephang.io.reader import read_period
from xephang.numbers import plain
from xephang.text import fold

DATA_SHEET = "Báo cáo"
#: A custom document property (kept by Excel and LibreOffice on save): "period/unit/version" of the
#: report the template was filled from, so that an import of an older template cannot overwrite newer work.
VERSION_PROPERTY = "xephang-bao-cao"


def template_stamp(period, unit, sub) -> str:
    return f"{period.pk}/{unit.pk}/{sub.version if sub is not None else 0}"

#: Bad cells reported at once from an uploaded template (beyond, the message says there are more).
MAX_ERRORS = 50


def _headers(fw, group):
    inputs = fw.inputs_for(group)
    labels = [i.label for i in inputs]
    # A label that two inputs share would be ambiguous to the reader; such columns use the input id.
    return inputs, [i.label if labels.count(i.label) == 1 else i.id for i in inputs]


def template(period, unit, sub) -> bytes:
    fw = period.framework.load()
    group = unit.group.code
    inputs, headers = _headers(fw, group)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    version = sub.version if sub is not None else 0
    ws["A1"] = (f"Biểu mẫu báo cáo {period.name} — {unit.name} (phiên bản báo cáo {version}). "
                "Điền số liệu vào dòng 3; không sửa dòng 2.")
    from openpyxl.packaging.custom import StringProperty

    wb.custom_doc_props.append(StringProperty(name=VERSION_PROPERTY, value=template_stamp(period, unit, sub)))
    ws["A1"].font = Font(bold=True)
    ws.append(["Khối", "Đơn vị", *headers])
    values = sub.values if sub is not None else {}
    ws.append([group, unit.name, *[values.get(i.id, "") for i in inputs]])
    head_fill = PatternFill("solid", fgColor="E9EDF2")
    for col in range(1, len(headers) + 3):
        cell = ws.cell(row=2, column=col)
        cell.font = Font(bold=True)
        cell.fill = head_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(col)].width = 24 if col > 2 else 30
        ws.cell(row=3, column=col).number_format = "@"  # keep what is typed (85,03 stays 85,03)
    ws.row_dimensions[2].height = 75
    ws.freeze_panes = "C3"
    for k, inp in enumerate(inputs, start=3):
        choices = ["có", "không"] if inp.type == "yesno" else [o.label for o in inp.options] if inp.type == "choice" else None
        if choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
            ws.add_data_validation(dv)
            dv.add(f"{get_column_letter(k)}3")
    guide = wb.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Chỉ tiêu", "Đơn vị tính", "Cần nhập", "Giải thích"])
    for k, inp in enumerate(inputs, start=3):
        from .forms import Field

        expected = {"yesno": "có / không", "choice": " / ".join(o.label for o in inp.options)}.get(inp.type, Field(inp).bounds)
        guide.append([get_column_letter(k), inp.label, inp.unit, expected, inp.help])
    for col, width in zip("ABCDE", (6, 50, 12, 30, 80)):
        guide.column_dimensions[col].width = width
    neutralise_workbook(wb)  # the unit's name and typed text never become formulas
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


#: A filled template is a few dozen KB; a much larger file would hold a worker for long.
EXCEL_MAX_BYTES = 2 * 1024 * 1024


def _template_version(path: Path, name: str, period, unit) -> int:
    """The report version the template was downloaded at; ``InputError`` if the file carries none or
    belongs to another period or unit."""
    try:
        wb = openpyxl.load_workbook(path, read_only=True)
        props = {p.name: p.value for p in wb.custom_doc_props}
        wb.close()
    except Exception:  # a damaged file: the core's reader names what is wrong
        return -1
    stamp = str(props.get(VERSION_PROPERTY) or "")
    parts = stamp.split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise InputError(Location(name), "tệp không phải biểu mẫu tải từ trang báo cáo (không có phiên bản báo cáo); "
                                         "hãy tải biểu mẫu mới từ trang báo cáo, điền rồi nhập lại")
    if (int(parts[0]), int(parts[1])) != (period.pk, unit.pk):
        raise InputError(Location(name), "biểu mẫu này của kỳ hoặc đơn vị khác; hãy tải biểu mẫu từ trang báo cáo "
                                         f"của '{unit.name}' trong kỳ '{period.name}'")
    return int(parts[2])


def read_upload(period, unit, upload) -> tuple[dict, list, int]:
    """(figures as text, criteria not applicable, the report version the template was downloaded at)
    from an uploaded template; ``InputError`` otherwise."""
    from .security import UploadRefused, check_spreadsheet, safe_name

    fw = period.framework.load()
    name = safe_name(upload.name, "xlsx")
    if upload.size > EXCEL_MAX_BYTES:
        raise InputError(Location(name), f"tệp có dung lượng {upload.size // 1024} KB, vượt giới hạn "
                                         f"{EXCEL_MAX_BYTES // 1024} KB của biểu mẫu báo cáo")
    try:
        check_spreadsheet(upload, name)  # by content, and no zip bomb reaches openpyxl
    except UploadRefused as e:
        raise InputError(Location(name), str(e)) from None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        with path.open("wb") as f:
            for chunk in upload.chunks():
                f.write(chunk)
        # Every cell checked by the core; up to MAX_ERRORS bad cells reported together (InputErrors).
        data = read_period(path, fw, max_errors=MAX_ERRORS)
        version = _template_version(path, name, period, unit)
    if data.kind != "inputs":
        raise InputError(Location(name), "tệp không có các cột số liệu của biểu mẫu; hãy tải biểu mẫu từ trang báo cáo")
    if len(data.units) != 1 or fold(unescape_cell(data.units[0].name)) != fold(unit.name):
        found = ", ".join(u.name for u in data.units)
        raise InputError(Location(name, data.sheet), f"tệp phải có đúng một dòng của đơn vị '{unit.name}' (tệp có: {found})")
    if data.units[0].group != unit.group.code:
        raise InputError(Location(name, data.sheet, data.units[0].row, "Khối"), f"khối phải là '{unit.group.code}'")
    texts = {}
    for inp in fw.inputs_for(unit.group.code):
        v = data.values[inp.id][0]
        if v is None:
            continue
        if inp.type == "yesno":
            texts[inp.id] = "có" if v else "không"
        elif inp.type == "choice":
            texts[inp.id] = next(o.label for o in inp.options if o.id == v)
        elif inp.type == "list":  # as the form's textarea holds it: one item per line
            texts[inp.id] = "\n".join(v) or "không có"
        else:
            texts[inp.id] = plain(v)
    return texts, sorted(cid for cid, idx in data.not_applicable.items() if 0 in idx), version
