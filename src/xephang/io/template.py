"""The Excel form a unit fills in, offline: the one workbook that ``xephang template`` writes and the web
page's "tải biểu mẫu" downloads, and its reading back.

Sheet "Báo cáo", one unit per row from row 5:

* row 1: the form's title (criteria set, or period, unit and report version);
* row 2: each column's Vietnamese label (wrapped), row 3: what it accepts (``display.input_bounds``);
* row 4: the column ids (``khối``, ``đơn vị``, the input ids): the header ``read_period`` reads, so a
  reworded label never breaks a filled file; kept small and grey, "không sửa";
* yes/no and choice cells restricted to their answers (a list validation), every input cell telling
  what it accepts when selected (an input message), and kept as typed (text format: ``85,03`` stays
  ``85,03`` for the reader, whatever the computer's language settings).

Numbers are not checked by a number validation: the cells are text, which Excel's number validation
would refuse, and the reader checks every value with a message naming the cell. Sheet "Hướng dẫn"
explains every column. Every text goes through ``cells.xlsx_text`` (``safe_cell``: never a formula).

The reader is the core's ``read_period`` (it also reads files filled from earlier layouts: the web's
"Báo cáo" sheet with labels in row 2, the command line's "Số liệu" sheet with ids in row 2);
``read_form`` adds the stamp the web wrote into the file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..display import NO, YES, input_bounds, yes_no
from ..framework.model import Framework, Input
from ..numbers import plain
from ..period import PeriodData
from .cells import xlsx_text

FORM_SHEET = "Báo cáo"
GUIDE_SHEET = "Hướng dẫn"
TITLE_ROW, LABEL_ROW, BOUNDS_ROW, ID_ROW, FIRST_ROW = 1, 2, 3, 4, 5
GROUP_ID, UNIT_ID = "khối", "đơn vị"
#: A custom document property (kept by Excel and LibreOffice on save) holding what the writer wants to
#: recognise the file by when it comes back (the web: "period/unit/report version").
STAMP_PROPERTY = "xephang-bao-cao"
#: Rows below the last prefilled one that still get the answer lists (units added by hand).
SPARE_ROWS = 200

HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
BOUNDS_FILL = PatternFill("solid", fgColor="F2F2F2")
ENTRY_FILL = PatternFill("solid", fgColor="FFFDE7")  # where the unit writes
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
KINDS = {
    "count": "số nguyên",
    "number": "số",
    "ratio": "tỷ lệ",
    "yesno": "có/không",
    "choice": "lựa chọn",
    "points": "điểm",
    "list": "danh sách",
}


@dataclass
class FormRow:
    """One unit's row: its group id, its name and what is already known of its figures (as typed)."""

    group: str = ""
    name: str = ""
    values: dict[str, str] = field(default_factory=dict)


def answers(inp: Input) -> list[str] | None:
    """The answers a yes/no or choice cell is restricted to (None for other inputs)."""
    if inp.type == "yesno":
        return [YES, NO]
    if inp.type == "choice":
        return [o.label for o in inp.options]
    return None


def form_inputs(fw: Framework, groups) -> list[Input]:
    """The columns of a form for units of ``groups``: each group's inputs in form order, once each."""
    inputs: dict[str, Input] = {}
    for g in groups:
        for inp in fw.inputs_for(g.id):
            inputs.setdefault(inp.id, inp)
    return list(inputs.values())


