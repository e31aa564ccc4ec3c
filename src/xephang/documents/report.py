"""The Sở TTTT's report behind the decision (Báo cáo kết quả đánh giá, xếp hạng), with charts.

Method (criteria set, scale, levels, tie rule, rounding), counts per level and group, the charts
(distribution of totals with the band lines, ranked bars per group, average points per criteria
group as a share of its max) and the ranking tables, then the proposal to the People's Committee.
Same layout rules as the decision (Nghị định 30/2020, Phụ lục I).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from docx.shared import Mm

from ..numbers import format_number, from_fixed
from ..ranking import Ranking
from . import charts
from . import layout as L
from .decision import TITLE_RULE_SHARE, header_block, ranking_table, signature_block_for, table_note
from .meta import BLANK, DecisionMeta, decree_date


def _n(value, decimals: int, sep: str) -> str:
    return format_number(value, decimals, decimal_sep=sep)


def level_counts(ranking: Ranking) -> list[tuple[str, list[int], int]]:
    """(group name, units per level in the framework's order, units in the group)."""
    fw = ranking.framework
    return [(g.group.name, [sum(1 for u in g.units if u.level is lv) for lv in fw.levels], len(g.units))
            for g in ranking.groups]


def build_report(ranking: Ranking, meta: DecisionMeta):
    fw = ranking.framework
    sep = meta.decimal_separator
    dec = fw.decimals
    year = meta.year_of_period
    doc = L.new_document(f"Báo cáo kết quả đánh giá, xếp hạng {meta.subject} năm {year}")
    parent, issuer = meta.report_issuer_lines()
    number = f"Số: {meta.report_number}" if meta.report_number else f"Số:{BLANK}/BC-STTTT"
    d = meta.report_date
    place = meta.place or meta.province
    date = f"{place}, " + (decree_date(d.day, d.month, d.year) if d else decree_date(None, None, meta.decision_year))
    header_block(doc, parent, issuer, number, date)

    L.para(doc, "BÁO CÁO", bold=True, align="center", before=24)
    title = [f"Kết quả đánh giá, xếp hạng {meta.subject}",
             f"trong các cơ quan nhà nước tỉnh {meta.province} năm {year}"]
    for line in title:
        L.para(doc, line, bold=True, align="center")
    L.rule(doc, max(L.text_width_mm(t, 14, True) for t in title) * TITLE_RULE_SHARE, L.TEXT_WIDTH_MM, before=2)
    L.para(doc, f"Kính gửi: Ủy ban nhân dân tỉnh {meta.province}.", align="center", before=12, after=6)
    n_units = sum(len(g.units) for g in ranking.groups)
    L.para(doc, f"Sở Thông tin và Truyền thông báo cáo kết quả đánh giá, xếp hạng {meta.subject} của "
           f"{n_units} cơ quan, đơn vị năm {year} như sau:", indent=True, before=6)

    # --- I. Method ------------------------------------------------------------------------------------
    _heading(doc, "I. PHƯƠNG PHÁP ĐÁNH GIÁ")
    basis = f" ban hành kèm theo {fw.legal_basis[0].cite()}" if fw.legal_basis else ""
    L.para(doc, f"1. Bộ tiêu chí: {fw.title}{basis}. Thang điểm {_n(from_fixed(fw.scale), 0, sep)} điểm, "
           f"gồm {len(fw.criteria)} nhóm tiêu chí:", indent=True, before=6, after=6, keep_with_next=True)
    t = L.table(doc, [14, 111, 30], borders=True)
    head = L.add_row(t, header=True)
    for cell, text in zip(head.cells, ("STT", "Nhóm tiêu chí", "Điểm tối đa")):
        L.cell_text(cell, text, bold=True)
    for k, c in enumerate(fw.criteria, start=1):
        row = L.add_row(t)
        groups = "" if len(c.groups) == len(fw.groups) else " (" + ", ".join(g.name for g in fw.groups if g.id in c.groups) + ")"
        title_c = c.title + groups + (" — trừ vào tổng điểm" if c.deduction else "")
        for cell, text, align in zip(row.cells, (str(k), title_c, _n(from_fixed(c.max), 0, sep)), ("center", "left", "center")):
            L.cell_text(cell, text, align=align)
    if fw.note:
        L.para(doc, f"Ghi chú về bộ tiêu chí: {fw.note}", size=12, italic=True, indent=True, before=6)
    if fw.levels:
        L.para(doc, "2. Xếp loại theo tổng điểm: " + "; ".join(
            f"mức {lv.name}: {lv.band_text()}" for lv in fw.levels) + ".", indent=True, before=6)
    ties = {"shared": "các đơn vị bằng điểm được xếp đồng hạng, thứ hạng kế tiếp bị bỏ qua (1, 2, 2, 4)",
            "input-order": "các đơn vị bằng điểm được xếp theo thứ tự trong bảng kết quả chấm điểm"}
    rule = ties.get(ranking.ties) if isinstance(ranking.ties, str) else (
        "các đơn vị bằng điểm được phân định lần lượt theo điểm các tiêu chí " + ", ".join(ranking.ties))
    L.para(doc, f"3. Xếp hạng riêng từng khối theo tổng điểm từ cao xuống thấp, tính trên tổng điểm "
           f"{'đầy đủ trước khi làm tròn' if fw.rank_on == 'full' else 'đã làm tròn'}; điểm được làm tròn "
           f"{dec} chữ số thập phân (từ 5 trở lên làm tròn lên); {rule}.", indent=True, before=6)
    L.para(doc, f"4. Nguồn số liệu: {ranking.scored.data.source}.", indent=True, before=6)

    # --- II. Results ------------------------------------------------------------------------------------
    _heading(doc, "II. KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG")
    L.para(doc, "1. Tổng hợp số đơn vị theo mức xếp loại:", indent=True, before=6, after=6, keep_with_next=True)
    counts = level_counts(ranking)
    widths = [63] + [int(92 / (len(fw.levels) + 1))] * (len(fw.levels) + 1)
    widths[-1] += 155 - sum(widths)
    t = L.table(doc, widths, borders=True)
    head = L.add_row(t, header=True)
    for cell, text in zip(head.cells, ["Khối"] + [f"Mức {lv.name}" for lv in fw.levels] + ["Cộng"]):
        L.cell_text(cell, text, bold=True)
    totals = [0] * len(fw.levels)
    for name, per_level, n in counts:
        row = L.add_row(t)
        for cell, text in zip(row.cells, [name] + [str(c) for c in per_level] + [str(n)]):
            L.cell_text(cell, text, align="left" if text == name else "center")
        totals = [a + b for a, b in zip(totals, per_level)]
    row = L.add_row(t)
    for cell, text in zip(row.cells, ["Cộng"] + [str(c) for c in totals] + [str(n_units)]):
        L.cell_text(cell, text, bold=True, align="left" if text == "Cộng" and cell is row.cells[0] else "center")
    for g in ranking.groups:
        shown = [u.shown for u in g.units]
        mean = sum(shown, Decimal(0)) / len(shown)
        L.para(doc, f"- {g.group.name}: cao nhất {_n(shown[0], dec, sep)} ({g.units[0].name}), thấp nhất "
               f"{_n(shown[-1], dec, sep)} ({g.units[-1].name}), bình quân {_n(mean, dec, sep)}.",
               indent=True, before=6)

    L.para(doc, "2. Phân bố tổng điểm (đường nét đứt: ngưỡng dưới của từng mức):", indent=True, before=6, keep_with_next=True)
    _picture(doc, charts.distribution(ranking, sep), "Hình 1. Phân bố tổng điểm theo khối")
    figure = 2
    shares = charts.criteria_shares(ranking, sep)
    if shares is not None:
        L.para(doc, "3. Điểm bình quân từng nhóm tiêu chí so với điểm tối đa:", indent=True, before=6, keep_with_next=True)
        _picture(doc, shares, f"Hình {figure}. Điểm bình quân theo nhóm tiêu chí (% điểm tối đa)")
        figure += 1
    k = 4 if shares is not None else 3
    L.para(doc, f"{k}. Kết quả xếp hạng từng khối:", indent=True, before=6, keep_with_next=True)
    for n, g in enumerate(ranking.groups, start=1):
        L.para(doc, f"{k}.{n}. {g.group.name}", indent=True, before=6, after=6, keep_with_next=True)
        _picture(doc, charts.ranked_bars(ranking, g, sep), f"Hình {figure}. Xếp hạng {g.group.name[0].lower() + g.group.name[1:]}")
        figure += 1
        ranking_table(doc, ranking, g, sep)
        note = table_note(ranking, g, sep)
        if note:
            L.para(doc, note, size=13, italic=True, indent=True, before=6)

    # --- III. Proposal ------------------------------------------------------------------------------------
    _heading(doc, "III. ĐỀ XUẤT")
    L.para(doc, f"Sở Thông tin và Truyền thông kính đề nghị Ủy ban nhân dân tỉnh ban hành Quyết định xếp hạng "
           f"{meta.subject} trong các cơ quan nhà nước tỉnh {meta.province} năm {year} theo kết quả trên "
           f"(dự thảo kèm theo)./.", indent=True, before=6, after=12, keep_with_next=True)
    signature_block_for(doc, ["Như trên;", "Lưu: VT, CNTT."], meta.report_signer)
    return doc


def _heading(doc, text: str) -> None:
    L.para(doc, text, bold=True, before=12, keep_with_next=True)


def _picture(doc, png: bytes, caption: str) -> None:
    import io

    doc.add_picture(io.BytesIO(png), width=Mm(L.TEXT_WIDTH_MM))
    pic = doc.paragraphs[-1]
    pic.alignment = 1  # centred
    pic.paragraph_format.space_before = L.Pt(6)
    pic.paragraph_format.keep_with_next = True
    L.para(doc, caption, size=12, italic=True, align="center", after=6)


def write_report(ranking: Ranking, meta: DecisionMeta, out: Path) -> list[Path]:
    out = Path(out)
    pdf = out.suffix.lower() == ".pdf"
    docx = out.with_suffix(".docx")
    docx.parent.mkdir(parents=True, exist_ok=True)
    build_report(ranking, meta).save(docx)
    if not pdf:
        return [docx]
    from .pdf import to_pdf

    return [docx, to_pdf(docx, out)]
