"""Read a period file (CSV or .xlsx) into ``PeriodData``, checking every value against the framework.

Two layouts are recognised from the header row:

* inputs: one row per unit, columns ``khối``/``group``, ``đơn vị``/``unit`` and one column per input
  of the framework (its id or its label);
* totals: just ``khối``, ``đơn vị`` and ``tổng điểm``/``tổng cộng``/``total`` (a published result).

Every problem is an ``InputError`` naming file, sheet, row (or cell) and column, and what was
expected; the first problem stops the read, so nothing from a bad file is ever used.

The reading is column-wise, for national-scale files (12,000 units × 150 inputs): headers, groups
and each group's form are resolved once, each input's column is read by one parser made for its
type (which reads each distinct cell text once, or a column of mostly distinct plain numbers in
one go), and the first problem is the one a row-by-row reading would meet first (row, then the
form's order within the row). A CSV file without any quote is split on its delimiter and line ends
directly, which is what the csv module would read from it.
"""

from __future__ import annotations

import csv
import io as _io
import math
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, compress, repeat
from pathlib import Path
from typing import Callable

from ..bulk import collector_paused
from ..display import allowed_range, range_text
from ..errors import InputError, InputErrors, Location
from ..framework.model import Framework, Input
from ..numbers import SCALE, SCALE_DIGITS, NumberFormatError, format_number, from_fixed, parse_number, to_fixed
from ..period import PeriodData, UnitEntry
from ..text import fold, nfc, split_items
from .validate import part_whole_pairs, validate_unit

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
    #: For a sheet read by the fast reader: looks again at a refused cell that it saw blank or not
    #: finite (a formula never computed, a merged cell, an error value, a damaged number).
    second_look: Callable[[InputError, Callable], InputError] | None = None
    #: Every cell is a str (a CSV file): cells are their own keys when each distinct one is read once.
    text_only: bool = False

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


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


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
    del raw
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(Location(name, row=line), "tệp có ký tự nhị phân (NUL), không phải CSV văn bản")
    # Excel for Mac's "CSV (Macintosh)" ends lines with a lone CR: split on any line end, and let
    # the csv module see the line ends itself (newline=""), as its documentation requires.
    first = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    # Each distinct cell text is kept once: equal cells of a national-scale file ("có", "0", "KAD")
    # become one object, read while the row is fresh, so the column reader's passes stay in cache.
    once = {}.setdefault
    lines = _unquoted_lines(text)
    if lines is not None:
        cells_of = map(str.split, lines, repeat(delimiter))
        return _csv_table(name, list(enumerate([list(map(once, cells, cells)) for cells in cells_of], start=1)))
    reader = csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        # Number records, not text lines: a quoted cell may hold a line break, yet a spreadsheet
        # shows the record as one row (and shows blank lines as blank rows, so they count).
        for row_n, cells in enumerate(reader, start=1):
            rows.append((row_n, list(map(once, cells, cells))))
    except csv.Error as e:
        problem = str(e)
        for words, meaning in CSV_ERRORS.items():
            if words in problem:
                problem = meaning
        raise InputError(Location(name, row=len(rows) + 1), f"dòng CSV không hợp lệ: {problem}") from None
    return _csv_table(name, rows)


def _unquoted_lines(text: str) -> list[str] | None:
    """The records of a CSV text without any quote, as its lines (what the csv module would read
    from it, split on the delimiter: no cell can hold a delimiter or a line end there); None when
    the text needs the csv module: a quote, a lone CR, or a line longer than a cell may be."""
    if '"' in text:
        return None
    if "\r" in text:
        if text.count("\r") != text.count("\r\n"):
            return None  # a lone CR (Excel for Mac) ends a record too: the csv module reads it
        lines = text.split("\r\n")
    else:
        lines = text.split("\n")
    if lines and not lines[-1]:
        lines.pop()  # the last line's end, not a blank record
    if lines and max(map(len, lines)) > csv.field_size_limit():
        return None  # the csv module says which record holds the over-long cell
    return lines


def _csv_table(name: str, rows: list[tuple[int, list[str]]]) -> Table:
    rows = [(n, c) for n, c in rows if any(x.strip() for x in c)]
    if not rows:
        raise InputError(Location(name), "tệp trống, cần một dòng tiêu đề và các dòng dữ liệu")
    header_row, header = rows[0]
    return Table(name, None, [nfc(h) for h in header], rows[1:], text_only=True)


def _read_xlsx(p: Path, name: str, sheet: str | None) -> Table:
    if not zipfile.is_zipfile(p):
        raise InputError(Location(name), "tệp không phải là Excel .xlsx hợp lệ (không mở được)")
    try:
        return _read_xlsx_calamine(p, name, sheet)
    except _CalamineCannot:
        # What the fast reader refuses (a damaged part, a number it cannot parse), openpyxl reads
        # or refuses with a message that names the sheet.
        return _read_xlsx_openpyxl(p, name, sheet)


