"""The column-wise reader: the same result as the row-by-row reading, CSV and Excel alike, and the
cases only the column-wise reader settles (bounds deciding ``1.000``, cells calamine cannot read)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from per_unit_reader import read_period_per_unit
from xephang.errors import InputError
from xephang.framework import load_framework, parse_framework
from xephang.io import read_period
from xephang.io.reader import read_table
from xephang.io.validate import validate_unit
from xephang.numbers import SCALE, NumberFormatError, from_fixed, parse_number, to_fixed
from xephang.ranking import rank
from xephang.scoring.engine import score

DATA = Path(__file__).parent / "data"
MINI = load_framework(DATA / "mini.yaml")

# The mini set with one criterion per group, so that the two groups have different forms.
SPLIT = parse_framework(
    (DATA / "mini.yaml")
    .read_text(encoding="utf-8")
    .replace(
        """  - id: council
    title: Điểm hội đồng
    max: 10
    inputs""",
        """  - id: council_h
    title: Điểm hội đồng huyện
    max: 10
    groups: [huyen]
    inputs: [{id: district_pts, label: Điểm hội đồng huyện, type: points, max: 10}]
    rule: {type: direct, input: district_pts}
  - id: council
    title: Điểm hội đồng
    max: 10
    groups: [so]
    inputs""",
    ),
    "split.yaml",
)

CELLS = {
    "staff": ["100", "50", "10", "1.000", "0", "-3", "KAD", ""],
    "with_pc": ["90", "50", "5", "120", "1,000", "chín"],
    "av_ratio": ["0.5", "100%", "0,25", "1.000", "1.5", "150%", "KAD"],
    "mbps": ["200", "400", "1.234", "10,5", "1e3", "x"],
    "has_fw": ["có", "không", "Có", "yes", "hình như", "", "KAD"],
    "n_meet": ["3", "5", "0", "3.5", "1.234", ""],
    "head_kind": ["Chủ tịch", "pho", "Không có", "Bí thư"],
    "wan_r": ["1", "0.5", "KAD", "2"],
    "apps": ["5", "1", "KAD", "0,5"],
    "std_a": ["có", "không", "KAD"],
    "std_b": ["có", "không", "KAD", "n/a"],
    "council_pts": ["8", "12", "0", "84,995"],
    "district_pts": ["8", "10", "10.5", "9,995", "KAD"],
    "late": ["1", "0", "10", "KAD"],
}
COLUMNS = list(CELLS)
NAMES = ["Sở A", "Sở B", "Huyện C", "Sở Tư pháp", "UBND huyện Đông Sơn", "sở a", ""]
GROUPS = ["so", "huyen", "Khối sở", "sở", "HUYỆN", "xyz", ""]


@st.composite
def period_files(draw) -> list[list[str]]:
    """A period table: mostly good rows (cells from each input's good values), some spoiled."""
    columns = draw(st.permutations(COLUMNS))
    if draw(st.integers(0, 3)) == 0:
        columns = columns[: draw(st.integers(len(columns) - 3, len(columns)))]
    header = ["khối", "đơn vị", *columns]
    rows = [header]
    for i in range(draw(st.integers(0, 12))):
        spoil = draw(st.integers(0, 4)) == 0
        group = draw(st.sampled_from(GROUPS if spoil else GROUPS[:5]))
        name = draw(st.sampled_from(NAMES)) if spoil else f"Đơn vị {i}"
        row = [group, name]
        for c in columns:
            pool = CELLS[c] if draw(st.integers(0, 6)) == 0 else CELLS[c][:3]
            row.append(draw(st.sampled_from(pool)))
        rows.append(row)
    return rows


def _csv(path: Path, rows) -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _outcome(read, path: Path, fw):
    try:
        data = read(path, fw)
    except InputError as e:
        return ("refused", str(e), e.location)
    return (
        "read",
        data.kind,
        [(u.name, u.group, u.row, u.total) for u in data.units],
        data.values,
        data.not_applicable,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=period_files(), split=st.booleans())
def test_column_wise_reading_equals_the_row_by_row_reading(tmp_path_factory, rows, split):
    fw = SPLIT if split else MINI
    if not split:
        rows = [[c for h, c in zip(rows[0], r) if h != "district_pts"] for r in rows]
    path = _csv(tmp_path_factory.mktemp("cot") / "so-lieu.csv", rows)
    assert _outcome(read_period, path, fw) == _outcome(read_period_per_unit, path, fw)


def _typed(text: str):
    """A cell as a clerk types it into Excel: numbers (that read one way only) as numbers."""
    if text.isdigit():
        return int(text)
    try:
        if re.fullmatch(r"\d+\.\d+", text) and parse_number(text) == Decimal(text):
            return float(text)
    except NumberFormatError:
        pass
    return text


def _xlsx(path: Path, rows, typed: bool) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    for r in rows:
        ws.append([_typed(c) if typed else c for c in r])
    wb.save(path)
    return path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=period_files(), typed=st.booleans())
