"""Read a period file (CSV or .xlsx) into ``PeriodData``, checking every value against the framework.

Two layouts are recognised from the header row:

* inputs: one row per unit, columns ``khối``/``group``, ``đơn vị``/``unit`` and one column per input
  of the framework (its id or its label);
* totals: just ``khối``, ``đơn vị`` and ``tổng điểm``/``tổng cộng``/``total`` (a published result).

Every problem is an ``InputError`` naming file, sheet, row (or cell) and column, and what was
expected; the first problem stops the read, so nothing from a bad file is ever used.
"""

from __future__ import annotations

import csv
import io as _io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..display import allowed_range, range_text
from ..errors import InputError, Location
from ..framework.model import Framework, Input
from ..numbers import SCALE, NumberFormatError, format_number, from_fixed, parse_number, plain, to_fixed
from ..period import PeriodData, UnitEntry
from ..text import fold, nfc, split_items

GROUP_HEADERS = {fold(h) for h in ("group", "khối", "khối đơn vị", "nhóm", "group_id")}
UNIT_HEADERS = {fold(h) for h in ("unit", "đơn vị", "tên đơn vị", "ten don vi", "don vi", "name")}
TOTAL_HEADERS = {fold(h) for h in ("total", "tổng điểm", "tổng cộng", "tong diem", "điểm")}
IGNORED_HEADERS = {fold(h) for h in ("stt", "rank", "xếp hạng", "level", "mức", "xếp loại", "ghi chú", "note")}
NA_WORDS = {fold(w) for w in ("không áp dụng", "kad", "n/a", "na", "not applicable")}
YES_WORDS = {fold(w) for w in ("có", "co", "yes", "y", "x", "1", "true", "đạt", "dat")}
NO_WORDS = {fold(w) for w in ("không", "khong", "no", "n", "0", "false", "không đạt")}

#: The csv module's messages (English) as a clerk needs them.
CSV_ERRORS = {
    "new-line character seen in unquoted field": "có ký tự xuống dòng (CR) nằm giữa một ô không đặt trong ngoặc kép",
    "field larger than field limit": f"một ô dài hơn {csv.field_size_limit()} ký tự",
}


@dataclass
class Table:
    """Rows of cells from a CSV file or one Excel sheet, with what is needed to locate each cell."""

    file: str
    sheet: str | None
    header: list[str]
    rows: list[tuple[int, list]]  # (row number as the user sees it, cells)

    def where(self, row: int | None = None, col: int | None = None) -> Location:
        column = self.header[col] if col is not None and col < len(self.header) else None
        cell = None
        if self.sheet is not None and row is not None and col is not None:
            cell = f"{_column_letter(col)}{row}"
        return Location(self.file, self.sheet, row if cell is None else None, column, cell)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_table(path: str | Path, sheet: str | None = None) -> Table:
    """The first non-empty table of a CSV file or of an Excel workbook (or the sheet named)."""
    p = Path(path)
    name = p.name
    if not p.exists():
        raise InputError(Location(str(path)), "không tìm thấy tệp")
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(p, name, sheet)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(p, name)
    if suffix == ".xls":
        raise InputError(Location(name), "tệp Excel 97-2003 (.xls) chưa được hỗ trợ; hãy lưu lại dưới dạng .xlsx")
    raise InputError(Location(name), f"cần tệp CSV (.csv) hoặc Excel (.xlsx), không phải '{suffix or 'không có đuôi'}'")