class _CalamineCannot(Exception):
    pass


def _table_of_sheet(name: str, title: str, rows: list[tuple[int, list]], second_look=None) -> Table:
    header = rows[0][1]
    # The header may sit below a title; take the first row that names a unit column.
    for k, (_, cells) in enumerate(rows[:10]):
        if any(fold(_header_text(c)) in UNIT_HEADERS for c in cells):
            header, rows = cells, rows[k:]
            break
    while header and (header[-1] is None or header[-1] == ""):
        header = header[:-1]
    return Table(name, title, [nfc(_header_text(h)) for h in header], rows[1:], second_look)


def _header_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # a year typed as a number: "2020", as the sheet shows it
    return str(cell)


def _read_xlsx_calamine(p: Path, name: str, sheet: str | None) -> Table:
    """Values through calamine (Rust): several times faster than openpyxl on a national-scale sheet."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(p))
        names = list(wb.sheet_names)
    except Exception:  # a damaged archive or part: openpyxl says what it is
        raise _CalamineCannot from None
    try:
        if sheet and sheet not in names:
            raise InputError(Location(name), f"không có trang tính '{sheet}'; có: {', '.join(names)}")
        for title in [sheet] if sheet else names:
            try:
                ws = wb.get_sheet_by_name(title)
                data = ws.to_python(skip_empty_area=False)
                merged = ws.merged_cell_ranges or []
            except Exception:
                raise _CalamineCannot from None
            # Equal cells kept as one object, as for a CSV file (1 and 1.0 read alike; a row with
            # a true/false cell is kept as it is, since True == 1).
            once = {}.setdefault
            rows = [
                (n, cells if bool in map(type, cells) else list(map(once, cells, cells)))
                for n, cells in enumerate(data, start=1)
                if any(c != "" and (c.__class__ is not str or c.strip()) for c in cells)
            ]
            if rows:
                look = _SecondLook(p, name, title, data, merged)
                return _table_of_sheet(name, title, rows, look)
    finally:
        wb.close()
    raise InputError(Location(name), "tệp Excel không có dữ liệu")


def _read_xlsx_openpyxl(p: Path, name: str, sheet: str | None) -> Table:
    import openpyxl
    from openpyxl.utils.escape import unescape

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
                        # openpyxl leaves the text's character codes (_x005F_) as written; calamine decodes them.
                        rows.append((n, [unescape(c) if c.__class__ is str and "_x" in c else c for c in cells]))
            except Exception as e:  # openpyxl raises ValueError, ParseError, KeyError... for bad XML
                raise _unreadable_sheet(name, ws.title, e) from None
            if rows:
                return _table_of_sheet(name, ws.title, rows)
    finally:
        wb.close()
    raise InputError(Location(name), "tệp Excel không có dữ liệu")


def _unreadable_sheet(name: str, title: str, e: Exception) -> InputError:
    return InputError(
        Location(name, sheet=title),
        f"không đọc được trang tính (tệp Excel bị hỏng?): {type(e).__name__}: {e}",
    )


class _SecondLook:
    """What calamine cannot answer about a cell, asked of openpyxl once a cell has been refused.

    calamine gives a blank for a formula whose result the file does not hold (a workbook written by
    a program and never opened in Excel) and for an error value (``#REF!``), and reads ``nan`` or
    ``inf`` in a damaged sheet as numbers; openpyxl tells these apart. Only the refused cell is
    looked at again, so a good file is read once.
    """

    def __init__(self, path: Path, name: str, title: str, data: list[list], merged: list):
        self.path, self.name, self.title, self.data, self.merged = path, name, title, data, merged

    def __call__(self, err: InputError, recheck: Callable) -> InputError:
        loc = err.location
        m = re.fullmatch(r"([A-Z]+)(\d+)", loc.cell or "")
        if loc.sheet != self.title or m is None:
            return err
        col, row = _column_index(m.group(1)), int(m.group(2))
        cells = self.data[row - 1] if row <= len(self.data) else []
        value = cells[col] if col < len(cells) else ""
        finite = not isinstance(value, float) or math.isfinite(value)
        if value != "" and finite:
            return err
        try:
            seen, formula = self._openpyxl_cell(row, col)
        except InputError as e:
            return e
        if seen is None and isinstance(formula, str) and formula.startswith("="):
            return InputError(
                loc,
                f"ô có công thức '{formula}' nhưng tệp không lưu kết quả đã tính của công thức "
                "(tệp do một chương trình tạo, chưa mở bằng Excel); hãy mở tệp bằng Excel, lưu lại "
                "rồi nạp lại, hoặc ghi giá trị thay cho công thức",
            )
        if seen is not None and str(seen).strip() and (value == "" or seen != value):
            better = recheck(loc, row, col, seen)
            return better or InputError(loc, f"{err.message} (ô chứa '{seen}')")
        for (r0, c0), (r1, c1) in self.merged:
            if r0 <= row - 1 <= r1 and c0 <= col <= c1 and (row - 1, col) != (r0, c0):
                first = f"{_column_letter(c0)}{r0 + 1}"
                return InputError(
                    loc,
                    f"ô nằm trong vùng ô gộp {first}:{_column_letter(c1)}{r1 + 1}, chỉ ô {first} giữ giá trị; "
                    "hãy bỏ gộp ô và ghi giá trị vào từng ô" + _needed(err.message),
                )
        return err

    def _openpyxl_cell(self, row: int, col: int):
        import openpyxl

        found = []
        for data_only in (True, False):
            wb = openpyxl.load_workbook(self.path, read_only=True, data_only=data_only)
            try:
                ws = wb[self.title]
                value = None
                for cells in ws.iter_rows(min_row=row, max_row=row, values_only=True):
                    value = cells[col] if col < len(cells) else None
                found.append(value)
            except InputError:
                raise
            except Exception as e:
                raise _unreadable_sheet(self.name, self.title, e) from None
            finally:
                wb.close()
        return found[0], found[1]


def _needed(message: str) -> str:
    """'; cần …' of a refusal, to repeat after a better explanation."""
    k = message.find("; cần ")
    return message[k:] if k >= 0 else ""


# --- reading a period ------------------------------------------------------------------------


def read_period(path: str | Path, framework: Framework, sheet: str | None = None, max_errors: int = 1) -> PeriodData:
    """``max_errors``: how many refused cells to report at once (``InputErrors``, in row and form order);
    1, the default, stops at the first (``InputError``). The header's problems, and a row without a name
    or group, always stop the read. Nothing is returned from a file with any problem."""
    # The file's rows are gone by the time the collector runs again: it looks at the values once.
    with collector_paused():
        return _read_period(path, framework, sheet, max_errors)


def _read_period(path: str | Path, framework: Framework, sheet: str | None, max_errors: int) -> PeriodData:
    table = read_table(path, sheet)
    reader = _PeriodReader(table, framework, max(1, max_errors))
    try:
        return reader.read()
    except InputError as e:
        if table.second_look is None or isinstance(e, InputErrors):
            raise
        better = table.second_look(e, reader.recheck)
        if better is e:
            raise
        raise better from None


@dataclass
class Columns:
    """What the header row says: where the group, unit and total are, and each input's column."""

    group: int
    unit: int
    total: int | None
    inputs: dict[str, int]  # input id -> column

    @property
    def kind(self) -> str:
        return "inputs" if self.inputs else "totals"


def resolve_columns(table: Table, framework: Framework) -> Columns:
    """The header row checked against the framework (once per file): a missing unit or group
    column, an unknown column or an unrecognised table is refused at the header."""
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
                raise InputError(
                    table.where(row=1, col=i),
                    f"cột này và cột '{table.header[input_cols[iid]]}' cùng là chỉ tiêu '{iid}'",
                )
            input_cols[iid] = i
    for i, k in enumerate(keys):
        if i in (group_col, unit_col, total_col) or k in by_key or k in IGNORED_HEADERS or not k:
            continue
        raise InputError(
            table.where(row=1, col=i),
            "cột không có trong bộ tiêu chí "
            f"'{framework.id}'; cần mã hoặc tên một chỉ tiêu (xem: xephang template --framework {framework.id})",
        )
    columns = Columns(group_col, unit_col, total_col, input_cols)
    if columns.kind == "totals" and total_col is None:
        raise InputError(
            table.where(row=1),
            "không nhận ra bảng: cần cột 'tổng điểm' (bảng kết quả) hoặc các cột chỉ tiêu của bộ tiêu chí",
        )
    return columns


class _PeriodReader:
    def __init__(self, table: Table, fw: Framework, max_errors: int = 1):
        self.table, self.fw, self.max_errors = table, fw, max_errors
        self.parsers: dict[str, CellParser] = {}
        self.input_cols: dict[str, int] = {}
        self.total_col: int | None = None

    def parser(self, inp: Input) -> CellParser:
        p = self.parsers.get(inp.id)
        if p is None:
            p = self.parsers[inp.id] = parser_for(inp)
        return p

    def recheck(self, loc: Location, row: int, col: int, value) -> InputError | None:
        """The refusal a cell holding ``value`` gets, if any (for the second look at a sheet)."""
        try:
            for iid, c in self.input_cols.items():
                if c == col:
                    self.parser(self.fw.inputs[iid]).value(value, _text(value))
            if col == self.total_col:
                _total_value(value, self.fw)
        except CellError as e:
            return InputError(loc, e.message)
        return None

    def read(self) -> PeriodData:
        table, framework = self.table, self.fw
        columns = resolve_columns(table, framework)
        group_col, unit_col, total_col, kind = columns.group, columns.unit, columns.total, columns.kind
        self.total_col, self.input_cols = total_col, columns.inputs

        # Rows: names, groups and duplicates. A refusal here stops the rows; the inputs of the rows
        # above it are still checked, as their problems come first.
        units: list[UnitEntry] = []
        unit_cells: list[list] = []
        seen: dict[str, int] = {}
        groups: dict[str, object] = {}  # group text as written -> Group (each distinct text folded once)
        width = len(table.header)
        row_error = None
        for row_n, cells in table.rows:
            if len(cells) < width:
                cells = list(cells) + [None] * (width - len(cells))
            name = nfc(_text(cells[unit_col]))
            if not name:
                row_error = InputError(table.where(row_n, unit_col), "thiếu tên đơn vị")
                break
            gtext = nfc(_text(cells[group_col]))
            group = groups.get(gtext)
            if group is None:
                group = groups[gtext] = (framework.group(gtext) if gtext else None) or False
            if group is False:
                choices = "; ".join(f"{g.id} ({g.name})" for g in framework.groups)
                row_error = InputError(
                    table.where(row_n, group_col),
                    f"khối '{gtext}' không có trong bộ tiêu chí '{framework.id}'; cần một trong: {choices}",
                )
                break
            key = fold(name)
            if key in seen:
                row_error = InputError(table.where(row_n, unit_col), f"đơn vị '{name}' bị trùng với dòng {seen[key]}")
                break
            seen[key] = row_n
            entry = UnitEntry(name=name, group=group.id, row=row_n)
            if kind == "totals":
                entry.total = _total(table, row_n, total_col, cells[total_col], framework)
            units.append(entry)
            unit_cells.append(cells)

        values: dict[str, list] = {}
        not_applicable: dict[str, set[int]] = {}
        if kind == "inputs":
            values = {iid: [None] * len(units) for iid in framework.inputs}
            problems = self._inputs(units, unit_cells, values, not_applicable)
            if problems and self.max_errors == 1:
                raise problems[0]
            if row_error is not None:
                problems.append(row_error)
            if problems and self.max_errors > 1:
                raise InputErrors(problems[: self.max_errors], limit_reached=len(problems) > self.max_errors)
        if row_error is not None:
            raise row_error
        if not units:
            raise InputError(table.where(), "không có dòng dữ liệu nào dưới dòng tiêu đề")
        return PeriodData(
            source=table.file, kind=kind, units=units, values=values, not_applicable=not_applicable, sheet=table.sheet
        )

    def _inputs(self, units, unit_cells, values, not_applicable) -> list[InputError]:
        """Every input's column, read whole in file order for the units whose form holds it; the
        problems in (row, form order): the first only, unless several are asked for (``max_errors``)."""
        table, fw = self.table, self.fw
        by_group: dict[str, list[int]] = {}
        for i, u in enumerate(units):
            by_group.setdefault(u.group, []).append(i)
        problems: list[tuple[tuple[int, int, int], InputError]] = []  # ((unit, stage, order), error)
        form_order: dict[str, dict[str, int]] = {}  # group id -> input id -> place in the form
        readers: dict[str, list[str]] = {}  # input id -> the groups whose form holds it
        for gid, indices in by_group.items():
            order = form_order[gid] = {}
            for k, inp in enumerate(fw.inputs_for(gid)):
                order[inp.id] = k
                if inp.id in self.input_cols:
                    readers.setdefault(inp.id, []).append(gid)
                else:
                    problems.append(
                        (
                            (indices[0], 0, k),
                            InputError(
                                table.where(row=1),
                                f"thiếu cột '{inp.id}' ({inp.label}), cần cho các đơn vị thuộc khối '{gid}'",
                            ),
                        )
                    )
        # One pass of C over the rows makes the columns; each is read for all its units at once.
        columns = list(zip(*unit_cells)) if readers else []
        group_of = [u.group for u in units]
        for iid, gids in readers.items():
            inp, col = fw.inputs[iid], self.input_cols[iid]
            if len(gids) == len(by_group):
                indices, cells = range(len(units)), columns[col]
            else:  # some groups do not report this input: their cells are not read
                indices = sorted(chain.from_iterable(by_group[g] for g in gids))
                cells = [columns[col][i] for i in indices]
            column, refused = self._column(inp, col, indices, units, cells, not_applicable)
            problems.extend(((i, 0, form_order[group_of[i]][iid]), error) for i, error in refused)
            if indices.__class__ is range:
                values[iid] = column
            else:
                full = values[iid]
                for i, v in zip(indices, column):
                    full[i] = v
        for gid, indices in by_group.items():
            pairs = part_whole_pairs(fw, gid)
            if not pairs:
                continue
            # The units to look at as a whole: those where some part exceeds its whole (a column
            # comparison); the first of them, in file order, gets the unit's own check and message.
            suspects = set()
            for part, whole in pairs:
                pv, wv = values[part.id], values[whole.id]
                suspects.update(i for i in indices if pv[i] is not None and wv[i] is not None and pv[i] > wv[i])
            for i in sorted(suspects)[: 1 if self.max_errors == 1 else None]:
                names = {iid for pair in pairs for iid in (pair[0].id, pair[1].id)}
                iid, message = validate_unit(fw, gid, {n: values[n][i] for n in names}, pairs)[0]
                order_in_form = {inp.id: k for k, inp in enumerate(fw.inputs_for(gid))}
                where = table.where(units[i].row, self.input_cols[iid])
                problems.append(((i, 1, order_in_form[iid]), InputError(where, message)))
        problems.sort(key=lambda p: p[0])
        return [error for _, error in problems[: 1 if self.max_errors == 1 else None]]

    def _column(self, inp, col, indices, units, cells, not_applicable):
        """One input's cells for the units at ``indices`` (file order): their values, and [(unit
        index, error)] of the refused cells (the first only, unless several are asked for).

        Each distinct cell is read once (``CellParser.result``), then the column is filled from
        what each distinct cell gave; only a column holding a refusal or a 'không áp dụng' is
        walked cell by cell.
        """
        parser = self.parser(inp)
        true_false = not self.table.text_only and bool in set(map(type, cells))
        if not true_false:
            whole = parser.read_column(cells)
            if whole is not None:
                return whole, []
        memo = parser.results
        if true_false:
            # True == 1 == 1.0 as keys: beside a true/false cell, a cell that is not text is keyed
            # with its type (and kept apart from the columns without true/false cells).
            keys = [c if c.__class__ is str else (c.__class__, c) for c in cells]
            memo = parser.typed_results
        else:
            keys = cells
        distinct = set(keys)
        new = distinct.difference(memo)
        if new and memo is parser.results:
            new = parser.read_many(new)  # the plain cells at once; what is left, one by one
        for key in new:
            v = memo[key] = parser.result(key[1] if key.__class__ is tuple else key)
            if v is NOT_APPLICABLE or v.__class__ is CellError:
                parser.special.add(key)
        special = distinct.intersection(parser.special)
        if not special:
            return list(map(memo.__getitem__, keys)), []
        column = [None] * len(keys)
        refused = []
        marks: dict[str, list] = {}  # group -> criteria a "không áp dụng" cell marks, found on first use
        for n, (i, key) in enumerate(zip(indices, keys)):
            v = memo[key]
            if key in special:
                if v.__class__ is CellError:
                    refused.append((i, InputError(self.table.where(units[i].row, col), v.message)))
                    if self.max_errors == 1:
                        return column, refused
                    continue
                gid = units[i].group
                if gid not in marks:
                    marks[gid] = _na_marks(self.fw, gid, inp.id)
                if not marks[gid]:
                    refused.append(
                        (
                            i,
                            InputError(
                                self.table.where(units[i].row, col),
                                f"'{_text(cells[n])}': chỉ tiêu '{inp.label}' thuộc tiêu chí không được phép "
                                "đánh dấu 'không áp dụng'",
                            ),
                        )
                    )
                    if self.max_errors == 1:
                        return column, refused
                    continue
                for c in marks[gid]:
                    not_applicable.setdefault(c.id, set()).add(i)
                v = None
            column[n] = v
        return column, refused


def _na_marks(fw: Framework, group: str, input_id: str) -> list:
    """The criteria a 'không áp dụng' in this input's cell marks for a unit of ``group``: for every
    criterion reading the input, itself or the ancestor that may be marked; [] if one cannot be."""
    readers = fw.readers_of(input_id, group)
    marked = [a for c in readers for a in _na_owner(c, group)]
    if not marked or len(marked) < len(readers):
        return []
    return marked


def _na_owner(c, group: str):
    """The criterion (c or an ancestor) that may be marked not applicable."""
    node = c
    while node is not None:
        if node.may_be_not_applicable and node.applies_to(group):
            return [node]
        node = node.parent
    return []


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


# --- cells -----------------------------------------------------------------------------------


class CellError(Exception):
    """A refused cell: the message, without the location (the column reader adds it)."""

    def __init__(self, message: str, readings: tuple = ()):
        super().__init__(message)
        self.message = message
        self.readings = readings  # both readings of an ambiguous number such as 1.234


#: A cell saying "không áp dụng" (the column reader decides whether the criterion allows it).
NOT_APPLICABLE = object()


class CellParser:
    """Reads the cells of one input: the checks of its type and bounds, prepared once.

    Calling it reads a cell (raw, as the file holds it) into the stored value or ``NOT_APPLICABLE``,
    or raises ``CellError``. The column reader reads each distinct cell once: a column of 12,000
    units holds few distinct texts ("có", "không", small counts), so folding and Decimal work is
    done per text. Subclasses, one per input type, implement ``value``.
    """

    def __init__(self, inp: Input):
        self.inp = inp
        self.expected = _expected(inp)
        #: distinct cell -> what ``result`` gave (1 and 1.0 read alike; no true/false cell here)
        self.results: dict = {}
        #: the same, keyed (type, cell) for a cell that is not text, when true/false cells are about
        self.typed_results: dict = {}
        #: the keys of both whose result is a refusal or NOT_APPLICABLE
        self.special: set = set()

    def __call__(self, cell):
        v = self.result(cell)
        if v.__class__ is CellError:
            raise CellError(v.message)
        return v

    def result(self, cell):
        """The stored value, ``NOT_APPLICABLE`` or the ``CellError`` refusing the cell (not raised)."""
        try:
            return self.read(cell)
        except CellError as e:
            return e

    def read_many(self, cells: set) -> set:
        """Reads into ``results`` the distinct cells it can read at once (none here); returns the
        others, each to be read by ``result``."""
        return cells

    def read_column(self, cells) -> list | None:
        """The values of a whole column read at once, when that is quicker than reading each
        distinct cell once (never here); None: the column is read distinct cell by distinct cell."""
        return None

    def read(self, cell):
        text = _text(cell)
        if text and fold(text) in NA_WORDS:
            return NOT_APPLICABLE
        return self.value(cell, text)

    def value(self, cell, text: str):  # pragma: no cover - every type has its own
        raise NotImplementedError

    def blank(self):
        return CellError(f"ô trống; cần {self.expected}")


class YesNoParser(CellParser):
    def value(self, cell, text):
        if not text:
            raise self.blank()
        if isinstance(cell, bool):
            return cell
        k = fold(text)
        if k in YES_WORDS:
            return True
        if k in NO_WORDS:
            return False
        raise CellError(f"'{text}': cần 'có' hoặc 'không'")


class ChoiceParser(CellParser):
    def __init__(self, inp: Input):
        super().__init__(inp)
        self.options: dict[str, str] = {}
        for o in inp.options:  # the first option that matches, as the form lists them
            self.options.setdefault(fold(o.id), o.id)
            self.options.setdefault(fold(o.label), o.id)

    def value(self, cell, text):
        if not text:
            raise self.blank()
        found = self.options.get(fold(text))
        if found is None:
            raise CellError(f"'{text}': cần {self.expected}")
        return found


#: A plain decimal number as typed or as the shortest text of a float (no sign, exponent, %).
_SIMPLE = re.compile(r"(\d{1,12})(?:([.,])(\d{1,15}))?")
_DECIMAL_STEP = [10 ** (15 - n) for n in range(16)]
#: The texts ``NumberParser.read`` takes without Decimal, as one pattern: ``_SIMPLE`` less the
#: ``1.234`` that could be thousands (three decimals after one to three digits not starting with 0).
_PLAIN_TEXT = re.compile(r"\d{1,12}(?:[.,](?:\d{1,2}|\d{4,15}))?|0\d{0,11}[.,]\d{3}|\d{4,12}[.,]\d{3}", re.ASCII)
#: The shortest text of a typed number that ``NumberParser.read`` takes (every decimal count).
_PLAIN_TYPED = re.compile(r"\d{1,12}(?:\.\d{1,15})?", re.ASCII)
#: Lines that each match the pattern: a whole column's cells joined, checked at once.
_PLAIN_TEXTS = re.compile(f"(?:(?:{_PLAIN_TEXT.pattern})\n)*(?:{_PLAIN_TEXT.pattern})", re.ASCII)
_PLAIN_TYPEDS = re.compile(f"(?:(?:{_PLAIN_TYPED.pattern})\n)*(?:{_PLAIN_TYPED.pattern})", re.ASCII)
_TIMES_SCALE = f"E{SCALE_DIGITS}"
_SCALE_ZEROS = "0" * SCALE_DIGITS


def _fixed_lines(joined: str) -> list[int]:
    """The fixed-point values of plain numbers (``_PLAIN_TEXT`` or ``_PLAIN_TYPED``), one per line:
    each written with the exponent of the scale ("12.5E15"), which Decimal reads exactly, as int."""
    if "," in joined:
        joined = joined.replace(",", ".")
    if "." not in joined:  # whole numbers (counts): the scale's zeros written after the digits, read by int
        return list(map(int, (joined.replace("\n", _SCALE_ZEROS + "\n") + _SCALE_ZEROS).split("\n")))
    return list(map(int, map(Decimal, (joined.replace("\n", _TIMES_SCALE + "\n") + _TIMES_SCALE).split("\n"))))


class NumberParser(CellParser):
    """count, number, ratio, points: exact fixed point; an ambiguous ``1.234`` is settled by the
    input's bounds when only one of its two readings is allowed."""

    def __init__(self, inp: Input):
        super().__init__(inp)
        self.ratio = inp.type == "ratio"
        self.whole = inp.type == "count"
        self.low = inp.min if inp.min is not None else 0
        self.high = inp.max if inp.max is not None else 10**13 * SCALE

    def read_many(self, cells: set) -> set:
        """The same values ``read`` gives, for a whole column's plain numbers at once: the texts
        are checked by one pattern and scaled by Decimal in C, without a Python call per cell.
        A batch whose values leave the bounds is read cell by cell (its refusals say why)."""
        kinds = set(map(type, cells))
        if kinds == {str}:  # a CSV column
            texts, typed, left = list(cells), [], set()
        elif kinds <= {float, int}:  # a sheet's column of numbers
            texts, typed, left = [], list(cells), set()
        else:
            texts = [c for c in cells if c.__class__ is str]
            typed = [c for c in cells if c.__class__ is float or c.__class__ is int]
            left = {c for c in cells if c.__class__ is not str and c.__class__ is not float and c.__class__ is not int}
        if texts:
            joined = "\n".join(texts)  # the usual column is checked by one call of the pattern
            if joined.count("\n") != len(texts) - 1 or not _PLAIN_TEXTS.fullmatch(joined):
                match = _PLAIN_TEXT.fullmatch
                left.update(c for c in texts if not match(c))
                texts = list(filter(match, texts))
                joined = "\n".join(texts)
            # A ratio written as text above 1 ("1.5") is refused even when the bounds allow it.
            left.update(self._scaled(texts, joined, min(self.high, SCALE) if self.ratio else self.high))
        if typed:
            reprs = list(map(repr, typed))
            joined = "\n".join(reprs)
            if not _PLAIN_TYPEDS.fullmatch(joined):
                matched = list(map(_PLAIN_TYPED.fullmatch, reprs))  # a match, or None
                left.update(c for c, ok in zip(typed, matched) if not ok)
                typed = list(compress(typed, matched))
                joined = "\n".join(compress(reprs, matched))
            left.update(self._scaled(typed, joined, self.high))
        return left

    def _scaled(self, cells: list, joined: str, high: int) -> list:
        """Stores the fixed-point values of ``cells`` (plain numbers, written as the lines of
        ``joined``) if all are within ``low``..``high`` (and whole for a count); otherwise returns
        them unread."""
        if not cells:
            return cells
        values = _fixed_lines(joined)
        if not self._allowed(values, high):
            return cells
        self.results.update(zip(cells, values))
        return []

    def _allowed(self, values: list[int], high: int) -> bool:
        return min(values) >= self.low and max(values) <= high and not (self.whole and any(map(SCALE.__rmod__, values)))

    def read_column(self, cells) -> list[int] | None:
        """A column of mostly distinct plain numbers (amounts, shares of a national-scale file), read
        whole: the texts checked by one pattern and scaled in C, the same values ``read`` gives.
        None when the column repeats its cells (each distinct one is read once then) or holds a cell
        that is not a plain number within the bounds (its refusal, or its reading, is ``read``'s)."""
        sample = cells[:64]
        if len(sample) < 64 or len(set(sample)) < 48:
            return None
        kinds = set(map(type, cells))
        if kinds == {str}:
            joined = "\n".join(cells)
            if joined.count("\n") != len(cells) - 1 or not _PLAIN_TEXTS.fullmatch(joined):
                return None
            high = min(self.high, SCALE) if self.ratio else self.high  # "1.5" is no ratio, as in read_many
        elif kinds <= {float, int}:
            joined = "\n".join(map(repr, cells))
            if not _PLAIN_TYPEDS.fullmatch(joined):
                return None
            high = self.high
        else:
            return None
        values = _fixed_lines(joined)
        return values if self._allowed(values, high) else None

    def read(self, cell):
        # The common case without Decimal: "85", "0,5", 0.25; anything else takes the full path.
        cls = cell.__class__
        v = None
        if cls is str:
            m = _SIMPLE.fullmatch(cell)
            if m is not None:
                whole, _, frac = m.groups()
                if frac is None:
                    v = int(whole) * SCALE
                elif len(frac) != 3 or whole[0] == "0" or len(whole) > 3:  # else: thousands or decimals?
                    v = int(whole) * SCALE + int(frac) * _DECIMAL_STEP[len(frac)]
                if v is not None and self.ratio and v > SCALE:
                    v = None  # "1.5" in a ratio: the full path says why it is refused
        elif cls is float:
            if cell.is_integer():
                if 0 <= cell < 1e12:
                    v = int(cell) * SCALE
            elif math.isfinite(cell):
                m = _SIMPLE.fullmatch(repr(cell))
                if m is not None:
                    whole, _, frac = m.groups()
                    v = int(whole) * SCALE + int(frac) * _DECIMAL_STEP[len(frac)]
        elif cls is int and 0 <= cell < 10**12:
            v = cell * SCALE
        if v is not None and not (self.whole and v % SCALE) and self.low <= v <= self.high:
            return v
        return super().read(cell)

    def value(self, cell, text):
        if not text:
            raise self.blank()
        try:
            d = _decimal(cell, self.expected)
        except CellError as e:
            fits = []
            for reading in e.readings:
                try:
                    fits.append(self.check(cell, text, reading))
                except CellError:
                    pass
            if len(fits) == 1:
                return fits[0]
            raise
        return self.check(cell, text, d)

    def check(self, cell, text: str, d: Decimal) -> int:
        inp, expected = self.inp, self.expected
        if self.ratio and d > 1 and isinstance(cell, str) and not cell.strip().endswith("%"):
            raise CellError(f"tỷ lệ {text} lớn hơn 1; cần {expected}")
        try:
            v = to_fixed(d)
        except NumberFormatError as e:
            raise CellError(str(e)) from None
        if v < 0:
            raise CellError(f"giá trị âm ({text}); cần {expected}")
        if self.whole and v % SCALE:
            raise CellError(f"'{text}' không phải số nguyên; cần {expected}")
        if inp.min is not None and v < inp.min:
            raise CellError(f"{text} nhỏ hơn mức tối thiểu; cần {expected}")
        if inp.max is not None and v > inp.max:
            what = "tỷ lệ lớn hơn 1" if self.ratio else f"{text} lớn hơn mức tối đa"
            raise CellError(f"{what}; cần {expected}")
        return v


class ListParser(CellParser):
    """Named items, one cell: 'Quản lý văn bản; Một cửa điện tử' (or one per line)."""

    def value(self, cell, text):
        if not text:
            raise self.blank()
        return split_items(text)


#: One parser class per input type; a new type adds its own.
PARSERS: dict[str, type[CellParser]] = {
    "yesno": YesNoParser,
    "choice": ChoiceParser,
    "list": ListParser,
    "count": NumberParser,
    "number": NumberParser,
    "ratio": NumberParser,
    "points": NumberParser,
}


def parser_for(inp: Input) -> CellParser:
    return PARSERS[inp.type](inp)


def _decimal(cell, what: str) -> Decimal:
    if isinstance(cell, bool):
        raise CellError(f"cần {what}, không phải giá trị đúng/sai")
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, float):
        if cell != cell or cell in (float("inf"), float("-inf")):  # a damaged or hand-made workbook
            raise CellError(f"ô chứa giá trị không hữu hạn ({cell}); cần {what}")
        return Decimal(repr(cell))  # the shortest text of the typed value: 85.03, not 85.0299999...
    try:
        return parse_number(_text(cell))
    except NumberFormatError as e:
        raise CellError(f"{e}; cần {what}", getattr(e, "readings", ())) from None