def test_csv_and_excel_of_the_same_data_give_the_same_result(tmp_path_factory, rows, typed):
    d = tmp_path_factory.mktemp("hai")
    rows = [[c for h, c in zip(rows[0], r) if h != "district_pts"] for r in rows]
    from_csv = _outcome(read_period, _csv(d / "so-lieu.csv", rows), MINI)
    from_xlsx = _outcome(read_period, _xlsx(d / "so-lieu.xlsx", rows, typed), MINI)
    if from_csv[0] == "read":
        assert from_xlsx == from_csv
    else:  # the same refusal, at the same row and column (Excel names the cell, CSV the row)
        assert from_xlsx[0] == "refused", from_xlsx
        x, c = from_xlsx[2], from_csv[2]
        assert x.column == c.column
        assert (x.row if x.cell is None else int(re.sub(r"^[A-Z]+", "", x.cell))) == c.row


def test_mini_as_csv_and_excel_ranks_the_same(tmp_path):
    rows = list(csv.reader(io.StringIO((DATA / "mini.csv").read_text(encoding="utf-8"))))
    path = _xlsx(tmp_path / "mini.xlsx", rows, typed=True)

    def totals(p):
        return [(u.name, u.total, u.rank) for u in rank(score(MINI, read_period(p, MINI))).units()]

    assert totals(path) == totals(DATA / "mini.csv")


# --- bounds settle 1.234 ----------------------------------------------------------------------

ROW = dict(zip(COLUMNS, (CELLS[c][0] for c in COLUMNS)))


def _one(tmp_path, fw=MINI, **cells):
    cols = [c for c in COLUMNS if c in fw.inputs]
    row = dict(ROW, **cells)
    return _csv(tmp_path / "p.csv", [["khối", "đơn vị", *cols], ["so", "Sở A", *(row[c] for c in cols)]])


def test_a_ratio_written_1_000_is_one(tmp_path):
    data = read_period(_one(tmp_path, av_ratio="1.000"), MINI)
    assert data.values["av_ratio"][0] == SCALE


def test_a_count_written_1_234_is_a_whole_number(tmp_path):
    data = read_period(_one(tmp_path, staff="1.234", with_pc="1,200"), MINI)
    assert (data.values["staff"][0], data.values["with_pc"][0]) == (1234 * SCALE, 1200 * SCALE)
    with pytest.raises(InputError, match="hai cách"):  # 1 and 1000 are both whole numbers
        read_period(_one(tmp_path, staff="1.000"), MINI)


def test_points_within_bounds_take_the_decimal_reading(tmp_path):
    data = read_period(_one(tmp_path, SPLIT, district_pts="9,995"), SPLIT)
    assert data.values["district_pts"] == [None]  # not on the form of a sở
    path = _csv(
        tmp_path / "h.csv",
        [
            ["khối", "đơn vị", *SPLIT.inputs],
            ["huyen", "Huyện C", *(dict(ROW, district_pts="9,995")[c] for c in SPLIT.inputs)],
        ],
    )
    assert from_fixed(read_period(path, SPLIT).values["district_pts"][0]) == Decimal("9.995")


def test_a_number_both_readings_allow_stays_refused(tmp_path):
    with pytest.raises(InputError, match="hai cách") as e:
        read_period(_one(tmp_path, mbps="1.234"), MINI)
    assert e.value.location.column == "mbps"


def test_a_total_of_84_995_in_a_0_to_100_scale(write):
    data = read_period(write("kq.csv", 'khối,đơn vị,tổng điểm\nso,Sở A,"84,995"\nso,Sở B,1.000\n'), MINI)
    assert [from_fixed(u.total) for u in data.units] == [Decimal("84.995"), Decimal("1")]


# --- what calamine cannot answer ----------------------------------------------------------------


def _book(tmp_path, edit) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    cols = [c for c in COLUMNS if c in MINI.inputs]
    ws.append(["khối", "đơn vị", *cols])
    ws.append(["so", "Sở A", *(_typed(ROW[c]) for c in cols)])
    ws.append(["so", "Sở B", *(_typed(ROW[c]) for c in cols)])
    edit(ws)
    path = tmp_path / "so-lieu.xlsx"
    wb.save(path)
    return path


def test_a_formula_without_its_computed_value_is_named(tmp_path):
    path = _book(tmp_path, lambda ws: ws.__setitem__("D3", "=C3*0.9"))  # with_pc, never computed
    with pytest.raises(InputError) as e:
        read_period(path, MINI)
    assert e.value.location.cell == "D3" and e.value.location.column == "with_pc"
    assert "công thức '=C3*0.9'" in e.value.message and "ô trống" not in e.value.message


def test_a_merged_cell_is_named(tmp_path):
    path = _book(tmp_path, lambda ws: ws.merge_cells("H2:H3"))  # n_meet of two units in one cell
    with pytest.raises(InputError) as e:
        read_period(path, MINI)
    assert e.value.location.cell == "H3"
    assert "vùng ô gộp H2:H3" in e.value.message and "cần 'Số cuộc họp'" in e.value.message