def unit_form(
    fw: Framework,
    group: str | None = None,
    rows: list[FormRow] | None = None,
    *,
    title: str | None = None,
    stamp: str | None = None,
) -> Workbook:
    """The form for units of ``group`` (every group's columns when None), prefilled with ``rows``."""
    groups = [fw.group(group)] if group else list(fw.groups)
    if group and groups[0] is None:
        raise ValueError(f"khối '{group}' không có trong bộ tiêu chí '{fw.id}'")
    inputs = form_inputs(fw, groups)
    rows = rows or [FormRow(groups[0].id if len(groups) == 1 else "")]
    wb = Workbook()
    ws = wb.active
    ws.title = FORM_SHEET
    if stamp is not None:
        from openpyxl.packaging.custom import StringProperty

        wb.custom_doc_props.append(StringProperty(name=STAMP_PROPERTY, value=stamp))
    head = title or f"Biểu mẫu số liệu — {fw.title}"
    note = (
        f"Mỗi đơn vị một dòng, từ dòng {FIRST_ROW}; không sửa dòng {ID_ROW} (mã cột). Giá trị hợp lệ ghi ở "
        f"dòng {BOUNDS_ROW}; cách ghi từng cột xem trang '{GUIDE_SHEET}'."
    )
    # The title over the two columns that every printed page repeats (so it is never cut), the note
    # beside it (on the first page).
    ws.cell(TITLE_ROW, 1, xlsx_text(head)).font = Font(bold=True, size=11)
    ws.cell(TITLE_ROW, 3, note).font = Font(italic=True, color="404040")
    for col in (1, 3):
        ws.cell(TITLE_ROW, col).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=2)
    if len(fw.inputs) > 1:
        ws.merge_cells(start_row=TITLE_ROW, start_column=3, end_row=TITLE_ROW, end_column=min(2 + len(fw.inputs), 6))

    g0 = groups[0]
    group_hint = "; ".join(g.id for g in groups) if len(groups) > 1 else f"{g0.id} ({g0.name})"
    labels = ["Khối", "Cơ quan, đơn vị"] + [i.label for i in inputs]
    bounds = [f"mã khối: {group_hint}", "tên đầy đủ của đơn vị"] + [
        input_bounds(i, fw.inputs.get(i.at_most) if i.at_most else None) for i in inputs
    ]
    ids = [GROUP_ID, UNIT_ID] + [i.id for i in inputs]
    widths = [max(12, min(24, max(len(g.id) for g in groups) + 2)), 36] + [18] * len(inputs)
    for col, (label, bound, key, width) in enumerate(zip(labels, bounds, ids, widths), start=1):
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = width
        for row, value, font, fill in (
            (LABEL_ROW, label, Font(bold=True), HEAD_FILL),
            (BOUNDS_ROW, bound, Font(italic=True, size=9, color="404040"), BOUNDS_FILL),
            (ID_ROW, key, Font(size=8, color="808080"), BOUNDS_FILL),
        ):
            cell = ws.cell(row, col, xlsx_text(value))
            cell.font, cell.fill, cell.border = font, fill, BOX
            cell.alignment = Alignment(wrap_text=row != ID_ROW, vertical="top")
    # Rows tall enough for the longest wrapped text (about 1.1 characters per unit of width).
    ws.row_dimensions[LABEL_ROW].height = 15 * max(_lines(t, w) for t, w in zip(labels, widths))
    ws.row_dimensions[BOUNDS_ROW].height = 12 * max(_lines(t, w * 1.2) for t, w in zip(bounds, widths))
    ws.row_dimensions[ID_ROW].height = 12
    ws.row_dimensions[TITLE_ROW].height = 15 * max(_lines(head, widths[0] + widths[1]), 2)

    for r, unit in enumerate(rows, start=FIRST_ROW):
        ws.cell(r, 1, xlsx_text(unit.group))
        ws.cell(r, 2, xlsx_text(unit.name))
        for col, inp in enumerate(inputs, start=3):
            ws.cell(r, col, xlsx_text(unit.values.get(inp.id, "")))
    last = FIRST_ROW + len(rows) - 1 + (SPARE_ROWS if len(rows) > 1 or not rows[0].name else 0)
    listed = {col for col, inp in enumerate(inputs, start=3) if inp.type == "list"}
    for r in range(FIRST_ROW, last + 1):
        for col in range(1, len(ids) + 1):
            cell = ws.cell(r, col)
            cell.border = BOX
            if col > 2:
                cell.number_format = "@"  # kept as typed: 85,03 stays 85,03 for the reader
                cell.fill = ENTRY_FILL
                if col in listed:  # one item per line shows as such
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if len(groups) > 1:
        _restrict(ws, "A", last, [g.id for g in groups], "Khối", f"Mã khối: {group_hint}")
    for col, inp in enumerate(inputs, start=3):
        letter = get_column_letter(col)
        choices = answers(inp)
        if choices:
            _restrict(ws, letter, last, choices, inp.label, "Chọn: " + " / ".join(choices))
        else:
            dv = DataValidation(allow_blank=True, showInputMessage=True)
            dv.promptTitle, dv.prompt = _title(inp.label), _cut(input_bounds(inp), 250)
            ws.add_data_validation(dv)
            dv.add(f"{letter}{FIRST_ROW}:{letter}{last}")
    ws.freeze_panes = ws.cell(FIRST_ROW, 3)
    # Printed, every page repeats the title, the head and the units' names; a blank form prints rows to
    # fill by hand.
    _print_setup(ws, f"{TITLE_ROW}:{ID_ROW}", "A:B")
    printed = FIRST_ROW + len(rows) - 1 + (0 if rows[0].name else 19)
    ws.print_area = f"A{TITLE_ROW}:{get_column_letter(len(ids))}{printed}"
    _guide(wb, fw, groups, inputs, bounds[2:])
    return wb


def _restrict(ws, letter: str, last: int, choices: list[str], label: str, prompt: str) -> None:
    # Excel refuses a list longer than 255 characters written inline; such a column gets the message only.
    inline = '"' + ",".join(c.replace('"', "'") for c in choices) + '"'
    fits = len(inline) <= 255 and not any("," in c for c in choices)
    dv = DataValidation(
        type="list" if fits else None,
        formula1=inline if fits else None,
        allow_blank=True,
        showInputMessage=True,
        showErrorMessage=fits,
    )
    dv.promptTitle, dv.prompt = _title(label), _cut(prompt, 250)
    dv.errorTitle, dv.error = "Giá trị không hợp lệ", _cut("Cần một trong: " + ", ".join(choices), 250)
    ws.add_data_validation(dv)
    dv.add(f"{letter}{FIRST_ROW}:{letter}{last}")


