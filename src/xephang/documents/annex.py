"""The annex workbook (phụ lục Excel): every unit's points per criterion, subtotals, total, level, rank.

One sheet per group (frozen header, filters, number formats, Vietnamese headers, widths that fit),
one with the criteria set (criteria, max points, the rule in words) and one with the warnings and the
tie rule. Points are written already rounded half-up to the framework's decimals, as Decimals, so
that what Excel shows is what the decision shows (Excel's own display rounding works on binary
floats and can show 84.995 as 84.99).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from ..framework.model import Criterion, Framework
from ..io.cells import neutralise_workbook
from ..numbers import from_fixed, plain, round_half_up
from ..ranking import GroupRanking, Ranking
from ..text import sort_key
from .layout import SAMPLE_MARK
from .meta import DecisionMeta

HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
SUBTOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
FIRST_DATA_ROW = 6  # rows 1-3: title, "(Kèm theo Quyết định …)", source; rows 4-5: the header
CRITERION_WIDTH = 14  # characters; criterion titles wrap in the header


def _sheet_title(name: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip()
    if len(clean) > 31 and clean.startswith("Khối "):  # "UBND huyện, thị xã, thành phố" says it all
        clean = clean[len("Khối ") :]
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


FONT = "Times New Roman"  # Nghị định 30/2020, Phụ lục I: the annex is part of the decision
MM = 1 / 25.4  # openpyxl's margins are in inches
#: Abbreviations the sheets use, each explained in the legend under the table.
ABBREVIATIONS = {"KAD": "không áp dụng với đơn vị (tiêu chí và mọi tiêu chí thành phần của nó)"}


@dataclass
class TailColumn:
    """A column after the criteria (sums, rescaling, total, level, rank). The annex is a list of
    these, so a new column (a pillar score, say) is one more entry in ``_tail_columns``."""

    header: str
    width: float
    value: Callable  # (RankedUnit) -> value written in the cell
    number_format: str | None = None
    bold: bool = False
    explain: str | None = None  # a line of the legend under the table


def write_annex(
    ranking: Ranking, out: Path, meta: DecisionMeta | None = None, *, draft: bool = False, absent=()
) -> Path:
    from .output import staged

    out = Path(out)
    with staged(out.parent) as st:
        build_annex(ranking, meta, draft=draft, absent=list(absent)).save(st.place(out))
    return out


def build_annex(ranking: Ranking, meta: DecisionMeta | None = None, *, draft: bool = False, absent=()) -> Workbook:
    """``draft``: every sheet says "DỰ THẢO" in its title cell and page header; ``absent``
    (``decision.Absent``): the units that did not report, on a sheet of their own, as the criteria
    set's rule treats them."""
    fw = ranking.framework
    meta = meta or DecisionMeta(period_year=None)
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = wb.properties.lastModifiedBy = "xephang"
    wb.properties.title = "Phụ lục kết quả đánh giá, xếp hạng"
    taken: set[str] = set()
    from ..ranking.pillars import pillar_rankings

    pillars = pillar_rankings(ranking)
    for group in ranking.groups:
        _group_sheet(
            wb.create_sheet(_sheet_title(group.group.name, taken)),
            ranking,
            group,
            meta,
            [t for t in pillars if t.group is group.group],
        )
    if absent:
        ws = wb.create_sheet(_sheet_title("Không báo cáo", taken))
        ws["A1"] = "ĐƠN VỊ KHÔNG GỬI BÁO CÁO"
        ws["A1"].font = Font(bold=True, size=13)
        ws.append(["Khối", "Đơn vị", "Tổng điểm", "Xếp hạng", "Theo quy định của bộ tiêu chí"])
        order = {g.id: k for k, g in enumerate(fw.groups)}
        # group by group as the criteria set lists them, each in Vietnamese order
        for a in sorted(absent, key=lambda a: (order.get(a.group, len(order)), sort_key(a.name))):
            group = fw.group(a.group)
            ws.append(
                [
                    group.name if group else a.group,
                    a.name,
                    a.shown if a.rank is not None else "",
                    a.rank if a.rank is not None else "",
                    "0 điểm, xếp cuối khối" if a.rank is not None else "không báo cáo / không xếp hạng",
                ]
            )
    _framework_sheet(wb.create_sheet(_sheet_title("Bộ tiêu chí", taken)), fw, ranking.scored.params)
    _warnings_sheet(wb.create_sheet(_sheet_title("Lưu ý", taken)), ranking)
    for ws in wb.worksheets:
        _times(ws)
        if meta.sample:
            ws.oddHeader.left.text = ws.firstHeader.left.text = "&B" + SAMPLE_MARK
        if draft:
            ws.oddHeader.center.text = ws.firstHeader.center.text = "&BDỰ THẢO — chưa ký, chưa công bố"
            ws["A1"] = f"DỰ THẢO — {ws['A1'].value or ''}"
    neutralise_workbook(wb)  # names and titles never become formulas
    return wb