def _read_csv(p: Path, name: str) -> Table:
    raw = p.read_bytes()
    if raw[:4] == b"PK\x03\x04":
        raise InputError(Location(name), "tệp này là một tệp nén/Excel, không phải CSV; hãy đặt đuôi .xlsx")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise InputError(
            Location(name, row=line),
            "tệp CSV cần mã hóa UTF-8 (trong Excel: Lưu dưới dạng > CSV UTF-8)",
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(Location(name, row=line), "tệp có ký tự nhị phân (NUL), không phải CSV văn bản")
    # Excel for Mac's "CSV (Macintosh)" ends lines with a lone CR: split on any line end, and let
    # the csv module see the line ends itself (newline=""), as its documentation requires.
    first = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        # Number records, not text lines: a quoted cell may hold a line break, yet a spreadsheet
        # shows the record as one row (and shows blank lines as blank rows, so they count).
        for row_n, cells in enumerate(reader, start=1):
            rows.append((row_n, cells))
    except csv.Error as e:
        problem = str(e)
        for words, meaning in CSV_ERRORS.items():
            if words in problem:
                problem = meaning
        raise InputError(Location(name, row=len(rows) + 1), f"dòng CSV không hợp lệ: {problem}") from None
    rows = [(n, c) for n, c in rows if any(str(x).strip() for x in c)]
    if not rows:
        raise InputError(Location(name), "tệp trống, cần một dòng tiêu đề và các dòng dữ liệu")
    header_row, header = rows[0]
    return Table(name, None, [nfc(h) for h in header], rows[1:])


def _read_xlsx(p: Path, name: str, sheet: str | None) -> Table:
    import openpyxl

    if not zipfile.is_zipfile(p):
        raise InputError(Location(name), "tệp không phải là Excel .xlsx hợp lệ (không mở được)")
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a damaged file
        raise InputError(Location(name), f"không mở được tệp Excel: {e}") from None
    try:
        sheets = [wb[sheet]] if sheet and sheet in wb.sheetnames else wb.worksheets
        if sheet and sheet not in wb.sheetnames:
            raise InputError(Location(name), f"không có trang tính '{sheet}'; có: {', '.join(wb.sheetnames)}")
        for ws in sheets:
            rows = []
            try:
                # read_only parses each sheet's XML lazily, here: a damaged sheet fails only now.
                for n, cells in enumerate(ws.iter_rows(values_only=True), start=1):
                    if any(c is not None and str(c).strip() for c in cells):
                        rows.append((n, list(cells)))
            except Exception as e:  # openpyxl raises ValueError, ParseError, KeyError... for bad XML
                raise InputError(
                    Location(name, sheet=ws.title),
                    f"không đọc được trang tính (tệp Excel bị hỏng?): {type(e).__name__}: {e}",
                ) from None
            if rows:
                header = rows[0][1]
                # The header may sit below a title; take the first row that names a unit column.
                for k, (_, cells) in enumerate(rows[:10]):
                    if any(fold(str(c or "")) in UNIT_HEADERS for c in cells):
                        header, rows = cells, rows[k:]
                        break
                while header and header[-1] is None:
                    header = header[:-1]
                return Table(name, ws.title, [nfc(str(h or "")) for h in header], rows[1:])
    finally:
        wb.close()
    raise InputError(Location(name), "tệp Excel không có dữ liệu")


def read_period(path: str | Path, framework: Framework, sheet: str | None = None) -> PeriodData:
    table = read_table(path, sheet)
    keys = [fold(h) for h in table.header]
    group_col = _find(keys, GROUP_HEADERS)
    unit_col = _find(keys, UNIT_HEADERS)
    total_col = _find(keys, TOTAL_HEADERS)
    if unit_col is None:
        raise InputError(table.where(row=1), "thiếu cột tên đơn vị ('đơn vị' hoặc 'unit')")
    if group_col is None:
        raise InputError(table.where(row=1), "thiếu cột khối ('khối' hoặc 'group')")

    by_key: dict[str, Input] = {}
    for inp in framework.inputs.values():
        by_key[fold(inp.id)] = inp
        by_key.setdefault(fold(inp.label), inp)
    for c in framework.all_criteria():  # a criterion read from a single input may name its column
        own = c.inputs()
        if len(own) == 1:
            by_key.setdefault(fold(c.id), framework.inputs[own[0]])
    input_cols: dict[str, int] = {}
    for i, k in enumerate(keys):
        if k in by_key:
            iid = by_key[k].id
            if iid in input_cols:
                raise InputError(table.where(row=1, col=i),
                                 f"cột này và cột '{table.header[input_cols[iid]]}' cùng là chỉ tiêu '{iid}'")
            input_cols[iid] = i
    for i, k in enumerate(keys):
        if i in (group_col, unit_col, total_col) or k in by_key or k in IGNORED_HEADERS or not k:
            continue
        raise InputError(
            table.where(row=1, col=i),
            "cột không có trong bộ tiêu chí "
            f"'{framework.id}'; cần mã hoặc tên một chỉ tiêu (xem: xephang template --framework {framework.id})",
        )
    kind = "inputs" if input_cols else "totals"
    if kind == "totals" and total_col is None:
        raise InputError(
            table.where(row=1),
            "không nhận ra bảng: cần cột 'tổng điểm' (bảng kết quả) hoặc các cột chỉ tiêu của bộ tiêu chí",
        )

    units: list[UnitEntry] = []
    seen: dict[str, int] = {}
    values: dict[str, list] = {i: [] for i in framework.inputs}
    not_applicable: dict[str, set[int]] = {}
    for row_n, cells in table.rows:
        cells = list(cells) + [None] * (len(table.header) - len(cells))
        name = nfc(_text(cells[unit_col]))
        if not name:
            raise InputError(table.where(row_n, unit_col), "thiếu tên đơn vị")
        gtext = nfc(_text(cells[group_col]))
        group = framework.group(gtext) if gtext else None
        if group is None:
            choices = "; ".join(f"{g.id} ({g.name})" for g in framework.groups)
            raise InputError(
                table.where(row_n, group_col),
                f"khối '{gtext}' không có trong bộ tiêu chí '{framework.id}'; cần một trong: {choices}",
            )
        key = fold(name)
        if key in seen:
            raise InputError(table.where(row_n, unit_col), f"đơn vị '{name}' bị trùng với dòng {seen[key]}")
        seen[key] = row_n
        index = len(units)
        entry = UnitEntry(name=name, group=group.id, row=row_n)
        if kind == "totals":
            entry.total = _total(table, row_n, total_col, cells[total_col], framework)
        else:
            _unit_inputs(table, framework, row_n, cells, input_cols, group.id, values, not_applicable, index)
        units.append(entry)
    if not units:
        raise InputError(table.where(), "không có dòng dữ liệu nào dưới dòng tiêu đề")
    if kind == "inputs":
        for iid in list(values):
            if len(values[iid]) != len(units):
                values[iid] += [None] * (len(units) - len(values[iid]))
    return PeriodData(source=table.file, kind=kind, units=units, values=values if kind == "inputs" else {},
                      not_applicable=not_applicable, sheet=table.sheet)


def parse_value(inp: Input, text, where: str = "Biểu mẫu báo cáo"):
    """One figure checked exactly as a spreadsheet cell is (web forms, one-off entries).

    Returns the stored value (fixed-point int, bool or option id); raises ``InputError`` whose
    ``message`` says in Vietnamese what was expected and whose location names ``where`` and the input.
    """
    return _value(Table(where, None, [inp.label], []), None, 0, text, inp)


def parse_total(fw: Framework, text, where: str = "Biểu mẫu báo cáo") -> int:
    """A published total (or index) checked as a results file's cell is; fixed point."""
    return _total(Table(where, None, ["tổng điểm"], []), None, 0, text, fw)


def _find(keys: list[str], names: set[str]) -> int | None:
    return next((i for i, k in enumerate(keys) if k in names), None)


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _number(table, row_n, col, cell, what: str) -> Decimal:
    if isinstance(cell, bool):
        raise InputError(table.where(row_n, col), f"cần {what}, không phải giá trị đúng/sai")
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, float):
        if cell != cell or cell in (float("inf"), float("-inf")):  # a damaged or hand-made workbook
            raise InputError(table.where(row_n, col), f"ô chứa giá trị không hữu hạn ({cell}); cần {what}")
        return Decimal(repr(cell))  # the shortest text of the typed value: 85.03, not 85.0299999...
    try:
        return parse_number(_text(cell))
    except NumberFormatError as e:
        raise InputError(table.where(row_n, col), f"{e}; cần {what}") from None