def test_an_error_value_is_refused_as_before(tmp_path):
    def spoil(ws):
        ws["C3"] = "#REF!"
        ws["C3"].data_type = "e"

    with pytest.raises(InputError) as e:
        read_period(_book(tmp_path, spoil), MINI)
    assert e.value.location.cell == "C3"
    assert e.value.message.startswith("'#REF!' không phải là một số")


# --- the core rules the web shares ------------------------------------------------------------


def test_readers_of_an_input():
    assert [c.id for c in MINI.readers_of("staff")] == ["computers", "bandwidth"]
    assert [c.id for c in SPLIT.readers_of("district_pts", "so")] == []
    assert [c.id for c in SPLIT.readers_of("district_pts", "huyen")] == ["council_h"]


def test_validate_unit_compares_a_part_with_its_whole():
    values = {"staff": to_fixed(10), "with_pc": to_fixed(12)}
    assert validate_unit(MINI, "so", values) == [
        ("with_pc", "'Số cán bộ có máy tính' (12) lớn hơn 'Tổng số cán bộ' (10); phần không thể lớn hơn tổng")
    ]
    assert validate_unit(MINI, "so", dict(values, staff=None)) == []
    assert validate_unit(MINI, "so", dict(values, with_pc=to_fixed(10))) == []


# Number columns as a national-scale file has them: mostly distinct amounts and shares (which are
# read a whole column at once), now and then a cell that is not a plain number within the bounds.
WHOLE_AND_DECIMALS = {
    "staff": (10**6, 0),
    "with_pc": (10**6, 0),
    "apps": (10**4, 0),
    "n_meet": (10**4, 0),
    "mbps": (10**5, 3),
    "av_ratio": (0, 4),
    "wan_r": (0, 3),
    "council_pts": (9, 2),
}


@st.composite
def number_cell(draw, column: str) -> str:
    if draw(st.integers(0, 60)) == 0:
        return draw(st.sampled_from(CELLS[column]))
    most, decimals = WHOLE_AND_DECIMALS[column]
    whole = draw(st.integers(0, most))
    k = draw(st.integers(0, decimals))
    if not k:
        return str(whole)
    return f"{whole}{draw(st.sampled_from('.,'))}{draw(st.integers(0, 10**k - 1)):0{k}d}"


@st.composite
def national_files(draw) -> list[list[str]]:
    header = ["khối", "đơn vị", *(c for c in COLUMNS if c != "district_pts")]
    rows = [header]
    for i in range(draw(st.integers(64, 90))):
        row = [draw(st.sampled_from(["so", "huyen"])), f"Đơn vị {i}"]
        for c in header[2:]:
            row.append(draw(number_cell(c)) if c in WHOLE_AND_DECIMALS else CELLS[c][0])
        rows.append(row)
    return rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(rows=national_files(), typed=st.booleans())
def test_columns_of_distinct_numbers_read_as_cell_by_cell(tmp_path_factory, rows, typed):
    d = tmp_path_factory.mktemp("so")
    path = _csv(d / "so-lieu.csv", rows)
    from_csv = _outcome(read_period, path, MINI)
    assert from_csv == _outcome(read_period_per_unit, path, MINI)
    from_xlsx = _outcome(read_period, _xlsx(d / "so-lieu.xlsx", rows, typed), MINI)
    if from_csv[0] == "read":
        assert from_xlsx == from_csv
    else:
        assert from_xlsx[0] == "refused" and from_xlsx[2].column == from_csv[2].column


@settings(max_examples=150, deadline=None)
@given(
    cells=st.lists(
        st.lists(st.sampled_from(["", " ", "a", "Sở A", "1,5", "0.25", "KAD", "x\\y", "\t"]), min_size=1, max_size=4),
        max_size=8,
    ),
    delimiter=st.sampled_from([",", ";", "\t"]),
    line_end=st.sampled_from(["\n", "\r\n"]),
    last_end=st.booleans(),
)
def test_a_csv_file_without_quotes_is_read_as_the_csv_module_reads_it(
    tmp_path_factory, cells, delimiter, line_end, last_end
):
    header = delimiter.join(["khối", "đơn vị", "x"])
    lines = [header, *(delimiter.join(c) for c in cells)]
    text = line_end.join(lines) + (line_end if last_end else "")
    path = tmp_path_factory.mktemp("csv") / "so-lieu.csv"
    path.write_bytes(text.encode("utf-8"))
    table = read_table(path)
    records = enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)
    expected = [(n, r) for n, r in records if any(x.strip() for x in r)]
    assert table.header == expected[0][1]
    assert table.rows == expected[1:]


@given(
    st.lists(st.from_regex(r"\d{1,12}", fullmatch=True), min_size=1, max_size=40),
    st.lists(st.from_regex(r"\d{1,12}[.,]\d{1,15}", fullmatch=True), max_size=5),
)
def test_a_column_of_plain_numbers_reads_as_decimal_reads_each_cell(wholes, decimals):
    from decimal import Decimal

    from xephang.io.reader import _fixed_lines
    from xephang.numbers import SCALE

    for cells in (wholes, wholes + decimals):
        expected = [int(Decimal(c.replace(",", ".")) * SCALE) for c in cells]
        assert _fixed_lines("\n".join(cells)) == expected