def _times(ws) -> None:
    """Every cell in Times New Roman, keeping its size, weight and slant."""
    for row in ws.iter_rows():
        for cell in row:
            f = cell.font
            if f is None or f.name != FONT:
                cell.font = Font(
                    name=FONT,
                    size=f.size if f and f.size else 12,
                    bold=f.bold if f else False,
                    italic=f.italic if f else False,
                    color=f.color if f else None,
                )


def _print_setup(ws, title_rows: str | None, landscape: bool = True) -> None:
    """A4, the decree's margins (top and bottom 20, left 30, right 15 mm), fitted to the page width,
    the header rows repeated, and the page number centred at the top from page 2 (Phụ lục I)."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(
        left=30 * MM, right=15 * MM, top=20 * MM, bottom=20 * MM, header=10 * MM, footer=10 * MM
    )
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.HeaderFooter.differentFirst = True
    ws.oddHeader.center.text = "&P"
    ws.oddHeader.center.font = f"{FONT},Regular"
    ws.oddHeader.center.size = 13


def _title_rows(ws, last_col: int, title: str, meta: DecisionMeta, source: str) -> None:
    """Rows 1–3: the annex's name, "(Kèm theo Quyết định số … ngày … của …)", the source."""
    for row, text, font in (
        (1, title, Font(bold=True, size=13)),
        (2, meta.annex_line(), Font(italic=True, size=13)),
        (3, source, Font(italic=True, size=11)),
    ):
        cell = ws.cell(row, 1, text)
        cell.font = font
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(last_col, 2))
    ws.row_dimensions[2].height = 18


def _sum_shown(values) -> Decimal:
    return sum((v for v in values if isinstance(v, Decimal)), Decimal(0))


