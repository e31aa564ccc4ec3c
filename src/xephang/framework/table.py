"""A criteria set to and from the table a regulation's annex prints (bảng chỉ số / bộ tiêu chí).

The annex writes one row per criterion: STT | Chỉ số / tiêu chí | Điểm tối đa | Cách xác định và tính
điểm | Tài liệu kiểm chứng | Nguồn thu thập dữ liệu | Đơn vị phối hợp xác minh. A workbook in that
layout, with the columns a machine needs beside them (code, rule type, inputs, rule figures), and a
few small sheets for what the annex states elsewhere (the set's header, groups, levels, inputs,
pillars, legal basis), is read into a YAML criteria set (``import_workbook``) and written from one
(``export_workbook``); ``export_docx`` prints the annex table itself in the Nghị định 30/2020 layout.

Reading collects *every* unreadable cell (file, sheet, row, column, what was expected) before
failing, so that an official fixes a typed annex in one pass; the YAML is then checked by the
loader like any other file, and a loader message is traced back to the row it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from ..errors import FrameworkError, XephangError
from ..numbers import plain
from ..text import fold
from . import loader as _loader
from . import model as _model
from .model import Criterion, Framework, Input, Level

CRITERIA_SHEET = "Bộ chỉ số"
INFO_SHEET = "Thông tin chung"
GROUPS_SHEET = "Khối"
LEVELS_SHEET = "Mức xếp loại"
INPUTS_SHEET = "Chỉ tiêu nhập"
PILLARS_SHEET = "Trụ cột"
LEGAL_SHEET = "Căn cứ"
PARAMS_SHEET = "Tham số của kỳ"
DERIVED_SHEET = "Giá trị tính toán"

#: Columns of the criteria table: key, the header written, other headers accepted (compared folded).
CRITERIA_COLUMNS = [
    ("so", "STT", ["số thứ tự", "tt"]),
    ("id", "Mã", ["mã tiêu chí", "mã chỉ số"]),
    (
        "title",
        "Chỉ số / tiêu chí",
        [
            "chỉ số",
            "tiêu chí",
            "chỉ số/chỉ số thành phần",
            "chỉ số / chỉ số thành phần",
            "nội dung",
            "tên chỉ số",
            "tên tiêu chí",
            "chỉ số/tiêu chí",
        ],
    ),
    ("max", "Điểm tối đa", ["điểm", "điểm tối đa (điểm)"]),
    ("description", "Cách xác định và tính điểm", ["cách tính điểm", "phương pháp tính điểm", "cách xác định"]),
    ("evidence", "Tài liệu kiểm chứng", ["tài liệu, minh chứng", "minh chứng"]),
    ("source", "Nguồn thu thập dữ liệu", ["nguồn dữ liệu", "nguồn số liệu"]),
    ("verified_by", "Đơn vị phối hợp xác minh số liệu", ["đơn vị xác minh", "đơn vị phối hợp xác minh"]),
    ("prepared_by", "Tham mưu, thực hiện", ["đơn vị tham mưu", "người thực hiện"]),
    ("groups", "Khối áp dụng", ["khối"]),
    ("rule", "Loại quy tắc", ["quy tắc", "cách tính"]),
    ("inputs", "Chỉ tiêu nhập", ["chỉ tiêu"]),
    ("params", "Tham số quy tắc", ["tham số"]),
    ("flags", "Thuộc tính", ["ghi chú tính điểm"]),
    ("when", "Điều kiện tính điểm", ["điều kiện", "when"]),
]
REQUIRED_COLUMNS = ("so", "title", "max")

#: Rule types by their id or a Vietnamese name a typist would write.
RULE_NAMES = {
    "ratio": ["tỷ lệ", "ty le"],
    "relative": ["so với đơn vị cao nhất", "tương đối"],
    "yesno": ["có/không", "có không"],
    "tiers": ["mức", "bậc"],
    "choice": ["lựa chọn", "phương án"],
    "count": ["đếm", "số lượng"],
    "direct": ["nhập điểm", "điểm trực tiếp"],
    "formula": ["công thức", "biểu thức"],
}
FLAGS = {"deduction": "trừ điểm", "best": "lấy cao nhất", "not_applicable": "có thể không áp dụng"}

INPUT_COLUMNS = [
    ("id", "Mã", []),
    ("label", "Tên chỉ tiêu", ["tên"]),
    ("type", "Kiểu", []),
    ("unit", "Đơn vị tính", ["đơn vị"]),
    ("min", "Nhỏ nhất", ["tối thiểu"]),
    ("max", "Lớn nhất", ["tối đa"]),
    ("at_most", "Không vượt quá", []),
    ("evidence", "Cần kiểm chứng", ["kiểm chứng"]),
    ("options", "Phương án", ["các phương án"]),
    ("help", "Hướng dẫn", []),
    ("survey", "Phiếu điều tra (mã: phương án = trọng số)", ["phiếu điều tra", "điều tra"]),
]
#: A period parameter: a figure the province fixes once for every unit ("theo yêu cầu của tỉnh").
PARAM_COLUMNS = [
    ("id", "Mã", []),
    ("label", "Tên tham số", ["tên"]),
    ("type", "Kiểu", []),
    ("unit", "Đơn vị tính", ["đơn vị"]),
    ("min", "Nhỏ nhất", ["tối thiểu"]),
    ("max", "Lớn nhất", ["tối đa"]),
    ("default", "Mặc định", ["giá trị mặc định"]),
    ("help", "Hướng dẫn", []),
]
#: A derived value: computed by an expression from inputs, parameters and other derived values.
DERIVED_COLUMNS = [
    ("id", "Mã", []),
    ("label", "Tên giá trị", ["tên"]),
    ("type", "Kiểu", []),
    ("unit", "Đơn vị tính", ["đơn vị"]),
    ("value", "Biểu thức tính", ["biểu thức", "công thức", "value"]),
    ("help", "Hướng dẫn", []),
]
INFO_FIELDS = [
    ("id", "Mã bộ tiêu chí"),
    ("title", "Tên bộ tiêu chí"),
    ("version", "Phiên bản"),
    ("note", "Ghi chú"),
    ("scale", "Thang điểm"),
    ("report", "Công bố (points / index / points-percent)"),
    ("decimals", "Số chữ số thập phân"),
    ("rank_on", "Xếp hạng theo (full / shown)"),
    ("ties", "Quy tắc đồng điểm (shared / dense / input-order / mã tiêu chí)"),
]
GROUP_COLUMNS = [
    ("id", "Mã", []),
    ("name", "Tên khối", ["tên"]),
    ("aliases", "Tên gọi khác", []),
    ("ranked", "Xếp hạng", []),
    ("reason", "Lý do không xếp hạng", ["lý do"]),
]
LEVEL_COLUMNS = [
    ("group", "Khối (để trống: cả bộ)", ["khối"]),
    ("id", "Mã", []),
    ("name", "Tên mức", ["tên"]),
    ("min", "Từ", []),
    ("below", "Đến dưới", []),
    ("max", "Đến (gồm cả)", ["đến"]),
]
PILLAR_COLUMNS = [
    ("id", "Mã", []),
    ("name", "Tên trụ cột", ["tên"]),
    ("criteria", "Các tiêu chí (mã)", ["tiêu chí"]),
    ("description", "Mô tả", []),
]
LEGAL_COLUMNS = [
    ("number", "Số, ký hiệu", ["số"]),
    ("date", "Ngày (YYYY-MM-DD)", ["ngày"]),
    ("issuer", "Cơ quan, người ban hành", ["cơ quan ban hành"]),
    ("title", "Trích yếu", []),
]

YES = {"có", "x", "1", "yes", "true", "đúng"}
NO = {"không", "0", "no", "false", "sai", ""}


# ------------------------------------------------------------------------------------------ export
def _rule_cells(c: Criterion, fw: Framework | None = None) -> tuple[str, str, str]:
    """(type, inputs, figures) of a leaf's rule as the table writes them. An expression written where
    the rule names its input (``input: "a + b"``) is written back in parentheses, as typed."""
    r = c.rule
    t = r.type

    def name(n: str) -> str:
        d = fw.derived.get(n) if fw is not None and "." in (n or "") else None
        return f"({d.expr.text})" if d is not None else n

    if t == "formula":  # the expression stands where the inputs would
        return t, r.expression.text, ""
    if t in ("ratio", "relative"):
        ins = name(r.value) if r.value else f"{name(r.numerator)} / {name(r.denominator)}"
        return t, ins, ""
    if t == "yesno":
        parts = [] if r.yes is None else [f"có: {plain(r.yes)}"]
        if r.no:
            parts.append(f"không: {plain(r.no)}")
        return t, name(r.input), "; ".join(parts)
    if t == "tiers":
        return t, name(r.input), "; ".join(f"{plain(m)}: {plain(p)}" for m, p in r.tiers)
    if t == "choice":
        return t, r.input, "; ".join(f"{k}: {plain(v)}" for k, v in r.points.items())
    if t == "count":
        parts = [f"mỗi: {plain(r.per)}"] + ([f"tối đa: {plain(r.cap)}"] if r.cap is not None else [])
        return t, name(r.input), "; ".join(parts)
    return t, name(r.input), ""


def _numbering(fw: Framework) -> dict[str, str]:
    """The regulation's STT when the set carries it (``so``), else I, II … for criteria groups and
    1, 1.1, 1.1.1 … below them."""
    out: dict[str, str] = {}

    def walk(c: Criterion, number: str):
        out[c.id] = getattr(c, "so", "") or number
        for k, ch in enumerate(c.children, start=1):
            walk(ch, f"{number}.{k}" if c.depth > 0 else str(k))

    for k, c in enumerate(fw.criteria, start=1):
        walk(c, _roman(k))
    return out


def _roman(n: int) -> str:
    out = ""
    for value, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out, n = out + letters, n - value
    return out


def criteria_rows(fw: Framework) -> list[dict]:
    """One dict per criterion, in tree order, keyed like ``CRITERIA_COLUMNS`` (plus ``depth``)."""
    numbers = _numbering(fw)
    sources = getattr(_model, "DATA_SOURCES", {})
    rows = []
    for c in fw.all_criteria():
        parent_groups = c.parent.groups if c.parent else frozenset(g.id for g in fw.groups)
        flags = []
        if c.deduction and not (c.parent and c.parent.deduction):
            flags.append(FLAGS["deduction"])
        if c.aggregate == "best" and not c.is_leaf:
            flags.append(FLAGS["best"])
        if c.may_be_not_applicable:
            flags.append(FLAGS["not_applicable"])
        rtype, ins, params = _rule_cells(c, fw) if c.rule is not None else ("", "", "")
        source = getattr(c, "data_source", "")
        rows.append(
            {
                "depth": c.depth,
                "so": numbers[c.id],
                "id": c.id,
                "title": c.title,
                "max": c.max_points,
                "description": c.description,
                "evidence": c.evidence,
                "source": sources.get(source, source),
                "verified_by": getattr(c, "verified_by", ""),
                "prepared_by": getattr(c, "prepared_by", ""),
                "groups": "" if c.groups == parent_groups else ", ".join(g.id for g in fw.groups if g.id in c.groups),
                "rule": rtype,
                "inputs": ins,
                "params": params,
                "flags": ", ".join(flags),
                "when": c.when.text if c.when is not None else "",
            }
        )
    return rows


def export_workbook(fw: Framework, out: str | Path) -> Path:
    """The set as a workbook: the annex table first, then the sheets a machine needs to rebuild it."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = CRITERIA_SHEET
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def sheet(ws, columns, rows):
        ws.append([head for _, head, _ in columns])
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append([_cell(row.get(key, "")) for key, _, _ in columns])
        ws.freeze_panes = "A2"

    rows = criteria_rows(fw)
    sheet(ws, CRITERIA_COLUMNS, rows)
    for k, row in enumerate(rows, start=2):
        if row["depth"] == 0:
            for cell in ws[k]:
                cell.font = bold
        for cell in ws[k]:
            cell.alignment = wrap
    for letter, width in zip("ABCDEFGHIJKLMNO", (8, 22, 50, 10, 50, 36, 24, 24, 20, 14, 12, 30, 30, 22, 30)):
        ws.column_dimensions[letter].width = width

    info = wb.create_sheet(INFO_SHEET)
    info.append(["Trường", "Giá trị"])
    ties = fw.ties if isinstance(fw.ties, str) else ", ".join(fw.ties)
    values = {
        "id": fw.id,
        "title": fw.title,
        "version": fw.version,
        "note": fw.note,
        "scale": fw.scale_points,
        "report": fw.report,
        "decimals": fw.decimals,
        "rank_on": fw.rank_on,
        "ties": ties,
    }
    for key, head in INFO_FIELDS:
        info.append([head, _cell(values[key])])
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 44, 90

    sheet(
        wb.create_sheet(GROUPS_SHEET),
        GROUP_COLUMNS,
        [
            {
                "id": g.id,
                "name": g.name,
                "aliases": "; ".join(g.aliases),
                "ranked": "có" if g.ranked else "không",
                "reason": g.not_ranked_reason,
            }
            for g in fw.groups
        ],
    )
    level_rows = [_level_row("", lv) for lv in fw.levels]
    for g in fw.groups:
        level_rows += [_level_row(g.id, lv) for lv in g.levels or ()]
    sheet(wb.create_sheet(LEVELS_SHEET), LEVEL_COLUMNS, level_rows)
    sheet(wb.create_sheet(INPUTS_SHEET), INPUT_COLUMNS, [_input_row(i) for i in fw.inputs.values()])
    if fw.params:
        sheet(wb.create_sheet(PARAMS_SHEET), PARAM_COLUMNS, [_param_row(p) for p in fw.params.values()])
    declared = [d for d in fw.derived.values() if "." not in d.id]  # inline ones stay in their rule's cell
    if declared:
        sheet(
            wb.create_sheet(DERIVED_SHEET),
            DERIVED_COLUMNS,
            [
                {"id": d.id, "label": d.label, "type": d.type, "unit": d.unit, "value": d.expr.text, "help": d.help}
                for d in declared
            ],
        )
    sheet(
        wb.create_sheet(PILLARS_SHEET),
        PILLAR_COLUMNS,
        [
            {"id": p.id, "name": p.name, "criteria": ", ".join(p.criteria), "description": p.description}
            for p in fw.pillars
        ],
    )
    sheet(
        wb.create_sheet(LEGAL_SHEET),
        LEGAL_COLUMNS,
        [{"number": b.number, "date": b.date, "issuer": b.issuer, "title": b.title} for b in fw.legal_basis],
    )
    out = Path(out)
    wb.save(out)
    return out