def _number(table, row_n, col, cell, what: str) -> Decimal:
    try:
        return _decimal(cell, what)
    except CellError as e:
        raise InputError(table.where(row_n, col), e.message) from None


def _total_value(cell, fw: Framework) -> int:
    try:
        d = _decimal(cell, f"tổng điểm từ 0 đến {_scale_text(fw)}")
    except CellError as e:
        fits = []
        for reading in e.readings:
            try:
                fits.append(_total_check(reading, fw))
            except CellError:
                pass
        if len(fits) == 1:
            return fits[0]
        raise
    return _total_check(d, fw)


def _scale_text(fw: Framework) -> str:
    return format_number(from_fixed(fw.scale), 0)


def _total_check(d: Decimal, fw: Framework) -> int:
    if fw.report == "index" and d <= 1:
        d = d * from_fixed(fw.scale)  # a published index (0..1) is points / scale
    try:
        value = to_fixed(d)
    except NumberFormatError as e:
        raise CellError(str(e)) from None
    if value < 0 or value > fw.scale:
        raise CellError(f"tổng điểm {d} nằm ngoài thang điểm 0 đến {_scale_text(fw)}")
    return value


def _total(table, row_n, col, cell, fw: Framework) -> int:
    try:
        return _total_value(cell, fw)
    except CellError as e:
        raise InputError(table.where(row_n, col), e.message) from None


def _value(table, row_n, col, cell, inp: Input):
    """One cell of an input, without the 'không áp dụng' question (which belongs to the unit)."""
    try:
        return parser_for(inp).value(cell, _text(cell))
    except CellError as e:
        raise InputError(table.where(row_n, col), e.message) from None


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