def _tail_columns(ranking: Ranking, group: GroupRanking, cols, shown, pillars=()) -> list[TailColumn]:
    """Columns after the criteria. With criteria: what the shown points add up to, the rescaling
    where criteria do not apply (its own column, with the formula), and the rounding difference, so
    that every row adds up to its shown total; then the total (with ``report: points-percent`` the
    points obtained and the percentage beside it), one pair of columns per pillar, level and rank,
    and for units assessed but not ranked the reason."""
    fw = ranking.framework
    index = fw.report == "index"
    total_dec = fw.decimals
    tail: list[TailColumn] = []
    if cols:
        tops = [k for k, (_, _, subtotal) in enumerate(cols) if subtotal]
        plus = [k for k in tops if not cols[k][0].deduction]
        minus = [k for k in tops if cols[k][0].deduction]

        def earned(u):
            return _sum_shown(shown[u.name][k] for k in plus)

        def deducted(u):
            return _sum_shown(shown[u.name][k] for k in minus)

        rescaled_units = [u for u in (*group.units, *group.unranked) if u.unit.not_applicable]

        def rescaled(u):
            if not u.unit.not_applicable:
                return earned(u)
            return round_half_up(earned(u) * from_fixed(fw.scale) / from_fixed(u.unit.applicable_max), total_dec)

        tail.append(TailColumn("Điểm đạt (cộng các nhóm tiêu chí)", 14, earned, _fmt(total_dec)))
        if rescaled_units:
            tail.append(
                TailColumn(
                    "Điểm tối đa áp dụng",
                    12,
                    lambda u: from_fixed(u.unit.applicable_max),
                    "0.##",
                    explain="Điểm tối đa áp dụng: thang điểm trừ điểm tối đa của các tiêu chí KAD.",
                )
            )
            tail.append(
                TailColumn(
                    f"Quy đổi về thang {plain(fw.scale)} (= Điểm đạt × {plain(fw.scale)} / Điểm tối đa áp dụng)",
                    18,
                    rescaled,
                    _fmt(total_dec),
                    explain=f"Quy đổi: đơn vị có tiêu chí KAD được tính Điểm đạt × {plain(fw.scale)} / Điểm tối "
                    f"đa áp dụng (làm tròn {total_dec} chữ số); đơn vị khác giữ nguyên Điểm đạt.",
                )
            )
        if minus:
            tail.append(TailColumn("Điểm trừ", 10, deducted, _fmt(total_dec)))
        tail.append(
            TailColumn(
                "Chênh lệch do làm tròn",
                12,
                lambda u: u.shown - (rescaled(u) - deducted(u)),
                _fmt(total_dec),
                explain="Chênh lệch do làm tròn: tổng điểm tính từ điểm đầy đủ rồi mới làm tròn, nên có thể khác "
                "tổng các điểm đã làm tròn ở bảng một vài phần trăm điểm; cột này ghi phần khác đó, để "
                + ("Quy đổi" if rescaled_units else "Điểm đạt")
                + (" − Điểm trừ" if minus else "")
                + " + Chênh lệch = Tổng điểm.",
            )
        )
    tail.append(
        TailColumn(
            "Chỉ số" if index else f"Tổng điểm (tối đa {plain(fw.scale)})",
            14,
            lambda u: u.shown,
            _fmt(total_dec),
            bold=True,
        )
    )
    if fw.report == "points-percent":
        tail.append(
            TailColumn(
                "Điểm đạt được",
                12,
                lambda u: _points(ranking.earned(u), total_dec),
                _fmt(total_dec),
                bold=True,
                explain="Điểm đạt được: điểm đơn vị thực đạt (sau khi trừ điểm), không quy đổi theo các tiêu chí "
                "không áp dụng; Tỷ lệ (%): tổng điểm so với thang điểm, dùng để xếp mức và xếp hạng.",
            )
        )
        tail.append(TailColumn("Tỷ lệ (%)", 10, lambda u: u.percent, _fmt(total_dec), bold=True))
    for t in pillars:
        rows = {id(r.unit): r for r in t.rows}
        tail.append(
            TailColumn(
                f"{t.pillar.name}: điểm (tối đa {plain(t.max)})",
                12,
                lambda u, rows=rows: _points(rows[id(u)].points, total_dec),
                _fmt(total_dec),
            )
        )
        tail.append(
            TailColumn(
                f"{t.pillar.name}: tỷ lệ (%)", 10, lambda u, rows=rows: rows[id(u)].percent(total_dec), _fmt(total_dec)
            )
        )
        tail.append(TailColumn(f"{t.pillar.name}: hạng", 9, lambda u, rows=rows: rows[id(u)].rank or "—"))
    if pillars:
        tail[-3 * len(pillars)].explain = (
            "Trụ cột: "
            + "; ".join(
                f"{t.pillar.name} gồm "
                + ", ".join(
                    fw.criterion(c).title for c in t.pillar.criteria if fw.criterion(c).applies_to(group.group.id)
                )
                for t in pillars
            )
            + ". Tỷ lệ của trụ cột = điểm / điểm tối đa của các tiêu chí áp dụng với đơn vị; hạng trong khối "
            "theo tỷ lệ đó."
        )
    tail.append(TailColumn("Mức", 12, lambda u: u.level.name if u.level else ""))
    tail.append(TailColumn("Xếp hạng", 10, lambda u: u.rank if u.ranked else "—"))
    if group.unranked:
        tail.append(TailColumn("Ghi chú", 30, lambda u: "" if u.ranked else f"Không xếp hạng: {u.reason}"))
    return tail