def _cell(value):
    if isinstance(value, Decimal):
        return (
            int(value) if value == value.to_integral_value() else float(value) if len(str(value)) < 16 else str(value)
        )
    return value


def _level_row(group: str, lv: Level) -> dict:
    return {
        "group": group,
        "id": lv.id,
        "name": lv.name,
        "min": _cell(Decimal(plain(lv.min))),
        "below": "" if lv.below is None else _cell(Decimal(plain(lv.below))),
        "max": "" if lv.max is None else _cell(Decimal(plain(lv.max))),
    }


def _input_row(i: Input) -> dict:
    return {
        "id": i.id,
        "label": i.label,
        "type": i.type,
        "unit": i.unit,
        "min": "" if i.min is None or (i.min == 0 and i.type != "yesno") else plain(i.min),
        "max": "" if i.max is None or (i.type == "ratio" and plain(i.max) == "1") else plain(i.max),
        "at_most": i.at_most or "",
        "evidence": "có" if i.evidence else "",
        "options": "; ".join(f"{o.id}: {o.label}" for o in i.options),
        "help": i.help,
        "survey": "; ".join(f"{o.id}: {o.label} = {plain(o.weight)}" for o in i.survey),
    }


def _param_row(p) -> dict:
    if p.type == "yesno":
        default = "" if p.default is None else ("có" if p.default else "không")
        lo = hi = ""
    else:
        default = "" if p.default is None else plain(p.default)
        lo = "" if p.min is None else plain(p.min)
        hi = "" if p.max is None else plain(p.max)
    return {
        "id": p.id,
        "label": p.label,
        "type": p.type,
        "unit": p.unit,
        "min": lo,
        "max": hi,
        "default": default,
        "help": p.help,
    }