def _title(text: str) -> str:
    return _cut(text, 32)  # Excel's limit for an input message's title


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _lines(text: str, width: float) -> int:
    per_line = max(1, int(width * 1.1))
    return max(1, sum(-(-max(1, len(part)) // per_line) for part in str(text).split("\n")))


def _print_setup(ws, rows: str, cols: str | None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.scale = 70  # about ten columns a page, the unit's name repeated on each
    ws.page_setup.pageOrder = "overThenDown"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = rows
    if cols:
        ws.print_title_cols = cols
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "Trang &P / &N"


def _guide(wb: Workbook, fw: Framework, groups, inputs: list[Input], bounds: list[str]) -> None:
    guide = wb.create_sheet(GUIDE_SHEET)
    guide.append([xlsx_text(f"{fw.title} ({fw.id})")])
    guide["A1"].font = Font(bold=True, size=13)
    guide.append(
        [
            f"Trang '{FORM_SHEET}': mỗi đơn vị một dòng, từ dòng {FIRST_ROW}. Dòng {ID_ROW} (mã cột) giữ nguyên. "
            "Tiêu chí không áp dụng với đơn vị (nếu bộ tiêu chí cho phép): ghi 'không áp dụng'."
        ]
    )
    guide.append([])
    guide.append(["Mã cột", "Cột", "Chỉ tiêu", "Kiểu", "Giá trị hợp lệ", "Đơn vị tính", "Cần minh chứng", "Giải thích"])
    for cell in guide[4]:
        cell.font, cell.fill, cell.border = Font(bold=True), HEAD_FILL, BOX
    guide.append([GROUP_ID, "A", "Khối", "mã khối", "; ".join(f"{g.id} ({g.name})" for g in groups), "", "", ""])
    guide.append([UNIT_ID, "B", "Tên cơ quan, đơn vị", "văn bản", "tên đầy đủ", "", "", ""])
    for col, (inp, bound) in enumerate(zip(inputs, bounds), start=3):
        guide.append(
            [
                inp.id,
                get_column_letter(col),
                inp.label,
                KINDS.get(inp.type, inp.type),
                bound,
                inp.unit,
                YES if inp.evidence else "",
                inp.help,
            ]
        )
    widths = (24, 6, 44, 11, 32, 11, 11, 60)
    for letter, width in zip("ABCDEFGH", widths):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=4):
        for cell in row:
            cell.value = xlsx_text(cell.value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = BOX
        # Spreadsheets do not grow a row for wrapped text written by a program: as tall as its longest cell.
        guide.row_dimensions[row[0].row].height = 13 * max(_lines(c.value or "", w) for c, w in zip(row, widths))
    guide.freeze_panes = "A5"
    _print_setup(guide, "4:4", None)
    guide.page_setup.fitToWidth, guide.page_setup.fitToHeight = 1, 0
    guide.sheet_properties.pageSetUpPr.fitToPage = True


def form_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_template(fw: Framework, out: str | Path, group: str | None = None, units: list[str] | None = None) -> Path:
    """The form as a file (``xephang template``): one row per unit named, all in ``group`` if given."""
    gid = fw.group(group).id if group and fw.group(group) else None
    rows = [FormRow(gid or "", name) for name in units] if units else None
    wb = unit_form(fw, group, rows)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


# --- reading it back ------------------------------------------------------------------------------------


@dataclass
class FilledForm:
    data: PeriodData
    stamp: str | None  # the writer's ``stamp``, if the file still carries it


def read_form(path: str | Path, fw: Framework, max_errors: int = 1) -> FilledForm:
    """A filled form (or any period file the reader takes): every cell checked by ``read_period``, whose
    errors name file, sheet, cell and column in Vietnamese, plus the stamp the form was written with."""
    from .reader import read_period

    data = read_period(path, fw, max_errors=max_errors)
    return FilledForm(data, form_stamp(path))


def form_stamp(path: str | Path) -> str | None:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True)
        props = {p.name: p.value for p in wb.custom_doc_props}
        wb.close()
    except Exception:  # a CSV file, or one openpyxl cannot open although the reader could
        return None
    value = props.get(STAMP_PROPERTY)
    return str(value) if value else None


def typed_texts(fw: Framework, data: PeriodData, index: int, group: str) -> dict[str, str]:
    """The figures of the unit at ``index`` as a form holds them (``có``, an option's label, one list
    item per line, plain numbers), for the inputs of ``group`` that have a value."""
    texts = {}
    for inp in fw.inputs_for(group):
        v = data.values[inp.id][index]
        if v is None:
            continue
        if inp.type == "yesno":
            texts[inp.id] = yes_no(v)
        elif inp.type == "choice":
            texts[inp.id] = next(o.label for o in inp.options if o.id == v)
        elif inp.type == "list":
            texts[inp.id] = "\n".join(v) or "không có"
        else:
            texts[inp.id] = plain(v)
    return texts