def _group_sheet(ws, ranking: Ranking, group: GroupRanking, meta: DecisionMeta, pillars=()) -> None:
    fw = ranking.framework
    scored = ranking.scored
    dec = 2 if fw.report == "index" else fw.decimals  # criterion points; the index keeps fw.decimals
    with_criteria = scored.kind == "inputs"
    cols = _columns(fw, group.group.id) if with_criteria else []
    shown = {}
    everyone = [*group.units, *group.unranked]  # the units not ranked after the ranked ones
    for u in everyone:
        row = []
        for _, node, _ in cols:
            p = None if _not_applicable(scored, u.unit, node) else scored.points(u.unit, node.id)
            row.append(_points(p, dec) if p is not None else "KAD")
        shown[u.name] = row
    tail = _tail_columns(ranking, group, cols, shown, pillars)
    first_tail = 3 + len(cols)
    last_col = first_tail + len(tail) - 1

    _title_rows(
        ws,
        last_col,
        f"KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG: {group.group.name.upper()}",
        meta,
        f"{fw.title} ({fw.id}). Nguồn số liệu: {scored.data.source}",
    )

    # Two header rows: a criteria group over its criteria (row 4), then every column's own label
    # with its max (row 5). Row 5 labels every column, so the filter sits on a full row.
    for c, text in [(1, "STT"), (2, "Đơn vị")] + [(first_tail + k, t.header) for k, t in enumerate(tail)]:
        ws.cell(5, c, text)
    c = 3
    while c - 3 < len(cols):
        top = cols[c - 3][0]
        span = sum(1 for t, _, _ in cols if t is top)
        sign = " (trừ điểm)" if top.deduction and "trừ" not in top.title.lower() else ""
        head = f"{top.title}{sign} (tối đa {plain(top.max)})"
        if span > 1:
            ws.cell(4, c, head)
            ws.merge_cells(start_row=4, start_column=c, end_row=4, end_column=c + span - 1)
        for k in range(span):
            _, node, subtotal = cols[c - 3 + k]
            label = "Cộng" if subtotal and span > 1 else (head if subtotal else f"{node.title} ({plain(node.max)})")
            ws.cell(5, c + k, f"{label} ({plain(node.max)})" if subtotal and span > 1 else label)
        c += span
    for row in (4, 5):
        for col in range(1, last_col + 1):
            cell = ws.cell(row, col)
            cell.font = Font(bold=True)
            cell.alignment = WRAP
            cell.fill = HEAD_FILL
            cell.border = BOX
    # Row heights that show whole titles: Excel does not grow wrapped header rows by itself.
    widths = [6, 0] + [CRITERION_WIDTH] * len(cols) + [t.width for t in tail]
    longest = max(
        [math.ceil(len(str(ws.cell(5, c).value or "")) / max(1, widths[c - 1] - 2)) for c in range(3, last_col + 1)]
        + [1]
    )
    ws.row_dimensions[5].height = max(30, 15 * longest)
    group_lines = [0]
    for top in {id(t): t for t, _, _ in cols}.values():
        span = sum(1 for t, _, _ in cols if t is top)
        if span > 1:
            group_lines.append(math.ceil((len(top.title) + 14) / (span * CRITERION_WIDTH - 2)))  # + " (tối đa …)"
    ws.row_dimensions[4].height = max(15, 15 * max(group_lines))

    r = FIRST_DATA_ROW
    for u in everyone:
        values: list = [u.position, u.name] + shown[u.name] + [t.value(u) for t in tail]
        for col, v in enumerate(values, start=1):
            cell = ws.cell(r, col, v)
            cell.border = BOX
            if 3 <= col < first_tail:
                _, node, subtotal = cols[col - 3]
                cell.number_format = _fmt(dec)
                cell.alignment = Alignment(horizontal="right" if v != "KAD" else "center")
                if subtotal or node.children:
                    cell.fill = SUBTOTAL_FILL
                    cell.font = Font(bold=subtotal)
            elif col >= first_tail:
                t = tail[col - first_tail]
                if t.number_format:
                    cell.number_format = t.number_format
                cell.font = Font(bold=t.bold)
                if not t.number_format:
                    cell.alignment = Alignment(horizontal="center")
            elif col == 1:
                cell.alignment = Alignment(horizontal="center")
        r += 1

    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 3)
    ws.auto_filter.ref = f"A5:{get_column_letter(last_col)}{max(5, r - 1)}"
    _print_setup(ws, "4:5")
    name_width = max([len("Đơn vị")] + [len(u.name) for u in everyone]) + 2
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = min(60, name_width)
    for k in range(len(cols)):
        ws.column_dimensions[get_column_letter(3 + k)].width = CRITERION_WIDTH
    for k, t in enumerate(tail):
        ws.column_dimensions[get_column_letter(first_tail + k)].width = t.width

    # The legend: what every abbreviation and derived column means, and how ties were ranked.
    from .decision import table_note

    legend = []
    if not with_criteria:
        legend.append("Kỳ này chỉ có tổng điểm đã công bố, không có điểm từng tiêu chí.")
    if any(v == "KAD" for row in shown.values() for v in row):
        legend += [f"{k}: {v}." for k, v in ABBREVIATIONS.items()]
    if cols:
        legend.append(
            f"Điểm từng tiêu chí làm tròn {dec} chữ số thập phân (từ 5 trở lên làm tròn lên); "
            "cột tô đậm là điểm cả nhóm tiêu chí."
        )
    legend += [t.explain for t in tail if t.explain]
    if group.group.levels is not None:
        legend.append(
            f"Mức xếp loại của {group.group.name[0].lower() + group.group.name[1:]}: "
            + "; ".join(f"{lv.name}: {lv.band_text()}" for lv in group.levels)
            + "."
        )
    from .decision import unranked_lines

    legend += unranked_lines(ranking, group)
    legend.append(f"Xếp hạng khi bằng điểm: {tie_rule_text(ranking)}.")
    note = table_note(ranking, group)
    if note:
        legend.append(note)
    r += 1
    for text in legend:
        cell = ws.cell(r, 1, text)
        cell.font = Font(italic=True, size=11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last_col)
        ws.row_dimensions[r].height = 15 * max(1, math.ceil(len(text) / max(40, sum(widths[1:]) + 6)))
        r += 1


