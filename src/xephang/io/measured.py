"""Figures measured for all units at once: a feed (CSV or .xlsx) of system-measured indicators (the
online-service portal's share of end-to-end applications) and survey answers, for the inputs the
criteria set marks ``source: system-measured`` or ``survey``.

A feed has one row per unit and indicator, columns ``đơn vị`` (the unit's name), ``chỉ tiêu`` (the
input's id or label, or the id of a criterion that reads a single input), ``giá trị`` (the figure,
read as the period file reads it: ``90%``, ``0,9``) and optionally ``ngày`` (the date measured,
``30/11/2025`` or ``2025-11-30``). A survey indicator (an input with ``survey:`` options and weights)
may instead have one row per answer, with ``phương án`` (the option's id or label) and the number of
answers in ``giá trị``; its value is Σ answers × weight / Σ answers, exactly.

Every unreadable cell is reported at once, each naming file, sheet, row and column; nothing is
returned from a feed with any error.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Location, XephangError
from ..framework.model import Framework, Input
from ..numbers import SCALE, div_half_up, plain
from ..text import fold, nfc
from .reader import UNIT_HEADERS, _value, read_table

INDICATOR_HEADERS = {fold(h) for h in ("chỉ tiêu", "chỉ số", "indicator", "input", "mã chỉ tiêu")}
VALUE_HEADERS = {fold(h) for h in ("giá trị", "số liệu", "value", "số phiếu")}
OPTION_HEADERS = {fold(h) for h in ("phương án", "phương án trả lời", "option", "answer")}
DATE_HEADERS = {fold(h) for h in ("ngày", "ngày đo", "date", "thời điểm")}


class FeedError(XephangError):
    """A feed with one or more unreadable cells; ``problems`` lists each, located."""

    def __init__(self, file: str, problems: list[str]):
        self.problems = problems
        head = f"{len(problems)} lỗi trong tệp số liệu đo {file}; không nhập gì từ tệp này:"
        super().__init__(head + "".join(f"\n  - {p}" for p in problems))


@dataclass
class MeasuredFigure:
    """One unit's figure for one measured input, as the feed gives it (or as its survey answers give it)."""

    unit: str  # the unit's name as the period knows it
    input_id: str
    value: int  # fixed point (a ratio 0..1, a count, a number)
    source: str  # system-measured | survey
    date: str  # ISO date measured ("" if the feed gives none)
    rows: list[int] = field(default_factory=list)  # rows of the feed it comes from
    answers: dict[str, int] = field(default_factory=dict)  # survey: option id -> number of answers

    @property
    def text(self) -> str:
        """The figure as a form stores it (what a unit would have typed)."""
        return plain(self.value)

    def describe(self, inp: Input) -> str:
        """'4 phiếu: Rất hài lòng 3 (100 %), ...' for a survey; the value for any other figure."""
        if not self.answers:
            return self.text
        total = sum(self.answers.values())
        labels = {o.id: (o.label, o.weight) for o in inp.survey}
        parts = [f"{labels[k][0]} {n} ({plain(labels[k][1] * 100)} %)" for k, n in self.answers.items() if n]
        return f"{total} phiếu: " + "; ".join(parts) + f" → {plain(self.value)}"


#: Beside a period's data file, the source and date of every figure ``import-measured`` wrote into it.
STAMPS_FILE = "so-lieu-do.yaml"


def stamp_text(stamp: dict) -> str:
    """Where a measured figure comes from, in words: 'hệ thống đo tự động, ngày 30/11/2025, tệp do-luong.csv'
    (the date measured when the feed gives one, else the date it was imported)."""
    from ..framework.model import DATA_SOURCES

    parts = [DATA_SOURCES.get(stamp.get("source", ""), stamp.get("source", ""))]
    answers = stamp.get("answers")
    if isinstance(answers, dict) and answers:
        parts.append(f"{sum(int(n) for n in answers.values())} phiếu")
    if stamp.get("date"):
        parts.append(f"ngày {_dmy(stamp['date'])}")
    elif stamp.get("imported"):
        parts.append(f"nhập ngày {_dmy(stamp['imported'])}")
    if stamp.get("feed"):
        parts.append(f"tệp {stamp['feed']}")
    return ", ".join(p for p in parts if p)


