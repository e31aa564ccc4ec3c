"""Bad input, at scale: property-based tests of the CSV and Excel importers.

The invariant, for any bytes a user may upload: ``read_period`` returns a valid ``PeriodData`` or
raises an ``InputError`` whose Vietnamese message names the file (and, where it can, the sheet, row
or cell and column). Never another exception. When it succeeds, scoring and ranking must not raise
either. The regression tests at the end are the crashes these properties found, kept deterministic.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import re
import unicodedata
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from xephang.errors import InputError
from xephang.framework import load_framework
from xephang.io.reader import read_period
from xephang.numbers import SCALE, to_fixed
from xephang.period import PeriodData
from xephang.ranking import rank
from xephang.scoring.engine import score

DATA = Path(__file__).parent / "data"
MINI = load_framework(DATA / "mini.yaml")
# XEPHANG_FUZZ_FACTOR=50 for a long local hunt; CI runs the default, a few seconds per file.
FACTOR = int(os.environ.get("XEPHANG_FUZZ_FACTOR", "1"))
FUZZ = settings(max_examples=100 * FACTOR, deadline=None, suppress_health_check=[HealthCheck.too_slow])

INPUT_COLUMNS = [
    "staff",
    "with_pc",
    "av_ratio",
    "mbps",
    "has_fw",
    "n_meet",
    "head_kind",
    "wan_r",
    "apps",
    "std_a",
    "std_b",
    "council_pts",
    "late",
]
VALID_ROW = {
    "staff": "100",
    "with_pc": "90",
    "av_ratio": "0,5",
    "mbps": "200",
    "has_fw": "có",
    "n_meet": "3",
    "head_kind": "Chủ tịch",
    "wan_r": "1",
    "apps": "5",
    "std_a": "không",
    "std_b": "có",
    "council_pts": "8",
    "late": "1",
}
UNIT_NAMES = ["Sở A", "Sở B", "Huyện C", "UBND huyện Đông Sơn", "Sở Tư pháp", "sở a", " Sở  B "]
GROUPS = ["so", "huyen", "Khối sở", "sở", "ban", "HUYỆN", "xyz", ""]


def _has_vietnamese(text: str) -> bool:
    """A Vietnamese sentence has letters with diacritics (ô, ệ, đ...); an English message has none."""
    return any(ch in "đĐ" or unicodedata.normalize("NFD", ch) != ch for ch in text)


def check_read(path: Path, framework=MINI, sheet: str | None = None):
    """The invariant. Returns the ranking when the file was accepted, None when it was refused."""
    try:
        data = read_period(path, framework, sheet=sheet)
    except InputError as e:
        # The message a clerk sees: where, then what; never Python's own words for a crash.
        assert e.location.file in (path.name, str(path)), e
        assert str(e).startswith(f"tệp {e.location.file}"), e
        assert e.message.strip() and _has_vietnamese(e.message), e
        assert "Traceback" not in str(e)
        event("refused: " + re.sub(r"'[^']*'|\d+", "_", e.message)[:50])
        return None
    event(f"accepted ({data.kind})")
    assert isinstance(data, PeriodData)
    assert data.units
    for u in data.units:
        assert u.name and u.name == unicodedata.normalize("NFC", u.name)
        assert framework.group(u.group) is not None
    if data.kind == "inputs":
        for iid, column in data.values.items():
            assert len(column) == len(data.units), iid
            for v in column:
                assert v is None or isinstance(v, (bool, int, str)), (iid, v)
    scored = score(framework, data)
    ranking = rank(scored, framework.ties)
    ranked = [u for g in ranking.groups for u in g.units]
    assert len(ranked) == len(data.units)
    for u in ranked:
        assert isinstance(u.total, int) and 0 <= u.total <= framework.scale
        assert isinstance(u.shown, Decimal)
    return ranking


# --- CSV -------------------------------------------------------------------------------------

NUMBER_TEXTS = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.decimals(min_value=-1000, max_value=10**6, allow_nan=False, allow_infinity=False, places=3).map(str),
    st.sampled_from(
        [
            "85,03",
            "85.03",
            "1.234,5",
            "1,234.5",
            "1.234",
            "1,234",
            "1.234.567",
            "1 234",
            "1\u00a0234",
            "12,5%",
            "100%",
            "150%",
            "-0",
            "+5",
            "0,0000000000000001",
            "0.1234567890123456789",
            "1E-05",
            "1e3",
            "1E999999",
            "1E-999999",
            "9" * 40,
            "9" * 5000,
            "0x10",
            "١٢",
            "½",
            "1_000",
            "NaN",
            "inf",
            "-inf",
            "∞",
            "5 người",
            "3 cuộc",
            "=1+1",
            "#DIV/0!",
            "#N/A",
            ".5",
            "5.",
            ",5",
        ]
    ),
)
WORDS = st.sampled_from(
    [
        "có",
        "không",
        "Có",
        "KHÔNG",
        "yes",
        "no",
        "x",
        "đạt",
        "không đạt",
        "KAD",
        "không áp dụng",
        "n/a",
        "NA",
        "Chủ tịch",
        "Phó Chủ tịch",
        "Không có",
        "chu_tich",
        "pho",
        "khong",
        "true",
    ]
)
NASTY = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            " ",
            '"',
            '""',
            'a"b',
            "\x00",
            "\ufeff",
            "\r",
            "\n",
            "a\nb",
            ";",
            ",",
            "\t",
            "\u200b",
            "Sở\u0301",
            "Tổng\u0323",
        ]
    ),
)
CELL = st.one_of(NUMBER_TEXTS, WORDS, NASTY)


@st.composite
def csv_documents(draw) -> bytes:
    """A CSV file as an official might export it, or a broken one: mostly valid rows with random
    cells swapped in, a random header, delimiter, encoding, BOM, quoting and empty lines."""
    layout = draw(st.sampled_from(["inputs", "inputs", "totals", "random"]))
    if layout == "inputs":
        columns = draw(st.permutations(INPUT_COLUMNS))
        if draw(st.integers(0, 4)) == 0:
            columns = columns[: draw(st.integers(len(columns) - 2, len(columns)))]
        header = ["khối", "đơn vị", *columns]
    elif layout == "totals":
        header = ["STT", "khối", "tên đơn vị", draw(st.sampled_from(["tổng điểm", "Tổng cộng", "total", "điểm"]))]
        columns = []
    else:
        header = draw(
            st.lists(
                st.one_of(st.sampled_from(["khối", "đơn vị", "unit", "group", "ghi chú", *INPUT_COLUMNS]), NASTY),
                max_size=8,
            )
        )
        columns = header
    if draw(st.booleans()):
        header = [h.upper() if draw(st.booleans()) else f" {h} " for h in header]
    rows = [header]
    for i in range(draw(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 1, 2, 3]))):
        row = [draw(st.sampled_from(GROUPS[:4])), draw(st.one_of(st.just(f"Đơn vị {i}"), st.sampled_from(UNIT_NAMES)))]
        if layout == "inputs":
            row += [VALID_ROW[c] for c in columns]
        elif layout == "totals":
            row = ["1", *row, draw(st.one_of(NUMBER_TEXTS, st.just("85,03")))]
        else:
            row += [draw(CELL) for _ in columns[2:]]
        if draw(st.integers(0, 9)) == 0:
            row = row[: draw(st.integers(0, len(row)))]
        rows.append(row)
        if draw(st.integers(0, 9)) == 0:
            rows.append([])
    # Spoil a few cells of the file (or none, so that valid files are generated too).
    for _ in range(draw(st.integers(0, 3))):
        row = rows[draw(st.integers(0, len(rows) - 1))]
        if row:
            row[draw(st.integers(0, len(row) - 1))] = draw(CELL)
    delimiter = draw(st.sampled_from([",", ",", ",", ";", "\t", "|"]))
    out = io.StringIO()
    if draw(st.booleans()):
        csv.writer(out, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"]))).writerows(rows)
        text = out.getvalue()
    else:  # naive export: no quoting at all, so a cell with the delimiter or a quote shifts columns
        text = "\n".join(delimiter.join(r) for r in rows) + draw(st.sampled_from(["", "\n", "\n\n"]))
    encoding = draw(st.sampled_from(["utf-8"] * 8 + ["utf-8-sig"] * 6 + ["utf-16", "cp1258", "latin-1"]))
    raw = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 9)) == 0:
        cut = draw(st.integers(0, len(raw)))
        raw = raw[:cut] + draw(st.binary(max_size=4)) + raw[cut:]
    return raw


@FUZZ
@given(raw=csv_documents(), suffix=st.sampled_from([".csv", ".csv", ".txt", ".tsv", ".CSV"]))
def test_csv_documents_are_read_or_refused_clearly(tmp_path_factory, raw, suffix):
    path = tmp_path_factory.mktemp("csv") / f"so-lieu{suffix}"
    path.write_bytes(raw)
    check_read(path)


@FUZZ
@given(raw=st.binary(max_size=400))
@example(raw=b"\xef\xbb\xbf")
@example(raw=b"\x00\x00")
@example(raw=b"PK\x03\x04garbage")
@example(raw=b'"unterminated\n')
def test_random_bytes_as_csv(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("bytes") / "rac.csv"
    path.write_bytes(raw)
    check_read(path)


@FUZZ
@given(value=CELL, column=st.sampled_from(INPUT_COLUMNS))
def test_one_cell_of_a_valid_file(tmp_path_factory, value, column):
    """Each kind of cell in each kind of column: accepted with the right type, or refused at that cell."""
    row = dict(VALID_ROW, **{column: value})
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        [["khối", "đơn vị", *INPUT_COLUMNS], ["so", "Sở A", *(row[c] for c in INPUT_COLUMNS)]]
    )
    path = tmp_path_factory.mktemp("cell") / "mot-o.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    try:
        data = read_period(path, MINI)
    except InputError as e:
        assert e.location.row == 2, e
        # with_pc <= staff is checked on with_pc, whichever of the two was spoiled.
        assert (
            e.location.column == column
            or {column, e.location.column} == {"staff", "with_pc"}
            or ("\x00" in value and "NUL" in e.message)  # found before the text is split into cells
            or "dòng CSV không hợp lệ" in e.message  # e.g. a bare CR, which csv.writer does not quote
        ), e
        assert _has_vietnamese(e.message), e
        return
    v = data.values[column][0]
    inp = MINI.inputs[column]
    if v is None:
        return  # "không áp dụng" on a criterion that allows it
    if inp.type in ("count", "number", "ratio", "points"):
        assert isinstance(v, int) and not isinstance(v, bool) and v >= 0
        if inp.type == "count":
            assert v % SCALE == 0
        if inp.type == "ratio":
            assert v <= SCALE
    check_read(path)


# The same period written in every way an official may write it: the result must not change.

MINI_ROWS = list(csv.reader(io.StringIO((DATA / "mini.csv").read_text(encoding="utf-8"))))
SPELLINGS = {
    "0.5": ["0.5", "0,5", "50%", "50,0%", " 0.50 ", "5E-1"],
    "100%": ["100%", "1", "1,0", "1.00"],
    "0,25": ["0,25", "0.25", "25%", "25.00 %"],
    "1": ["1", "1,0", "+1", "100%"],
    "0.5_ratio": ["0.5", "50%"],
    "có": ["có", "Có", "CÓ", "co", "yes", "x", "Đạt", "co\u0301"],
    "không": ["không", "Không", "KHÔNG", "khong", "no", "0", "không đạt"],
    "Chủ tịch": ["Chủ tịch", "chu_tich", "CHỦ TỊCH", "Chu\u0309 ti\u0323ch", " Chủ  tịch "],
    "Phó Chủ tịch": ["Phó Chủ tịch", "pho", "phó chủ tịch"],
    "Không có": ["Không có", "khong", "không có"],
    "KAD": ["KAD", "kad", "không áp dụng", "N/A", "Không áp dụng"],
    "so": ["so", "Khối sở", "sở", "SỞ", "ban"],
    "huyen": ["huyen", "Khối huyện", "khối  huyện"],
    "Sở A": ["Sở A", "So\u031b\u0309 A", " Sở  A "],
}
COUNT_COLUMNS = {"staff", "with_pc", "n_meet", "apps", "late", "mbps", "council_pts"}


@st.composite
def mini_rewritten(draw) -> bytes:
    header, *rows = MINI_ROWS
    header = [
        draw(st.sampled_from([h, h.upper(), f" {h} ", MINI.inputs[h].label if h in MINI.inputs else h])) for h in header
    ]
    out_rows = []
    for row in draw(st.permutations(rows)):
        cells = []
        for h, cell in zip(MINI_ROWS[0], row):
            choices = SPELLINGS.get(cell, [cell])
            if h in COUNT_COLUMNS and cell.isdigit():
                choices = [cell, f"{cell},0", f"{cell}.0", f"+{cell}", f" {cell} "]
            cells.append(draw(st.sampled_from(choices)))
        out_rows.append(cells)
    if draw(st.booleans()):
        out_rows.insert(draw(st.integers(0, len(out_rows))), [])
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
    terminator = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator=terminator).writerows([header, *out_rows])
    return out.getvalue().encode(draw(st.sampled_from(["utf-8", "utf-8-sig"])))


MINI_TOTALS = {u.name: u.total for g in rank(score(MINI, read_period(DATA / "mini.csv", MINI))).groups for u in g.units}


@FUZZ
@given(raw=mini_rewritten())
def test_the_same_period_written_differently_gives_the_same_totals(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("mini") / "mini-viet-lai.csv"
    path.write_bytes(raw)
    ranking = check_read(path)
    assert ranking is not None, raw
    totals = {u.name: u.total for g in ranking.groups for u in g.units}
    assert {n: totals.get(n) for n in MINI_TOTALS} == MINI_TOTALS


# --- Excel -----------------------------------------------------------------------------------

SAFE_TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Co"), blacklist_characters="\ufffe\uffff"), max_size=10
)
EXCEL_VALUE = st.one_of(
    st.none(),
    SAFE_TEXT,
    NUMBER_TEXTS,
    WORDS,
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.times(),
    st.sampled_from(["=1/0", "=A1+1", "=SUM(C2:C9)", "=NA()", '="có"', "#REF!"]),
)


@st.composite
def workbooks(draw) -> tuple[bytes, str | None]:
    """A workbook with 1 to 3 sheets: title rows, a header, rows of any cell type, merged cells."""
    wb = openpyxl.Workbook()
    names = draw(
        st.lists(
            st.text("ABCabcĐđ Sốliệu12", min_size=1, max_size=12).map(str.strip).filter(bool),
            min_size=1,
            max_size=3,
            unique_by=str.lower,
        )
    )
    for k, name in enumerate(names):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = name
        if draw(st.booleans()):
            continue  # an empty sheet before the data
        for _ in range(draw(st.integers(0, 2))):
            ws.append([draw(SAFE_TEXT)])  # "BẢNG TỔNG HỢP ..." above the header
        columns = draw(st.permutations(INPUT_COLUMNS))
        if draw(st.integers(0, 4)) == 0:
            columns = columns[: draw(st.integers(0, len(INPUT_COLUMNS)))]
        header = ["khối", "đơn vị", *columns]
        if draw(st.integers(0, 4)) == 0:
            header = ["khối", "đơn vị", "tổng điểm"]
        if draw(st.integers(0, 4)) == 0:
            header[draw(st.integers(0, len(header) - 1))] = draw(EXCEL_VALUE)
        ws.append(header)
        typed = {
            "staff": 100,
            "with_pc": 90,
            "av_ratio": 0.5,
            "mbps": 200.5,
            "has_fw": True,
            "n_meet": 3,
            "head_kind": "Chủ tịch",
            "wan_r": 1,
            "apps": 5,
            "std_a": False,
            "std_b": "có",
            "council_pts": 8,
            "late": 1,
            "tổng điểm": 85.03,
        }
        for i in range(draw(st.integers(0, 4))):
            # Mostly distinct units with typed values, then a few cells spoiled (or none).
            name = draw(st.one_of(st.just(f"Đơn vị {i}"), st.sampled_from(UNIT_NAMES)))
            row = [draw(st.sampled_from(GROUPS[:4])), name, *(typed.get(c) for c in header[2:])]
            for _ in range(draw(st.integers(0, 2))):
                row[draw(st.integers(0, len(row) - 1))] = draw(EXCEL_VALUE)
            ws.append(row)
        if draw(st.integers(0, 3)) == 0 and ws.max_row > 1:
            r1 = draw(st.integers(1, ws.max_row))
            c1 = draw(st.integers(1, max(1, ws.max_column)))
            ws.merge_cells(
                start_row=r1,
                start_column=c1,
                end_row=r1 + draw(st.integers(0, 2)),
                end_column=c1 + draw(st.integers(0, 2)),
            )
    buf = io.BytesIO()
    wb.save(buf)
    sheet = draw(st.sampled_from([None, None, None, names[-1], "Không có"]))
    return buf.getvalue(), sheet


@settings(FUZZ, max_examples=80 * FACTOR)
@given(book=workbooks())
def test_excel_workbooks_are_read_or_refused_clearly(tmp_path_factory, book):
    raw, sheet = book
    path = tmp_path_factory.mktemp("xlsx") / "so-lieu.xlsx"
    path.write_bytes(raw)
    check_read(path, sheet=sheet)


def _small_workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["khối", "đơn vị", *INPUT_COLUMNS])
    ws.append(["so", "Sở A", *(VALID_ROW[c] for c in INPUT_COLUMNS)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


SMALL_XLSX = _small_workbook()


@settings(FUZZ, max_examples=40 * FACTOR)
@given(data=st.data())
def test_damaged_excel_files(tmp_path_factory, data):
    """A valid .xlsx cut short, with bytes overwritten, or with a part's XML spoiled."""
    raw = bytearray(SMALL_XLSX)
    how = data.draw(st.sampled_from(["truncate", "flip", "xml"]))
    if how == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw) - 1))]
    elif how == "flip":
        for _ in range(data.draw(st.integers(1, 8))):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    else:
        src = zipfile.ZipFile(io.BytesIO(bytes(raw)))
        part = data.draw(st.sampled_from(src.namelist()))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as dst:
            for name in src.namelist():
                body = src.read(name)
                if name == part:
                    cut = data.draw(st.integers(0, len(body)))
                    body = body[:cut] + data.draw(st.binary(max_size=6)) + body[cut + 3 :]
                dst.writestr(name, body)
        raw = bytearray(out.getvalue())
    path = tmp_path_factory.mktemp("hong") / "hong.xlsx"
    path.write_bytes(bytes(raw))
    check_read(path)