def _total(table, row_n, col, cell, fw: Framework) -> int:
    scale_text = format_number(from_fixed(fw.scale), 0)
    text = _text(cell) if isinstance(cell, str) else ""
    m = re.fullmatch(r"(\d{1,3})[.,](\d{3})", text.strip())
    if m and int(m[1] + m[2]) > from_fixed(fw.scale):
        # "84,995" in a 0–100 column: 84995 is out of the scale, so the separator is the decimal one.
        d = Decimal(f"{m[1]}.{m[2]}")
    else:
        d = _number(table, row_n, col, cell, f"tổng điểm từ 0 đến {scale_text}")
    if fw.report == "index" and d <= 1:
        d = d * from_fixed(fw.scale)  # a published index (0..1) is points / scale
    value = _fixed(table, row_n, col, d)
    if value < 0 or value > fw.scale:
        raise InputError(table.where(row_n, col), f"tổng điểm {d} nằm ngoài thang điểm 0 đến {scale_text}")
    return value


def _fixed(table, row_n, col, d: Decimal) -> int:
    try:
        return to_fixed(d)
    except NumberFormatError as e:
        raise InputError(table.where(row_n, col), str(e)) from None


def _unit_inputs(table, fw, row_n, cells, input_cols, group, values, not_applicable, index):
    needed = fw.inputs_for(group)
    na_criteria = {c.id: c for c in fw.all_criteria() if c.may_be_not_applicable and c.applies_to(group)}
    readers = {}  # input id -> criteria that read it
    for c in fw.all_criteria():
        if c.applies_to(group):
            for iid in c.own_inputs():
                readers.setdefault(iid, []).append(c)
    row_values = {}
    for inp in needed:
        col = input_cols.get(inp.id)
        if col is None:
            raise InputError(
                table.where(row=1),
                f"thiếu cột '{inp.id}' ({inp.label}), cần cho các đơn vị thuộc khối '{group}'",
            )
        cell = cells[col]
        text = _text(cell)
        if fold(text) in NA_WORDS and text:
            marked = [a for c in readers.get(inp.id, []) for a in _na_owner(c, na_criteria)]
            if not marked or len(marked) < len(readers.get(inp.id, [])):
                raise InputError(
                    table.where(row_n, col),
                    f"'{text}': chỉ tiêu '{inp.label}' thuộc tiêu chí không được phép đánh dấu 'không áp dụng'",
                )
            for c in marked:
                not_applicable.setdefault(c.id, set()).add(index)
            row_values[inp.id] = None
            continue
        row_values[inp.id] = _value(table, row_n, col, cell, inp)
    for inp in needed:
        v = row_values[inp.id]
        if inp.at_most and v is not None and row_values.get(inp.at_most) is not None and v > row_values[inp.at_most]:
            whole = fw.inputs[inp.at_most]
            raise InputError(
                table.where(row_n, input_cols[inp.id]),
                f"'{inp.label}' ({plain(v)}) lớn hơn '{whole.label}' ({plain(row_values[inp.at_most])}); "
                "phần không thể lớn hơn tổng",
            )
    for iid, v in row_values.items():
        values[iid].extend([None] * (index - len(values[iid])))
        values[iid].append(v)