def _dmy(iso: str) -> str:
    try:
        return f"{dt.date.fromisoformat(str(iso)):%d/%m/%Y}"
    except ValueError:
        return str(iso)


def write_stamps(data_path: str | Path, fw: Framework, figures: list[MeasuredFigure], feed: str) -> Path:
    """Record each figure's source, date and feed in ``so-lieu-do.yaml`` beside the period's data file;
    stamps of figures not in this feed are kept."""
    import yaml

    data_path = Path(data_path)
    stamps_path = data_path.parent / STAMPS_FILE
    old = yaml.safe_load(stamps_path.read_text(encoding="utf-8")) if stamps_path.exists() else None
    new = {(f.unit, f.input_id) for f in figures}
    kept = [e for e in (old or {}).get("figures", []) if (e.get("unit"), e.get("input")) not in new]
    stamps = {
        "framework": fw.id,
        "data": data_path.name,
        "figures": kept
        + [
            {
                "unit": f.unit,
                "input": f.input_id,
                "value": f.text,
                "source": f.source,
                "date": f.date,
                "feed": feed,
                "imported": dt.date.today().isoformat(),
                **({"answers": f.answers} if f.answers else {}),
            }
            for f in figures
        ],
    }
    stamps_path.write_text(yaml.safe_dump(stamps, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return stamps_path


def read_stamps(data_path: str | Path) -> dict[tuple[str, str], dict]:
    """(folded unit name, input id) -> the stamp ``write_stamps`` recorded for the period's data file;
    empty when there is none, or when it was written for another data file."""
    import yaml

    data_path = Path(data_path)
    stamps_path = data_path.parent / STAMPS_FILE
    if not stamps_path.is_file():
        return {}
    try:
        doc = yaml.safe_load(stamps_path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise XephangError(f"{stamps_path.name}: không đọc được ({e})") from None
    if not isinstance(doc, dict) or doc.get("data") != data_path.name:
        return {}
    return {
        (fold(str(e.get("unit", ""))), str(e.get("input", ""))): e
        for e in doc.get("figures") or []
        if isinstance(e, dict)
    }


def read_feed(path: str | Path, fw: Framework, units: dict[str, str], sheet: str | None = None) -> list[MeasuredFigure]:
    """The figures of a feed for ``units`` (folded name -> name as the period knows it).

    Raises ``FeedError`` listing every problem (file, sheet, row, column, what was expected)."""
    table = read_table(path, sheet)
    keys = [fold(h) for h in table.header]
    problems: list[str] = []

    def col(names: set[str], what: str, required: bool = True) -> int | None:
        k = next((i for i, h in enumerate(keys) if h in names), None)
        if k is None and required:
            problems.append(f"{Location(table.file, table.sheet)}: thiếu cột '{what}'")
        return k

    c_unit = col(UNIT_HEADERS, "đơn vị")
    c_ind = col(INDICATOR_HEADERS, "chỉ tiêu")
    c_val = col(VALUE_HEADERS, "giá trị")
    c_opt = col(OPTION_HEADERS, "phương án", required=False)
    c_date = col(DATE_HEADERS, "ngày", required=False)
    if problems:
        raise FeedError(table.file, problems)
    measured = fw.measured_inputs()
    by_name = _indicator_names(fw)
    figures: dict[tuple[str, str], MeasuredFigure] = {}
    for row_n, cells in table.rows:
        cells = list(cells) + [None] * (len(table.header) - len(cells))

        def bad(c: int, message: str, row_n: int = row_n) -> None:
            problems.append(f"{table.where(row_n, c)}: {message}")

        def text(c: int | None, cells: list = cells) -> str:
            return "" if c is None or cells[c] is None else nfc(str(cells[c])).strip()

        unit = units.get(fold(text(c_unit)))
        if unit is None:
            bad(
                c_unit,
                f"'{text(c_unit)}' không phải đơn vị của kỳ đánh giá" if text(c_unit) else "ô trống; cần tên đơn vị",
            )
            continue
        iid = by_name.get(fold(text(c_ind)))
        if iid is None:
            bad(
                c_ind,
                f"'{text(c_ind)}' không phải chỉ tiêu của bộ tiêu chí '{fw.id}'"
                if text(c_ind)
                else "ô trống; cần mã hoặc tên chỉ tiêu",
            )
            continue
        inp = fw.inputs[iid]
        if iid not in measured:
            bad(
                c_ind,
                f"chỉ tiêu '{inp.label}' do đơn vị tự báo cáo, không nhập từ tệp số liệu đo (bộ tiêu chí "
                "ghi source: system-measured hoặc survey cho chỉ tiêu đo)",
            )
            continue
        date = ""
        if c_date is not None and text(c_date):
            date = _date(cells[c_date])
            if date is None:
                bad(c_date, f"'{text(c_date)}' không phải ngày; cần dạng 30/11/2025 hoặc 2025-11-30")
                continue
        option = text(c_opt) if c_opt is not None else ""
        key = (unit, iid)
        if option:
            if not inp.survey:
                bad(c_opt, f"chỉ tiêu '{inp.label}' không phải câu hỏi điều tra có phương án trả lời; bỏ trống cột này")
                continue
            opt = next((o for o in inp.survey if fold(option) in (fold(o.id), fold(o.label))), None)
            if opt is None:
                bad(
                    c_opt,
                    f"'{option}' không phải phương án của '{inp.label}'; cần một trong: "
                    + ", ".join(f"'{o.label}'" for o in inp.survey),
                )
                continue
            try:
                n = _value(table, row_n, c_val, cells[c_val], Input("so_phieu", "số phiếu trả lời", "count"))
            except InputError as e:
                problems.append(str(e))
                continue
            fig = figures.get(key)
            if fig is not None and not fig.answers:
                bad(c_opt, f"'{inp.label}' của '{unit}' đã có giá trị ở dòng {fig.rows[0]}; không ghi thêm phương án")
                continue
            fig = figures.setdefault(key, MeasuredFigure(unit, iid, 0, measured[iid], date))
            if opt.id in fig.answers:
                bad(c_opt, f"phương án '{opt.label}' của '{unit}' đã có ở dòng {fig.rows[-1]}")
                continue
            fig.answers[opt.id] = n // SCALE
            fig.rows.append(row_n)
            fig.date = fig.date or date
            continue
        if key in figures:
            bad(c_ind, f"'{inp.label}' của '{unit}' đã có ở dòng {figures[key].rows[0]}")
            continue
        try:
            value = _value(table, row_n, c_val, cells[c_val], inp)
        except InputError as e:
            problems.append(str(e))
            continue
        figures[key] = MeasuredFigure(unit, iid, value, measured[iid], date, [row_n])
    for fig in figures.values():
        if fig.answers:
            inp = fw.inputs[fig.input_id]
            total = sum(fig.answers.values())
            if total == 0:
                problems.append(
                    f"{Location(table.file, table.sheet, fig.rows[0])}: '{inp.label}' của "
                    f"'{fig.unit}' không có phiếu trả lời nào"
                )
                continue
            weights = {o.id: o.weight for o in inp.survey}
            fig.answers = {o.id: fig.answers.get(o.id, 0) for o in inp.survey}
            fig.value = div_half_up(sum(n * weights[k] for k, n in fig.answers.items()), total)
    if problems:
        raise FeedError(table.file, problems)
    if not figures:
        raise FeedError(table.file, [f"{Location(table.file, table.sheet)}: không có dòng số liệu nào"])
    return list(figures.values())


def _indicator_names(fw: Framework) -> dict[str, str]:
    """Folded id or label of an input, or id of a criterion reading a single input -> input id."""
    out: dict[str, str] = {}
    for c in fw.all_criteria():
        own = c.own_inputs() if c.rule is not None else []
        if len(own) == 1:
            out.setdefault(fold(c.id), own[0])
    for inp in fw.inputs.values():
        out[fold(inp.label)] = inp.id
        out[fold(inp.id)] = inp.id
    return out


def _date(cell) -> str | None:
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    text = str(cell).strip()
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text) or None
    try:
        if m:
            return dt.date(int(m[3]), int(m[2]), int(m[1])).isoformat()
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def period_units(path: str | Path, sheet: str | None = None) -> dict[str, str]:
    """Folded name -> name of the units of a period file (its 'đơn vị' column)."""
    table = read_table(path, sheet)
    keys = [fold(h) for h in table.header]
    k = next((i for i, h in enumerate(keys) if h in UNIT_HEADERS), None)
    if k is None:
        raise InputError(table.where(row=1), "thiếu cột tên đơn vị ('đơn vị' hoặc 'unit')")
    return {fold(str(c[k])): nfc(str(c[k])).strip() for _, c in table.rows if k < len(c) and c[k]}


def merge_into_period_file(
    path: str | Path, fw: Framework, figures: list[MeasuredFigure], sheet: str | None = None
) -> int:
    """Write the figures into a period file (CSV or .xlsx), in the columns of their inputs (added,
    headed by the input's id, where the file has none). All or nothing: the result is checked by the
    period reader before it replaces the file. Returns the number of cells written."""
    import os
    import tempfile

    from .reader import read_period

    p = Path(path)
    wanted = {(fold(f.unit), f.input_id): f.text for f in figures}
    names = _column_names(fw)
    fd, tmp = tempfile.mkstemp(suffix=p.suffix, dir=p.parent, prefix=".nhap-")
    os.close(fd)
    try:
        if p.suffix.lower() in (".xlsx", ".xlsm"):
            written = _merge_xlsx(p, Path(tmp), wanted, names, sheet)
        else:
            written = _merge_csv(p, Path(tmp), wanted, names)
        read_period(tmp, fw, sheet)  # every cell checked as any period file's: nothing half-written
        os.replace(tmp, p)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return written


def _column_names(fw: Framework) -> dict[str, str]:
    """Folded column heading -> input id, as the period reader matches them."""
    out: dict[str, str] = {}
    for inp in fw.inputs.values():
        out[fold(inp.id)] = inp.id
        out.setdefault(fold(inp.label), inp.id)
    for c in fw.all_criteria():
        own = c.inputs()
        if len(own) == 1:
            out.setdefault(fold(c.id), own[0])
    return out


def _columns(header: list, names: dict[str, str], wanted: dict) -> tuple[int, dict[str, int], list[str]]:
    keys = [fold(str(h or "")) for h in header]
    unit_col = next(i for i, h in enumerate(keys) if h in UNIT_HEADERS)
    cols = {names[k]: i for i, k in enumerate(keys) if k in names}
    added = [iid for iid in dict.fromkeys(iid for _, iid in wanted) if iid not in cols]
    for iid in added:
        cols[iid] = len(header) + added.index(iid)
    return unit_col, cols, added


def _merge_csv(src: Path, dst: Path, wanted: dict, names: dict[str, str]) -> int:
    import csv
    import io

    text = src.read_bytes().decode("utf-8-sig")
    first = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    head_at = next(i for i, r in enumerate(rows) if any(str(c).strip() for c in r))
    unit_col, cols, added = _columns(rows[head_at], names, wanted)
    rows[head_at] = rows[head_at] + added
    written = 0
    for r in rows[head_at + 1 :]:
        if not any(str(c).strip() for c in r):
            continue
        r.extend([""] * (len(rows[head_at]) - len(r)))
        unit = fold(r[unit_col]) if unit_col < len(r) else ""
        for iid, k in cols.items():
            if (unit, iid) in wanted:
                r[k] = wanted[(unit, iid)]
                written += 1
    with dst.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return written


def _merge_xlsx(src: Path, dst: Path, wanted: dict, names: dict[str, str], sheet: str | None) -> int:
    import openpyxl

    wb = openpyxl.load_workbook(src)
    sheets = [wb[sheet]] if sheet and sheet in wb.sheetnames else wb.worksheets
    for ws in sheets:
        for head_row in range(1, min(ws.max_row, 15) + 1):
            header = [c.value for c in ws[head_row]]
            if any(fold(str(h or "")) in UNIT_HEADERS for h in header):
                break
        else:
            continue
        unit_col, cols, added = _columns(header, names, wanted)
        for k, iid in enumerate(added):
            ws.cell(head_row, len(header) + k + 1, iid)
        written = 0
        for row in range(head_row + 1, ws.max_row + 1):
            unit = fold(str(ws.cell(row, unit_col + 1).value or ""))
            for iid, k in cols.items():
                if (unit, iid) in wanted:
                    ws.cell(row, k + 1, wanted[(unit, iid)])
                    written += 1
        wb.save(dst)
        return written
    raise InputError(Location(src.name), "không tìm thấy bảng có cột 'đơn vị' trong tệp Excel")