# --- Regressions: the crashes found, each deterministic ----------------------------------------


def _csv(tmp_path, **cells) -> Path:
    row = dict(VALID_ROW, **cells)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        [["khối", "đơn vị", *INPUT_COLUMNS], ["so", "Sở A", *(row[c] for c in INPUT_COLUMNS)]]
    )
    path = tmp_path / "so-lieu.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize("column", ["mbps", "council_pts", "late", "staff"])
@pytest.mark.parametrize("value", ["1E999999", "1e999999999", "9" * 5000])
def test_huge_number_is_refused_not_overflow(tmp_path, column, value):
    # Was: decimal.Overflow from Decimal.scaleb in to_fixed (a traceback).
    with pytest.raises(InputError) as e:
        read_period(_csv(tmp_path, **{column: value}), MINI)
    assert e.value.location.row == 2 and e.value.location.column == column
    assert "quá lớn" in e.value.message


def test_tiny_exponent_is_refused_not_rounded_to_zero(tmp_path):
    # Decimal.scaleb underflows 1E-999999999 to 0 silently; the exact conversion refuses it.
    with pytest.raises(InputError, match="quá 15 chữ số thập phân"):
        read_period(_csv(tmp_path, mbps="1E-999999999"), MINI)


def test_twenty_eight_plus_digits_are_not_cut_silently():
    # Decimal.scaleb rounds to 28 significant digits: 1.000...0001 (28 decimals) became exactly 1.
    with pytest.raises(ValueError, match="quá 15 chữ số thập phân"):
        to_fixed("1.0000000000000000000000000001")
    assert to_fixed("1.000000000000000000000000000000") == SCALE  # trailing zeros are not decimals
    assert to_fixed("9999999999999.999999999999999") == 10**28 - 1


