"""The annex workbook (phụ lục Excel): every unit's points per criterion, subtotals, total, level, rank.

One sheet per group (frozen header, filters, number formats, Vietnamese headers, widths that fit),
one with the criteria set (criteria, max points, the rule in words) and one with the warnings and the
tie rule. Points are written already rounded half-up to the framework's decimals, as Decimals, so
that what Excel shows is what the decision shows (Excel's own display rounding works on binary
floats and can show 84.995 as 84.99).
"""

from __future__ import annotations

import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..framework.model import Criterion, Framework
from ..io.cells import neutralise_workbook
from ..numbers import from_fixed, plain, round_half_up
from ..ranking import GroupRanking, Ranking

HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
SUBTOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
FIRST_DATA_ROW = 6
CRITERION_WIDTH = 14  # characters; criterion titles wrap in the header  # rows 1-2 title, 4-5 two header rows


def _sheet_title(name: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip()
    if len(clean) > 31 and clean.startswith("Khối "):  # "UBND huyện, thị xã, thành phố" says it all
        clean = clean[len("Khối "):]
    clean = clean[:31].rstrip(" ,")
    title, k = clean, 2
    while title in taken:
        suffix = f" ({k})"
        title, k = clean[: 31 - len(suffix)] + suffix, k + 1
    taken.add(title)
    return title


def _fmt(decimals: int) -> str:
    return "0" if decimals == 0 else "0." + "0" * decimals


def _points(value: int | None, decimals: int):
    return None if value is None else round_half_up(from_fixed(value), decimals)


def _columns(fw: Framework, group: str) -> list[tuple[Criterion, Criterion, bool]]:
    """(top-level criterion, node, is the top-level subtotal) for every column of a group's sheet."""
    cols = []
    for top in fw.criteria_for(group):
        nodes = [n for n in top.walk() if n is not top and n.applies_to(group)]
        cols.extend((top, n, False) for n in nodes)
        cols.append((top, top, True))
    return cols


def write_annex(ranking: Ranking, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    build_annex(ranking).save(out)
    return out


def build_annex(ranking: Ranking) -> Workbook:
    fw = ranking.framework
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for group in ranking.groups:
        _group_sheet(wb.create_sheet(_sheet_title(group.group.name, taken)), ranking, group)
    _framework_sheet(wb.create_sheet(_sheet_title("Bộ tiêu chí", taken)), fw)
    _warnings_sheet(wb.create_sheet(_sheet_title("Lưu ý", taken)), ranking)
    neutralise_workbook(wb)  # names and titles never become formulas
    return wb


def _group_sheet(ws, ranking: Ranking, group: GroupRanking) -> None:
    fw = ranking.framework
    scored = ranking.scored
    dec = 2 if fw.report == "index" else fw.decimals  # criterion points; the index keeps fw.decimals
    with_criteria = scored.kind == "inputs"
    cols = _columns(fw, group.group.id) if with_criteria else []
    index = fw.report == "index"
    total_head = "Chỉ số" if index else f"Tổng điểm (tối đa {_n(fw.scale)})"
    headers = ["STT", "Đơn vị"] + [""] * len(cols) + [total_head, "Mức", "Xếp hạng"]
    last_col = len(headers)

    ws["A1"] = f"KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG: {group.group.name.upper()}"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = f"{fw.title} ({fw.id}). Nguồn số liệu: {scored.data.source}"
    ws["A2"].font = Font(italic=True)

    # Two header rows: the criteria group over its criteria, then each criterion with its max.
    for c, text in enumerate(headers, start=1):
        if text:
            ws.cell(4, c, text)
            ws.merge_cells(start_row=4, start_column=c, end_row=5, end_column=c)
    c = 3
    while c - 3 < len(cols):
        top = cols[c - 3][0]
        span = sum(1 for t, _, _ in cols if t is top)
        sign = " (trừ điểm)" if top.deduction and "trừ" not in top.title.lower() else ""
        ws.cell(4, c, f"{top.title}{sign} (tối đa {_n(top.max)})")
        if span > 1:
            ws.merge_cells(start_row=4, start_column=c, end_row=4, end_column=c + span - 1)
        for k in range(span):
            _, node, subtotal = cols[c - 3 + k]
            label = "Cộng" if subtotal and span > 1 else ("Điểm" if subtotal else node.title)
            ws.cell(5, c + k, f"{label} ({_n(node.max)})")
            if subtotal and span == 1:
                ws.merge_cells(start_row=4, start_column=c, end_row=5, end_column=c)
        c += span
    for row in (4, 5):
        for col in range(1, last_col + 1):
            cell = ws.cell(row, col)
            cell.font = Font(bold=True)
            cell.alignment = WRAP
            cell.fill = HEAD_FILL
            cell.border = BOX
    # Row heights that show whole criterion titles: Excel does not grow merged or wrapped header rows.
    longest = max([len(str(ws.cell(5, c).value or ws.cell(4, c).value or "")) for c in range(3, 3 + len(cols))] + [0])
    ws.row_dimensions[5].height = max(30, 15 * -(-longest // (CRITERION_WIDTH - 2)))
    group_lines = [0]
    for top in {id(t): t for t, _, _ in cols}.values():
        span = sum(1 for t, _, _ in cols if t is top)
        if span > 1:  # a single column's title spans rows 4 and 5 (merged), already counted in row 5
            group_lines.append(math.ceil((len(top.title) + 14) / (span * CRITERION_WIDTH - 2)))  # + " (tối đa …)"
    ws.row_dimensions[4].height = max(30, 15 * max(group_lines)) if cols else 15

    r = FIRST_DATA_ROW
    for u in group.units:
        values: list = [u.position, u.name]
        for _, node, _ in cols:
            p = None if _not_applicable(scored, u.unit, node) else scored.points(u.unit, node.id)
            values.append(_points(p, dec) if p is not None else "KAD")
        values += [u.shown, u.level.name if u.level else "", u.rank]
        for col, v in enumerate(values, start=1):
            cell = ws.cell(r, col, v)
            cell.border = BOX
            if 3 <= col < 3 + len(cols):
                _, node, subtotal = cols[col - 3]
                cell.number_format = _fmt(dec)
                cell.alignment = Alignment(horizontal="right" if v != "KAD" else "center")
                if subtotal or node.children:
                    cell.fill = SUBTOTAL_FILL
                    cell.font = Font(bold=subtotal)
            elif col == 3 + len(cols):
                cell.number_format = _fmt(fw.decimals)
                cell.font = Font(bold=True)
            elif col in (1, last_col, last_col - 1):
                cell.alignment = Alignment(horizontal="center")
        r += 1

    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 3)
    ws.auto_filter.ref = f"A5:{get_column_letter(last_col)}{max(5, r - 1)}"
    ws.print_title_rows = "4:5"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    name_width = max([len("Đơn vị")] + [len(u.name) for u in group.units]) + 2
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = min(60, name_width)
    for k in range(len(cols)):
        ws.column_dimensions[get_column_letter(3 + k)].width = CRITERION_WIDTH
    ws.column_dimensions[get_column_letter(3 + len(cols))].width = 14
    ws.column_dimensions[get_column_letter(last_col - 1)].width = 12
    ws.column_dimensions[get_column_letter(last_col)].width = 10
    if not with_criteria:
        ws.cell(r + 1, 1, "Kỳ này chỉ có tổng điểm đã công bố, không có điểm từng tiêu chí.").font = Font(italic=True)


def _not_applicable(scored, unit, node: Criterion) -> bool:
    """KAD (không áp dụng) for a criterion that does not apply, and for every sub-item under it."""
    while node is not None:
        if scored.points(unit, node.id) is None:
            return True
        node = node.parent
    return False


_n = plain


def _rule_words(fw: Framework, c: Criterion) -> str:
    labels = {i: fw.inputs[i].label for i in fw.inputs}
    if c.rule is not None:
        try:
            return c.rule.describe(c.max, labels)
        except (NotImplementedError, KeyError):
            return c.rule.type
    if c.aggregate == "best":
        return "lấy trường hợp cao điểm nhất trong các trường hợp"
    return "cộng điểm các tiêu chí thành phần"


def _framework_sheet(ws, fw: Framework) -> None:
    ws["A1"] = f"BỘ TIÊU CHÍ: {fw.title}"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = f"Mã {fw.id}" + (f"; {fw.version}" if fw.version else "") + (
        f"; căn cứ {fw.legal_basis[0].cite()}" if fw.legal_basis else "")
    ws["A2"].font = Font(italic=True)
    row = 3
    if fw.note:
        ws.cell(row, 1, f"Ghi chú: {fw.note}").font = Font(italic=True)
        row += 1
    head = ["Mã", "Tiêu chí", "Điểm tối đa", "Áp dụng cho khối", "Cách tính điểm", "Ghi chú"]
    row += 1
    header_row = row
    for col, text in enumerate(head, start=1):
        cell = ws.cell(row, col, text)
        cell.font, cell.alignment, cell.fill, cell.border = Font(bold=True), WRAP, HEAD_FILL, BOX
    for c in fw.all_criteria():
        row += 1
        notes = []
        if c.deduction:
            notes.append("trừ vào tổng điểm" if c.depth == 0 else "trừ điểm")
        if c.may_be_not_applicable:
            notes.append("có thể không áp dụng")
        groups = "tất cả" if len(c.groups) == len(fw.groups) else ", ".join(
            g.name for g in fw.groups if g.id in c.groups)
        values = [c.id, c.title, from_fixed(c.max), groups, _rule_words(fw, c), "; ".join(notes)]
        for col, v in enumerate(values, start=1):
            cell = ws.cell(row, col, v)
            cell.border = BOX
            cell.alignment = Alignment(wrap_text=True, vertical="top", indent=2 * c.depth if col == 2 else 0)
            if c.depth == 0:
                cell.font = Font(bold=True)
        ws.cell(row, 3).number_format = "0.##"
    row += 2
    ws.cell(row, 1, "Mức xếp loại").font = Font(bold=True)
    for level in fw.levels:
        row += 1
        ws.cell(row, 1, level.name)
        ws.cell(row, 2, f"Tổng điểm đạt {level.band_text()}")
    ws.freeze_panes = ws.cell(header_row + 1, 3)
    for letter, width in zip("ABCDEF", (26, 60, 10, 22, 60, 22)):
        ws.column_dimensions[letter].width = width


def _warnings_sheet(ws, ranking: Ranking) -> None:
    from .decision import table_note

    fw = ranking.framework
    ws["A1"] = "LƯU Ý VỀ KẾT QUẢ XẾP HẠNG"
    ws["A1"].font = Font(bold=True, size=13)
    ties = ranking.ties
    rule = {
        "shared": "đồng hạng (bằng điểm thì cùng thứ hạng, thứ hạng kế tiếp bị bỏ qua: 1, 2, 2, 4)",
        "input-order": "theo thứ tự trong bảng kết quả khi tổng điểm bằng nhau",
    }.get(ties) if isinstance(ties, str) else "so sánh lần lượt điểm các tiêu chí " + ", ".join(ties)
    lines = [
        f"Quy tắc khi bằng điểm: {rule}.",
        f"Xếp hạng theo: {'tổng điểm đầy đủ (chưa làm tròn)' if fw.rank_on == 'full' else 'điểm đã làm tròn'}; "
        f"điểm hiển thị làm tròn {fw.decimals} chữ số thập phân (làm tròn nửa lên).",
    ]
    for g in ranking.groups:
        note = table_note(ranking, g)
        if note:
            lines.append(f"{g.group.name}: {note}")
    lines += [f"Cảnh báo: {w}" for w in ranking.warnings]
    if not ranking.warnings:
        lines.append("Không có cảnh báo.")
    for k, text in enumerate(lines, start=3):
        cell = ws.cell(k, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 120