def export_docx(fw: Framework, out):
    """The annex table as the regulation prints it: landscape A4, Times New Roman, a header row that
    repeats on every page, criteria groups in bold, rows that never split."""
    from ..documents import layout as L

    doc = L.new_document(fw.title, landscape=True, margins=L.Margins(top=20, bottom=20, left=20, right=15))
    L.para(doc, "PHỤ LỤC", bold=True, align="center", size=13)
    L.para(doc, fw.title.upper(), bold=True, align="center", size=13)
    if fw.legal_basis:
        b = fw.legal_basis[0]
        L.para(doc, f"(Kèm theo {b.cite()})", italic=True, align="center", size=13, after=6)
    L.para(doc, f"Thang điểm: {plain(fw.scale)} điểm.", size=13, align="left", after=6)
    heads = [
        "STT",
        "Chỉ số / tiêu chí",
        "Điểm tối đa",
        "Cách xác định và tính điểm",
        "Tài liệu kiểm chứng",
        "Nguồn thu thập dữ liệu",
        "Đơn vị phối hợp xác minh",
    ]
    widths = [14, 62, 16, 78, 40, 24, 28]  # 262 mm: A4 landscape less 20 + 15 mm margins
    t = L.table(doc, widths)
    row = L.add_row(t, header=True)
    for cell, text in zip(row.cells, heads):
        L.cell_text(cell, text, size=11, bold=True)
        L.shade(cell)
    row = L.add_row(t, header=True)
    for k, cell in enumerate(row.cells, start=1):
        L.cell_text(cell, f"({k})", size=10, italic=True)
    groups = {g.id: g.name for g in fw.groups}
    for r in criteria_rows(fw):
        row = L.add_row(t)
        top = r["depth"] == 0
        title = r["title"]
        if r["groups"]:
            title += " (" + ", ".join(groups[g.strip()] for g in r["groups"].split(",")) + ")"
        if FLAGS["deduction"] in r["flags"]:
            title += " (trừ điểm)"
        texts = [r["so"], title, _points_text(r["max"]), r["description"], r["evidence"], r["source"], r["verified_by"]]
        for k, (cell, text) in enumerate(zip(row.cells, texts)):
            L.cell_text(cell, text, size=11, bold=top and k < 3, align="center" if k in (0, 2) else "left")
    L.para(doc, "", after=6)
    out = out if hasattr(out, "write") else Path(out)  # a path, or a stream (the web's response)
    doc.save(out)
    return out