def _na_owner(c, na_criteria):
    """The criterion (c or an ancestor) that may be marked not applicable."""
    node = c
    while node is not None:
        if node.id in na_criteria:
            return [node]
        node = node.parent
    return []


def _value(table, row_n, col, cell, inp: Input):
    text = _text(cell)
    if not text:
        raise InputError(table.where(row_n, col), f"ô trống; cần {_expected(inp)}")
    if inp.type == "yesno":
        if isinstance(cell, bool):
            return cell
        k = fold(text)
        if k in YES_WORDS:
            return True
        if k in NO_WORDS:
            return False
        raise InputError(table.where(row_n, col), f"'{text}': cần 'có' hoặc 'không'")
    if inp.type == "list":
        return split_items(text)
    if inp.type == "choice":
        k = fold(text)
        for o in inp.options:
            if k in (fold(o.id), fold(o.label)):
                return o.id
        raise InputError(table.where(row_n, col), f"'{text}': cần {_expected(inp)}")
    d = _number(table, row_n, col, cell, _expected(inp))
    if inp.type == "ratio" and d > 1 and isinstance(cell, str) and not cell.strip().endswith("%"):
        raise InputError(table.where(row_n, col), f"tỷ lệ {text} lớn hơn 1; cần {_expected(inp)}")
    v = _fixed(table, row_n, col, d)
    if v < 0:
        raise InputError(table.where(row_n, col), f"giá trị âm ({text}); cần {_expected(inp)}")
    if inp.type == "count" and v % SCALE:
        raise InputError(table.where(row_n, col), f"'{text}' không phải số nguyên; cần {_expected(inp)}")
    if inp.min is not None and v < inp.min:
        raise InputError(table.where(row_n, col), f"{text} nhỏ hơn mức tối thiểu; cần {_expected(inp)}")
    if inp.max is not None and v > inp.max:
        what = "tỷ lệ lớn hơn 1" if inp.type == "ratio" else f"{text} lớn hơn mức tối đa"
        raise InputError(table.where(row_n, col), f"{what}; cần {_expected(inp)}")
    return v


def _expected(inp: Input) -> str:
    label = f"'{inp.label}'"
    if inp.type == "yesno":
        return f"{label}: 'có' hoặc 'không'"
    if inp.type == "choice":
        return f"{label}: một trong " + ", ".join(f"'{o.label}'" for o in inp.options)
    if inp.type == "ratio":
        return f"{label}: tỷ lệ {allowed_range(inp)}"
    if inp.type == "list":
        return f"{label}: {allowed_range(inp)}"
    what = {"count": "số nguyên không âm", "points": "số điểm không âm", "number": "số không âm"}[inp.type]
    bounds = ""
    if inp.max is not None:
        bounds = " " + range_text(inp.min or 0, inp.max)
    unit = f" ({inp.unit})" if inp.unit else ""
    return f"{label}: {what}{bounds}{unit}"