def tie_rule_text(ranking: Ranking) -> str:
    ties = ranking.ties
    fw = ranking.framework
    if isinstance(ties, str):
        return {
            "shared": "đồng hạng (bằng điểm thì cùng thứ hạng, thứ hạng kế tiếp bị bỏ qua: 1, 2, 2, 4)",
            "dense": "đồng hạng liền (bằng điểm thì cùng thứ hạng, thứ hạng kế tiếp không bị bỏ qua: 1, 1, 2)",
            "input-order": "theo thứ tự trong bảng kết quả khi tổng điểm bằng nhau",
        }.get(ties, ties)
    return "so sánh lần lượt điểm các tiêu chí " + ", ".join(
        f"{fw.criterion(c).title} ({c})" if _has(fw, c) else c for c in ties
    )


def _has(fw, cid) -> bool:
    try:
        fw.criterion(cid)
        return True
    except (KeyError, ValueError):
        return False


def _not_applicable(scored, unit, node: Criterion) -> bool:
    """KAD (không áp dụng) for a criterion that does not apply, and for every sub-item under it."""
    while node is not None:
        if scored.points(unit, node.id) is None:
            return True
        node = node.parent
    return False


def rule_words(fw: Framework, c: Criterion) -> str:
    """How a criterion is scored, in words, for the criteria sheet and the set's page."""
    labels = {q: fw.quantity(q).label for q in [*fw.inputs, *fw.derived, *fw.params]}
    when = f"; chỉ tính khi: {c.when.text}" if c.when is not None else ""
    if c.rule is not None:
        try:
            return c.rule.describe(c.max, labels) + when
        except (NotImplementedError, KeyError):
            return c.rule.type + when
    if c.aggregate == "best":
        return "lấy trường hợp cao điểm nhất trong các trường hợp"
    return "cộng điểm các tiêu chí thành phần"


def _framework_sheet(ws, fw: Framework, params: dict | None = None) -> None:
    from ..framework.params import param_lines

    ws["A1"] = f"BỘ TIÊU CHÍ: {fw.title}"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = (
        f"Mã {fw.id}"
        + (f"; {fw.version}" if fw.version else "")
        + (f"; căn cứ {fw.legal_basis[0].cite()}" if fw.legal_basis else "")
    )
    ws["A2"].font = Font(italic=True)
    row = 3
    if fw.note:
        ws.cell(row, 1, f"Ghi chú: {fw.note}").font = Font(italic=True)
        row += 1
    lines = param_lines(fw, params or {})
    if lines:  # the figures the province fixed for the period, which the rules read
        ws.cell(row, 1, "Tham số của kỳ đánh giá: " + "; ".join(lines)).font = Font(italic=True)
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
        groups = (
            "tất cả" if len(c.groups) == len(fw.groups) else ", ".join(g.name for g in fw.groups if g.id in c.groups)
        )
        values = [
            c.id,
            f"{c.so}. {c.title}" if c.so else c.title,
            from_fixed(c.max),
            groups,
            rule_words(fw, c),
            "; ".join(notes),
        ]
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
    for g in fw.groups:
        if g.levels is not None:
            row += 2
            ws.cell(row, 1, f"Mức xếp loại riêng của {g.name}").font = Font(bold=True)
            for level in g.levels:
                row += 1
                ws.cell(row, 1, level.name)
                ws.cell(row, 2, f"Tổng điểm đạt {level.band_text()}")
    if fw.pillars:
        row += 2
        ws.cell(row, 1, "Trụ cột").font = Font(bold=True)
        for p in fw.pillars:
            row += 1
            ws.cell(row, 1, p.name)
            ws.cell(row, 2, "gồm " + ", ".join(f"{fw.criterion(c).title} ({c})" for c in p.criteria))
    ws.freeze_panes = ws.cell(header_row + 1, 3)
    for letter, width in zip("ABCDEF", (26, 60, 10, 22, 60, 22)):
        ws.column_dimensions[letter].width = width
    _print_setup(ws, f"{header_row}:{header_row}")


def _warnings_sheet(ws, ranking: Ranking) -> None:
    from .decision import table_note

    fw = ranking.framework
    ws["A1"] = "LƯU Ý VỀ KẾT QUẢ XẾP HẠNG"
    ws["A1"].font = Font(bold=True, size=13)
    rule = tie_rule_text(ranking)
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
    _print_setup(ws, None, landscape=False)