def test_percent_is_exact(tmp_path):
    # 50.00000000000000000000000000001% divided by 100 in a 28-digit context lost its last digit.
    from xephang.numbers import parse_number

    assert parse_number("50,000000000000000000000000000001%") == Decimal("0.50000000000000000000000000000001")
    with pytest.raises(InputError, match="quá 15 chữ số thập phân"):
        read_period(_csv(tmp_path, av_ratio="50,000000000000000000000000000001%"), MINI)


def _xlsx_with_raw_value(tmp_path, raw_value: str) -> Path:
    """A workbook whose mbps cell holds ``raw_value`` as its XML text, as a broken export may write."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["khối", "đơn vị", *INPUT_COLUMNS])
    ws.append(["so", "Sở A", *(4242.4242 if c == "mbps" else VALID_ROW[c] for c in INPUT_COLUMNS)])
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(buf)
    path = tmp_path / "so-lieu.xlsx"
    with zipfile.ZipFile(path, "w") as dst:
        for name in src.namelist():
            body = src.read(name)
            if name == "xl/worksheets/sheet1.xml":
                assert b"4242.4242" in body
                body = body.replace(b"4242.4242", raw_value.encode())
            dst.writestr(name, body)
    return path


@pytest.mark.parametrize("raw_value", ["1e999", "-1e999"])
def test_infinite_excel_number_is_refused_at_its_cell(tmp_path, raw_value):
    # Was: decimal.InvalidOperation/OverflowError on the float inf (Decimal('Infinity') in to_fixed).
    with pytest.raises(InputError) as e:
        read_period(_xlsx_with_raw_value(tmp_path, raw_value), MINI)
    assert e.value.location.cell == "F2" and e.value.location.column == "mbps"
    assert "không hữu hạn" in e.value.message


@pytest.mark.parametrize("raw_value", ["nan", "inf", "12abc"])
def test_unreadable_excel_number_is_refused_with_its_sheet(tmp_path, raw_value):
    # Was: ValueError ("invalid literal for int()") from openpyxl while iterating a read-only sheet.
    with pytest.raises(InputError) as e:
        read_period(_xlsx_with_raw_value(tmp_path, raw_value), MINI)
    assert e.value.location.sheet == "Sheet"
    assert "không đọc được trang tính" in e.value.message


def test_non_finite_float_cell(tmp_path):
    """The reader itself refuses a float NaN or infinity, whichever way openpyxl produced it."""
    from xephang.io.reader import Table, _number

    table = Table("so-lieu.xlsx", "Sheet", ["khối", "đơn vị", "mbps"], [])
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(InputError, match="không hữu hạn") as e:
            _number(table, 2, 2, bad, "một số")
        assert e.value.location.cell == "C2"


def test_cli_shows_no_traceback_for_a_crashing_input(tmp_path, capsys):
    from xephang.cli import main

    path = _csv(tmp_path, mbps="1E999999")
    code = main(["rank", str(path), "--framework", str(DATA / "mini.yaml")])
    out, err = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in out + err and "quá lớn" in err + out
    assert re.search(r"dòng 2.*mbps", err + out)


def test_csv_with_mac_line_ends_is_read(tmp_path):
    # Was refused: "new-line character seen in unquoted field" (Excel for Mac's CSV ends lines with CR).
    path = tmp_path / "mac.csv"
    path.write_bytes((DATA / "mini.csv").read_bytes().replace(b"\n", b"\r"))
    totals = {u.name: u.total for g in rank(score(MINI, read_period(path, MINI))).groups for u in g.units}
    assert totals == MINI_TOTALS


def test_row_numbers_count_records_not_text_lines(tmp_path):
    # A quoted cell holding a line break used to push every later row number down by one.
    path = tmp_path / "xuong-dong.csv"
    rows = [
        ["khối", "đơn vị", *INPUT_COLUMNS],
        ["so", "Sở\nA", *(VALID_ROW[c] for c in INPUT_COLUMNS)],
        ["so", "Sở B", *(VALID_ROW[c] if c != "n_meet" else "ba" for c in INPUT_COLUMNS)],
    ]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_period(path, MINI)
    assert e.value.location.row == 3 and e.value.location.column == "n_meet"


def test_csv_module_errors_are_in_vietnamese(tmp_path):
    path = tmp_path / "o-dai.csv"
    path.write_text('khối,đơn vị,ghi chú\nso,Sở A,"' + "x" * 200_000 + '"\n', encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_period(path, MINI)
    assert e.value.location.row == 2
    assert "ô dài hơn" in e.value.message and "field" not in str(e.value)


def test_nul_byte_is_located(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes((DATA / "mini.csv").read_bytes().replace(b"Huy", b"Hu\x00y"))
    with pytest.raises(InputError, match="NUL") as e:
        read_period(path, MINI)
    assert e.value.location.row == 4