def _points_text(value: Decimal) -> str:
    return f"{value:f}".rstrip("0").rstrip(".").replace(".", ",") if "." in f"{value:f}" else f"{value:f}"


# ------------------------------------------------------------------------------------------ import
@dataclass
class CellProblem:
    file: str
    sheet: str
    row: int | None
    column: str
    expected: str

    def __str__(self) -> str:
        where = (
            f"trang '{self.sheet}'"
            + (f", dòng {self.row}" if self.row else "")
            + (f", cột '{self.column}'" if self.column else "")
        )
        return f"{self.file}: {where}: {self.expected}"


class TableImportError(XephangError):
    """Every unreadable cell of an imported table, one per line."""

    def __init__(self, problems: list[CellProblem]):
        self.problems = problems
        super().__init__(f"{len(problems)} lỗi khi đọc bảng chỉ số:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass
class ImportResult:
    data: dict  # the criteria set as a YAML mapping
    warnings: list[str]

    def yaml(self) -> str:
        head = (
            "# Bộ tiêu chí đọc từ bảng chỉ số bằng `xephang framework import`; kiểm tra bằng "
            "`xephang framework check`.\n"
        )
        return head + yaml.safe_dump(self.data, allow_unicode=True, sort_keys=False, width=110)


class _Sheet:
    """Rows of one sheet under a header row found by its column names, with problems collected."""

    def __init__(self, file: str, ws, columns, problems: list[CellProblem], required=()):
        self.file, self.name, self.problems = file, ws.title, problems
        self.columns: dict[str, int] = {}
        self.heads: dict[str, str] = {key: head for key, head, _ in columns}
        names = {fold(n): key for key, head, aliases in columns for n in (head, *aliases)}
        rows = list(ws.iter_rows(values_only=True))
        self.header_row = 0
        for k, row in enumerate(rows[:15], start=1):
            found = {names[fold(str(v))]: j for j, v in enumerate(row) if v is not None and fold(str(v)) in names}
            if len(found) >= max(2, len(required)) and all(r in found for r in required):
                self.columns, self.header_row = found, k
                break
        if not self.header_row:
            want = ", ".join(f"'{self.heads[r]}'" for r in required) or ", ".join(f"'{h}'" for _, h, _ in columns[:3])
            self.fail(None, "", f"không tìm thấy dòng tiêu đề có các cột {want} trong 15 dòng đầu")
        self.rows = [
            (k, row)
            for k, row in enumerate(rows[self.header_row :], start=self.header_row + 1)
            if any(v not in (None, "") for v in row)
        ]

    def fail(self, row: int | None, key: str, expected: str) -> None:
        self.problems.append(CellProblem(self.file, self.name, row, self.heads.get(key, key), expected))

    def get(self, row, key) -> str:
        j = self.columns.get(key)
        if j is None or j >= len(row) or row[j] is None:
            return ""
        v = row[j]
        if isinstance(v, float) and v == int(v):
            v = int(v)
        return re.sub(r"\s+", " ", str(v)).strip()


def _number(sheet: _Sheet, k: int, key: str, text: str, required=False) -> str | None:
    if not text:
        if required:
            sheet.fail(k, key, "cần một số")
        return None
    try:
        d = Decimal(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
    except InvalidOperation:
        sheet.fail(k, key, f"cần một số, không phải '{text}'")
        return None
    if not d.is_finite():
        sheet.fail(k, key, f"cần một số hữu hạn, không phải '{text}'")
        return None
    return d


def _yaml_number(d: Decimal):
    return int(d) if d == d.to_integral_value() else float(d) if Decimal(str(float(d))) == d else str(d)


def _pairs(sheet, k, key, text) -> list[tuple[str, str]] | None:
    """'a: 1; b: 2' -> [('a', '1'), ('b', '2')]."""
    out = []
    for part in [p.strip() for p in text.split(";") if p.strip()]:
        if ":" not in part:
            sheet.fail(k, key, f"cần các cặp 'mã: giá trị' cách nhau bởi ';', không phải '{part}'")
            return None
        a, b = part.split(":", 1)
        out.append((a.strip(), b.strip()))
    return out


_STT = re.compile(r"^(?:[IVXLC]+|\d+(?:\.\d+)*)\.?$")


def _depths(sheet: _Sheet, items: list[tuple[int, str]]) -> dict[int, int]:
    """Depth of each row from its STT: 'I', 'II' are criteria groups; '1', '1.2', '1.2.3' go one level
    deeper per number (below the groups when the table has them)."""
    roman = any(re.fullmatch(r"[IVXLC]+\.?", s) for _, s in items)
    out = {}
    for k, stt in items:
        if not _STT.match(stt):
            sheet.fail(k, "so", f"cần số thứ tự dạng I, II, 1, 1.1, 1.1.1, không phải '{stt}'")
            continue
        s = stt.rstrip(".")
        out[k] = 0 if re.fullmatch(r"[IVXLC]+", s) else s.count(".") + (1 if roman else 0)
    return out


def import_workbook(path: str | Path) -> ImportResult:
    """Read an annex table (xlsx) into a criteria set's YAML mapping; every unreadable cell is
    collected and reported together (``TableImportError``); the result is checked by the loader."""
    from openpyxl import load_workbook

    path = Path(path)
    file = path.name
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        raise XephangError(f"{file}: không đọc được tệp Excel (.xlsx): {e}") from None
    problems: list[CellProblem] = []
    warnings: list[str] = []
    sheets = {fold(ws.title): ws for ws in wb.worksheets}

    def find(name, required=True):
        ws = sheets.get(fold(name))
        if ws is None and required:
            problems.append(CellProblem(file, name, None, "", "thiếu trang tính này"))
        return ws

    crit_ws = find(CRITERIA_SHEET, required=False) or wb.worksheets[0]
    data: dict = {}
    info_ws = find(INFO_SHEET)
    if info_ws is not None:
        data.update(_read_info(file, info_ws, problems))
    if (ws := find(LEGAL_SHEET, required=False)) is not None:
        s = _Sheet(file, ws, LEGAL_COLUMNS, problems, ("number", "date"))
        if s.rows:
            data["legal_basis"] = [
                {k: s.get(row, k) for k, _, _ in LEGAL_COLUMNS if s.get(row, k)} for _, row in s.rows
            ]
    group_ids: list[str] = []
    if (ws := find(GROUPS_SHEET)) is not None:
        data["groups"] = _read_groups(file, ws, problems)
        group_ids = [g["id"] for g in data["groups"]]
    if (ws := find(LEVELS_SHEET, required=False)) is not None:
        levels, per_group = _read_levels(file, ws, problems, group_ids)
        data["levels"] = levels
        for g in data.get("groups", []):
            if g["id"] in per_group:
                g["levels"] = per_group[g["id"]]
    if (ws := find(INPUTS_SHEET, required=False)) is not None:
        data["inputs"] = _read_inputs(file, ws, problems)
    if (ws := find(DERIVED_SHEET, required=False)) is not None:
        data.setdefault("inputs", []).extend(_read_derived(file, ws, problems))
    if (ws := find(PARAMS_SHEET, required=False)) is not None:
        params = _read_params(file, ws, problems)
        if params:
            data["params"] = params
    rows_of: dict[str, int] = {}
    data["criteria"] = _read_criteria(file, crit_ws, problems, warnings, rows_of)
    if (ws := find(PILLARS_SHEET, required=False)) is not None:
        s = _Sheet(file, ws, PILLAR_COLUMNS, problems, ("id", "criteria"))
        pillars = []
        for _k, row in s.rows:
            p = {
                "id": s.get(row, "id"),
                "name": s.get(row, "name"),
                "criteria": [c.strip() for c in s.get(row, "criteria").split(",") if c.strip()],
            }
            if s.get(row, "description"):
                p["description"] = s.get(row, "description")
            pillars.append(p)
        if pillars:
            data["pillars"] = pillars
    if problems:
        raise TableImportError(problems)
    result = ImportResult(data, warnings)
    try:
        _loader.parse_framework(result.yaml(), file)
    except FrameworkError as e:
        raise TableImportError([_trace_back(file, crit_ws.title, e, data, rows_of)]) from None
    return result


def _trace_back(file: str, sheet: str, e: FrameworkError, data: dict, rows_of: dict[str, int]) -> CellProblem:
    """A loader message on the generated YAML, pointed at the table row the criterion came from."""
    path = getattr(e, "path", "") or ""
    node, crit_id = data, None
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        try:
            node = node[int(part[1:-1])] if part.startswith("[") else node[part]
        except (KeyError, IndexError, TypeError, ValueError):
            break
        if isinstance(node, dict) and "id" in node and path.startswith("criteria"):
            crit_id = node.get("id", crit_id)
    message = getattr(e, "message", None) or str(e)
    return CellProblem(file, sheet, rows_of.get(crit_id), "", f"{message} ({path})" if path else message)


def _read_info(file, ws, problems) -> dict:
    heads = {fold(h.split("(")[0].strip()): key for key, h in INFO_FIELDS}
    heads.update({fold(key): key for key, _ in INFO_FIELDS})
    out: dict = {}
    for k, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if not row or row[0] is None:
            continue
        key = heads.get(fold(str(row[0]).split("(")[0].strip()))
        value = row[1] if len(row) > 1 else None
        if key is None or value in (None, ""):
            continue
        text = re.sub(r"\s+", " ", str(value)).strip()
        if key in ("scale", "decimals"):
            try:
                d = Decimal(text.replace(",", "."))
            except InvalidOperation:
                problems.append(
                    CellProblem(file, ws.title, k, "Giá trị", f"'{row[0]}' cần một số, không phải '{text}'")
                )
                continue
            if key == "decimals":
                out["rounding"] = {"decimals": int(d)}
            else:
                out["scale"] = _yaml_number(d)
        elif key == "ties":
            parts = [p.strip() for p in text.split(",") if p.strip()]
            out["ties"] = parts[0] if len(parts) == 1 and parts[0] in _model.TIE_RULES else parts
        else:
            out[key] = text
    for key in ("id", "title", "scale"):
        if key not in out:
            problems.append(
                CellProblem(
                    file,
                    ws.title,
                    None,
                    "Giá trị",
                    f"thiếu '{dict(INFO_FIELDS)[key]}' (cột A tên trường, cột B giá trị)",
                )
            )
    return dict(
        sorted(
            out.items(), key=lambda kv: [k for k, _ in INFO_FIELDS].index(kv[0]) if kv[0] in dict(INFO_FIELDS) else 5
        )
    )


def _read_groups(file, ws, problems) -> list[dict]:
    s = _Sheet(file, ws, GROUP_COLUMNS, problems, ("id", "name"))
    out = []
    for k, row in s.rows:
        g = {"id": s.get(row, "id"), "name": s.get(row, "name")}
        if not g["id"] or not g["name"]:
            s.fail(k, "id" if not g["id"] else "name", "cần mã và tên khối")
        if aliases := [a.strip() for a in s.get(row, "aliases").split(";") if a.strip()]:
            g["aliases"] = aliases
        ranked = fold(s.get(row, "ranked"))
        if ranked in {fold(x) for x in NO if x}:
            g["ranked"] = False
            g["reason"] = s.get(row, "reason")
        elif ranked not in {fold(x) for x in YES} | {""}:
            s.fail(k, "ranked", f"cần 'có' hoặc 'không', không phải '{s.get(row, 'ranked')}'")
        out.append(g)
    return out


def _read_levels(file, ws, problems, group_ids) -> tuple[list[dict], dict[str, list[dict]]]:
    s = _Sheet(file, ws, LEVEL_COLUMNS, problems, ("id", "min"))
    shared, per_group = [], {}
    for k, row in s.rows:
        lv = {"id": s.get(row, "id"), "name": s.get(row, "name")}
        for key in ("min", "below", "max"):
            d = _number(s, k, key, s.get(row, key), required=key == "min")
            if d is not None:
                lv[key] = _yaml_number(d)
        gid = s.get(row, "group")
        if gid and gid not in group_ids:
            s.fail(k, "group", f"khối '{gid}' không có trong trang '{GROUPS_SHEET}'")
        (per_group.setdefault(gid, []) if gid else shared).append(lv)
    return shared, per_group


def _read_inputs(file, ws, problems) -> list[dict]:
    s = _Sheet(file, ws, INPUT_COLUMNS, problems, ("id", "type"))
    out = []
    for k, row in s.rows:
        inp: dict = {"id": s.get(row, "id"), "label": s.get(row, "label"), "type": s.get(row, "type")}
        if inp["type"] not in _model.INPUT_TYPES:
            s.fail(k, "type", f"cần một trong {', '.join(_model.INPUT_TYPES)}, không phải '{inp['type']}'")
        _texts(s, row, inp, ("unit", "at_most", "help"))
        for key in ("min", "max"):
            d = _number(s, k, key, s.get(row, key))
            if d is not None:
                inp[key] = _yaml_number(d)
        if fold(s.get(row, "evidence")) in {fold(x) for x in YES}:
            inp["evidence"] = True
        if s.get(row, "options"):
            pairs = _pairs(s, k, "options", s.get(row, "options"))
            if pairs is not None:
                inp["options"] = [{"id": a, "label": b} for a, b in pairs]
        if s.get(row, "survey"):
            pairs = _pairs(s, k, "survey", s.get(row, "survey"))
            answers = []
            for a, b in pairs or ():
                label, eq, weight = b.rpartition("=")
                d = _number(s, k, "survey", weight.strip(), required=True) if eq else None
                if not eq:
                    s.fail(k, "survey", f"'{a}: {b}': cần 'mã: phương án = trọng số', ví dụ 'hai_long: Hài lòng = 0.6'")
                if d is None:
                    break
                answers.append({"id": a, "label": label.strip(), "weight": _yaml_number(d)})
            else:
                if pairs is not None:
                    inp["survey"] = answers
        out.append(inp)
    return out


def _texts(s: _Sheet, row, into: dict, keys) -> None:
    """Copy the row's non-empty text cells of ``keys`` into ``into``."""
    for key in keys:
        if s.get(row, key):
            into[key] = s.get(row, key)


def _read_params(file, ws, problems) -> list[dict]:
    s = _Sheet(file, ws, PARAM_COLUMNS, problems, ("id", "type"))
    out = []
    for k, row in s.rows:
        p: dict = {"id": s.get(row, "id"), "label": s.get(row, "label"), "type": s.get(row, "type")}
        _texts(s, row, p, ("unit", "help"))
        for key in ("min", "max"):
            d = _number(s, k, key, s.get(row, key))
            if d is not None:
                p[key] = _yaml_number(d)
        default = s.get(row, "default")
        if default and p["type"] == "yesno":
            if fold(default) in {fold(x) for x in YES}:
                p["default"] = True
            elif fold(default) in {fold(x) for x in NO}:
                p["default"] = False
            else:
                s.fail(k, "default", f"cần 'có' hoặc 'không', không phải '{default}'")
        elif default:
            d = _number(s, k, "default", default)
            if d is not None:
                p["default"] = _yaml_number(d)
        out.append(p)
    return out


def _read_derived(file, ws, problems) -> list[dict]:
    s = _Sheet(file, ws, DERIVED_COLUMNS, problems, ("id", "value"))
    out = []
    for k, row in s.rows:
        d: dict = {"id": s.get(row, "id"), "label": s.get(row, "label")}
        _texts(s, row, d, ("type", "unit", "help"))
        d["value"] = s.get(row, "value")
        if not d["value"]:
            s.fail(k, "value", "cần biểu thức tính giá trị, ví dụ 'so_hop_chu_tri / so_hop_cds'")
        out.append(d)
    return out


def _rule_type(text: str) -> str | None:
    f = fold(text)
    for rtype, names in RULE_NAMES.items():
        if f == rtype or f in {fold(n) for n in names}:
            return rtype
    return None


def _read_criteria(file, ws, problems, warnings, rows_of) -> list[dict]:
    s = _Sheet(file, ws, CRITERIA_COLUMNS, problems, REQUIRED_COLUMNS)
    if not s.header_row:
        return []
    supported = _loader.CRITERION_KEYS
    sources = getattr(_model, "DATA_SOURCES", {})
    by_label = {fold(v): k for k, v in sources.items()} | {fold(k): k for k in sources}
    items = [(k, s.get(row, "so")) for k, row in s.rows]
    for k, stt in items:
        if not stt:
            s.fail(k, "so", "cần số thứ tự (STT) để biết tiêu chí thuộc nhóm nào")
    depths = _depths(s, [(k, stt) for k, stt in items if stt])
    top: list[dict] = []
    stack: list[tuple[int, dict, str]] = []  # (depth, criterion, STT) of the open ancestors
    used: set[str] = set()
    for k, row in s.rows:
        if k not in depths:
            continue
        depth, stt = depths[k], s.get(row, "so").rstrip(".")
        if depth > (stack[-1][0] + 1 if stack else 0):
            s.fail(k, "so", f"STT '{stt}' nhảy cấp: thiếu dòng của tiêu chí cha")
            continue
        while stack and stack[-1][0] >= depth:
            stack.pop()
        # without a code column: a code from the numbering, under the criteria group's (I.1 -> c_i_1)
        roman = stack[0][2] if stack and depth > 0 and re.fullmatch(r"[IVXLC]+", stack[0][2]) else ""
        code = (roman.lower() + "_" if roman and not stt.startswith(roman) else "") + stt.lower().replace(".", "_")
        cid = s.get(row, "id") or "c_" + code
        if cid in used:
            s.fail(k, "id", f"mã '{cid}' đã dùng ở một dòng khác")
        used.add(cid)
        rows_of[cid] = k
        c: dict = {"id": cid, "title": s.get(row, "title")}
        if "so" in supported:
            c["so"] = stt
        if not c["title"]:
            s.fail(k, "title", "cần tên chỉ số / tiêu chí")
        d = _number(s, k, "max", s.get(row, "max"))
        if d is not None or s.get(row, "max"):
            c["max"] = None if d is None else _yaml_number(d)  # None: unreadable, already reported
        if s.get(row, "groups"):
            c["groups"] = [g.strip() for g in s.get(row, "groups").split(",") if g.strip()]
        flags = {fold(f.strip()) for f in s.get(row, "flags").split(",") if f.strip()}
        for f in flags - {fold(v) for v in FLAGS.values()}:
            s.fail(k, "flags", f"thuộc tính '{f}' không rõ; cần: {', '.join(FLAGS.values())}")
        if fold(FLAGS["deduction"]) in flags:
            c["deduction"] = True
        if fold(FLAGS["not_applicable"]) in flags:
            c["not_applicable"] = True
        if fold(FLAGS["best"]) in flags:
            c["aggregate"] = "best"
        for key in ("description", "evidence", "verified_by", "prepared_by"):
            if s.get(row, key):
                if key in supported:
                    c[key] = s.get(row, key)
                else:
                    warnings.append(
                        f"{file}: trang '{s.name}', dòng {k}: cột '{s.heads[key]}' chưa có trường "
                        "tương ứng trong bộ tiêu chí, đã bỏ qua"
                    )
        if text := s.get(row, "source"):
            key = by_label.get(fold(text))
            if key and "source" in supported:
                c["source"] = key
            else:  # free text ("UBND huyện cung cấp"): kept with the scoring method, not lost
                c["description"] = (c.get("description", "") + f" Nguồn dữ liệu: {text}.").strip()
        if s.get(row, "when"):
            c["when"] = s.get(row, "when")
        rtext = s.get(row, "rule")
        if rtext:
            rule = _read_rule(s, k, row, rtext)
            c["rule"] = rule if rule is not None else {}  # {}: already reported
        if stack:
            stack[-1][1].setdefault("criteria", []).append(c)
        else:
            top.append(c)
        stack.append((depth, c, stt))
    _check_shape(s, top, rows_of)
    return top


def _check_shape(s: _Sheet, items: list[dict], rows_of) -> None:
    for c in items:
        k = rows_of.get(c["id"])
        if c.get("rule") == {}:
            pass
        elif "criteria" in c and "rule" in c:
            s.fail(k, "rule", "dòng có tiêu chí thành phần thì không có quy tắc riêng (để trống 'Loại quy tắc')")
        if "criteria" not in c and "rule" not in c and k is not None:
            s.fail(
                k, "rule", "tiêu chí không có tiêu chí thành phần cần 'Loại quy tắc' (" + ", ".join(RULE_NAMES) + ")"
            )
        if "criteria" not in c and "max" not in c and k is not None:
            s.fail(k, "max", "tiêu chí lá cần điểm tối đa")
        _check_shape(s, c.get("criteria", []), rows_of)


def _split_top(text: str, sep: str) -> list[str]:
    """``text`` split at ``sep`` outside parentheses: '(a + b) / c' -> ['(a + b)', 'c']."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return parts + [text[start:]]


def _unwrap(text: str) -> str:
    """'(a / b)' -> 'a / b': the parentheses the export puts around an expression written in place."""
    text = text.strip()
    if text.startswith("(") and text.endswith(")"):
        depth = 0
        for ch in text[1:-1]:
            depth += (ch == "(") - (ch == ")")
            if depth < 0:
                return text
        return text[1:-1].strip()
    return text


def _read_rule(s: _Sheet, k: int, row, rtext: str) -> dict | None:
    rtype = _rule_type(rtext)
    if rtype is None:
        s.fail(k, "rule", f"cần một trong {', '.join(RULE_NAMES)}, không phải '{rtext}'")
        return None
    ins = s.get(row, "inputs")
    params = s.get(row, "params")
    rule: dict = {"type": rtype}
    if not ins:
        s.fail(
            k,
            "inputs",
            "cần mã chỉ tiêu nhập mà quy tắc đọc"
            + (" (với 'formula': biểu thức tính điểm)" if rtype == "formula" else ""),
        )
        return None
    if rtype == "formula":
        rule["points"] = ins
        return rule
    if rtype in ("ratio", "relative"):
        parts = [_unwrap(p) for p in _split_top(ins, "/")]
        if len(parts) == 2 and all(parts):
            rule["numerator"], rule["denominator"] = parts
        elif len(parts) == 1:
            rule["value"] = parts[0]
        else:
            s.fail(k, "inputs", f"cần 'tử_số / mẫu_số' hoặc một chỉ tiêu tỷ lệ, không phải '{ins}'")
            return None
        return rule
    rule["input"] = _unwrap(ins)
    pairs = _pairs(s, k, "params", params) if params else []
    if pairs is None:
        return None

    def num(text):
        return _number(s, k, "params", text, required=True)

    if rtype == "tiers":
        if not pairs:
            s.fail(k, "params", "cần các mức 'ngưỡng: điểm; ...', ví dụ '4: 20; 3: 15'")
            return None
        tiers = [(num(a), num(b)) for a, b in pairs]
        if any(a is None or b is None for a, b in tiers):
            return None
        rule["tiers"] = [{"min": _yaml_number(a), "points": _yaml_number(b)} for a, b in tiers]
    elif rtype == "choice":
        if not pairs:
            s.fail(k, "params", "cần điểm của từng phương án 'mã_phương_án: điểm; ...'")
            return None
        points = {a: num(b) for a, b in pairs}
        if any(v is None for v in points.values()):
            return None
        rule["points"] = {a: _yaml_number(v) for a, v in points.items()}
    elif rtype in ("yesno", "count"):
        names = {
            "yesno": {"có": "yes", "yes": "yes", "không": "no", "no": "no"},
            "count": {"mỗi": "per", "per": "per", "tối đa": "cap", "cap": "cap"},
        }[rtype]
        names = {fold(a): b for a, b in names.items()}
        for a, b in pairs:
            key = names.get(fold(a))
            if key is None:
                s.fail(k, "params", f"'{a}' không rõ; cần: {', '.join(sorted(set(names)))}")
                return None
            v = num(b)
            if v is None:
                return None
            rule[key] = _yaml_number(v)
    elif pairs:
        s.fail(k, "params", f"quy tắc '{rtype}' không có tham số")
        return None
    return rule
