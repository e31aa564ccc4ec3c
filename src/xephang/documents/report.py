"""The Sở TTTT's report behind the decision (Báo cáo kết quả đánh giá, xếp hạng), with charts.

Method (criteria set, scale, levels, tie rule, rounding), counts per level and group, the charts
(distribution of totals with the band lines, ranked bars per group, average points per criteria
group as a share of its max) and the ranking tables, then the proposal to the People's Committee.
Same layout rules as the decision (Nghị định 30/2020, Phụ lục I).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from docx.shared import Mm

from ..numbers import format_number, from_fixed, plain
from ..ranking import Ranking
from . import charts
from . import layout as L
from .decision import (
    TITLE_RULE_SHARE,
    header_block,
    params_sentence,
    ranking_table,
    signature_block_for,
    table_note,
    unranked_lines,
)
from .meta import NUMBER_BLANK, DecisionMeta, decree_date


def level_counts(ranking: Ranking) -> list[tuple[str, list[int | None], int]]:
    """(group name, units per level, units in the group) for every group, the levels being
    ``ranking.level_names()``: each unit counted under its own group's bands, None where the group has
    no level of that name. Units assessed but not ranked have a level and are counted."""
    names = ranking.level_names()
    out = []
    for g in ranking.groups:
        everyone = [*g.units, *g.unranked]
        own = {lv.name for lv in g.levels}
        out.append(
            (
                g.group.name,
                [
                    sum(1 for u in everyone if u.level is not None and u.level.name == name) if name in own else None
                    for name in names
                ],
                len(everyone),
            )
        )
    return out


@dataclass
class Analyses:
    """What the report adds to the results: rank robustness (``draws`` 0 leaves it out),
    year over year against ``previous`` (a ranking, followed through ``lineage``), per-component ranks."""

    draws: int = 1000
    seed: int = 1
    total_uncertainty: float = 0.0  # points, for a totals-only period (its weights cannot be perturbed)
    previous: Ranking | None = None
    previous_label: str = "năm trước"
    lineage: object | None = None  # analysis.Lineage


def build_report(ranking: Ranking, meta: DecisionMeta, analyses: Analyses | None = None):
    analyses = analyses or Analyses()
    fw = ranking.framework
    sep = meta.decimal_separator
    dec = fw.decimals
    year = meta.year_of_period
    doc = L.new_document(f"Báo cáo kết quả đánh giá, xếp hạng {meta.subject} năm {year}", sample=meta.sample)
    parent, issuer = meta.report_issuer_lines()
    number = f"Số: {meta.report_number}" if meta.report_number else f"Số:{NUMBER_BLANK}/BC-STTTT"
    d = meta.report_date
    place = meta.place or meta.province
    date = f"{place}, " + (decree_date(d.day, d.month, d.year) if d else decree_date(None, None, meta.decision_year))
    header_block(doc, parent, issuer, number, date)

    L.para(doc, "BÁO CÁO", bold=True, align="center", before=24)
    title = [
        f"Kết quả đánh giá, xếp hạng {meta.subject}",
        f"trong các cơ quan nhà nước tỉnh {meta.province} năm {year}",
    ]
    for line in title:
        L.para(doc, line, bold=True, align="center")
    L.rule(doc, max(L.text_width_mm(t, 14, True) for t in title) * TITLE_RULE_SHARE, L.TEXT_WIDTH_MM, before=2)
    L.para(doc, f"Kính gửi: Ủy ban nhân dân tỉnh {meta.province}.", align="center", before=12, after=6)
    n_units = sum(len(g.units) + len(g.unranked) for g in ranking.groups)
    L.para(
        doc,
        f"Sở Thông tin và Truyền thông báo cáo kết quả đánh giá, xếp hạng {meta.subject} của "
        f"{n_units} cơ quan, đơn vị năm {year} như sau:",
        indent=True,
        before=6,
    )

    # --- I. Method ------------------------------------------------------------------------------------
    _heading(doc, "I. PHƯƠNG PHÁP ĐÁNH GIÁ")
    basis = f" ban hành kèm theo {fw.legal_basis[0].cite()}" if fw.legal_basis else ""
    L.para(
        doc,
        f"1. Bộ tiêu chí: {fw.title}{basis}. Thang điểm {format_number(from_fixed(fw.scale), 0, sep)} điểm, "
        f"gồm {len(fw.criteria)} nhóm tiêu chí:",
        indent=True,
        before=6,
        after=6,
        keep_with_next=True,
    )
    t = L.table(doc, [14, 111, 30], borders=True)
    head = L.add_row(t, header=True)
    for cell, text in zip(head.cells, ("STT", "Nhóm tiêu chí", "Điểm tối đa")):
        L.cell_text(cell, text, bold=True)
    numbers = fw.numbers()
    for c in fw.criteria:
        row = L.add_row(t)
        groups = (
            ""
            if len(c.groups) == len(fw.groups)
            else " (" + ", ".join(g.name for g in fw.groups if g.id in c.groups) + ")"
        )
        title_c = c.title + groups + (" — trừ vào tổng điểm" if c.deduction else "")
        for cell, text, align in zip(
            row.cells, (numbers[c.id], title_c, format_number(from_fixed(c.max), 0, sep)), ("center", "left", "center")
        ):
            L.cell_text(cell, text, align=align)
    if fw.note:
        L.para(doc, f"Ghi chú về bộ tiêu chí: {fw.note}", size=12, italic=True, indent=True, before=6)
    if ranking.levels_differ:
        L.para(
            doc,
            "2. Xếp loại theo tổng điểm, theo mức của từng khối: "
            + "; ".join(
                f"{g.group.name}: " + ", ".join(f"mức {lv.name} {lv.band_text()}" for lv in g.levels)
                for g in ranking.groups
                if g.levels
            )
            + ".",
            indent=True,
            before=6,
        )
    elif fw.levels:
        L.para(
            doc,
            "2. Xếp loại theo tổng điểm: " + "; ".join(f"mức {lv.name}: {lv.band_text()}" for lv in fw.levels) + ".",
            indent=True,
            before=6,
        )
    ties = {
        "shared": "các đơn vị bằng điểm được xếp đồng hạng, thứ hạng kế tiếp bị bỏ qua (1, 2, 2, 4)",
        "dense": "các đơn vị bằng điểm được xếp đồng hạng, thứ hạng kế tiếp không bị bỏ qua (1, 1, 2)",
        "input-order": "các đơn vị bằng điểm được xếp theo thứ tự trong bảng kết quả chấm điểm",
    }
    rule = (
        ties.get(ranking.ties)
        if isinstance(ranking.ties, str)
        else ("các đơn vị bằng điểm được phân định lần lượt theo điểm các tiêu chí " + ", ".join(ranking.ties))
    )
    L.para(
        doc,
        f"3. Xếp hạng riêng từng khối theo tổng điểm từ cao xuống thấp, tính trên tổng điểm "
        f"{'đầy đủ trước khi làm tròn' if fw.rank_on == 'full' else 'đã làm tròn'}; điểm được làm tròn "
        f"{dec} chữ số thập phân (từ 5 trở lên làm tròn lên); {rule}.",
        indent=True,
        before=6,
    )
    L.para(doc, f"4. Nguồn số liệu: {ranking.scored.data.source}.", indent=True, before=6)
    params = params_sentence(ranking)
    if params:
        L.para(doc, f"5. {params}", indent=True, before=6)

    # --- II. Results ------------------------------------------------------------------------------------
    _heading(doc, "II. KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG")
    L.para(doc, "1. Tổng hợp số đơn vị theo mức xếp loại:", indent=True, before=6, after=6, keep_with_next=True)
    counts = level_counts(ranking)
    names = ranking.level_names()
    widths = [63] + [int(92 / (len(names) + 1))] * (len(names) + 1)
    widths[-1] += 155 - sum(widths)
    t = L.table(doc, widths, borders=True)
    head = L.add_row(t, header=True)
    for cell, text in zip(head.cells, ["Khối"] + [f"Mức {name}" for name in names] + ["Cộng"]):
        L.cell_text(cell, text, bold=True)
    totals = [0] * len(names)
    for name, per_level, n in counts:
        row = L.add_row(t)
        for cell, text in zip(row.cells, [name] + ["—" if c is None else str(c) for c in per_level] + [str(n)]):
            L.cell_text(cell, text, align="left" if text == name else "center")
        totals = [a + (b or 0) for a, b in zip(totals, per_level)]
    row = L.add_row(t)
    for cell, text in zip(row.cells, ["Cộng"] + [str(c) for c in totals] + [str(n_units)]):
        L.cell_text(cell, text, bold=True, align="left" if text == "Cộng" and cell is row.cells[0] else "center")
    if ranking.levels_differ:
        L.para(
            doc,
            "Mỗi đơn vị được tính theo mức của khối mình (mục I.2); —: khối không có mức đó.",
            size=12,
            italic=True,
            indent=True,
            before=3,
        )
    for g in ranking.groups:
        shown = [u.shown for u in g.units]
        if not shown:
            continue
        mean = sum(shown, Decimal(0)) / len(shown)
        L.para(
            doc,
            f"- {g.group.name}: cao nhất {format_number(shown[0], dec, sep)} ({g.units[0].name}), thấp nhất "
            f"{format_number(shown[-1], dec, sep)} ({g.units[-1].name}), bình quân {format_number(mean, dec, sep)}.",
            indent=True,
            before=6,
        )

    L.para(
        doc,
        "2. Phân bố tổng điểm (đường nét đứt: ngưỡng dưới của từng mức):",
        indent=True,
        before=6,
        keep_with_next=True,
    )
    _picture(doc, charts.distribution(ranking, sep), "Hình 1. Phân bố tổng điểm theo khối")
    figure = 2
    shares = charts.criteria_shares(ranking, sep)
    if shares is not None:
        L.para(
            doc, "3. Điểm bình quân từng nhóm tiêu chí so với điểm tối đa:", indent=True, before=6, keep_with_next=True
        )
        _picture(doc, shares, f"Hình {figure}. Điểm bình quân theo nhóm tiêu chí (% điểm tối đa)")
        figure += 1
    k = 4 if shares is not None else 3
    L.para(doc, f"{k}. Kết quả xếp hạng từng khối:", indent=True, before=6, keep_with_next=True)
    for n, g in enumerate(ranking.groups, start=1):
        L.para(doc, f"{k}.{n}. {g.group.name}", indent=True, before=6, after=6, keep_with_next=True)
        if g.units:
            _picture(
                doc,
                charts.ranked_bars(ranking, g, sep),
                f"Hình {figure}. Xếp hạng {g.group.name[0].lower() + g.group.name[1:]}",
            )
            figure += 1
            ranking_table(doc, ranking, g, sep)
        note = table_note(ranking, g, sep)
        if note:
            L.para(doc, note, size=13, italic=True, indent=True, before=6)
        for line in unranked_lines(ranking, g, sep):
            L.para(doc, line, size=13, italic=True, indent=True, before=6)
    k += 1
    if ranking.scored.kind == "inputs":
        _components_section(doc, ranking, k, sep)
        k += 1
        if _pillars_section(doc, ranking, k, sep):
            k += 1
    figure = _robustness_section(doc, ranking, analyses, k, figure, sep)
    k += 1
    if analyses.previous is not None:
        _year_over_year_section(doc, ranking, analyses, k, sep, year)

    # --- III. Proposal ------------------------------------------------------------------------------------
    _heading(doc, "III. ĐỀ XUẤT")
    L.para(
        doc,
        f"Sở Thông tin và Truyền thông kính đề nghị Ủy ban nhân dân tỉnh ban hành Quyết định xếp hạng "
        f"{meta.subject} trong các cơ quan nhà nước tỉnh {meta.province} năm {year} theo kết quả trên "
        f"(dự thảo kèm theo)./.",
        indent=True,
        before=6,
        after=12,
        keep_with_next=True,
    )
    signature_block_for(doc, ["Như trên;", "Lưu: VT, CNTT."], meta.report_signer)
    return doc


def _components_section(doc, ranking: Ranking, k: int, sep: str) -> None:
    """Each group's rank in every criteria group (``analysis.component_rankings``), one table per group."""
    from ..analysis import component_rankings

    tables = component_rankings(ranking)
    L.para(
        doc,
        f"{k}. Thứ hạng theo từng nhóm tiêu chí (cùng quy tắc đồng điểm; —: nhóm tiêu chí không áp dụng):",
        indent=True,
        before=6,
        keep_with_next=True,
    )
    numbers = ranking.framework.numbers()
    for m, g in enumerate(ranking.groups, start=1):
        mine = [t for t in tables if t.group is g.group]
        if not mine or not g.units:
            continue
        L.para(doc, f"{k}.{m}. {g.group.name}", indent=True, before=6, after=6, keep_with_next=True)
        rest = 155 - 62 - 18
        widths = [62, 18] + [rest // len(mine)] * len(mine)
        widths[-1] += 155 - sum(widths)
        t = L.table(doc, widths, borders=True)
        head = L.add_row(t, header=True)
        for cell, text in zip(head.cells, ["Đơn vị", "Hạng chung"] + [str(numbers[x.criterion.id]) for x in mine]):
            L.cell_text(cell, text, bold=True, size=11)
        ranks = [{r.name: r.rank for r in x.rows} for x in mine]
        for u in g.units:
            row = L.add_row(t)
            cells = [u.name, str(u.rank)] + ["—" if r.get(u.name) is None else str(r[u.name]) for r in ranks]
            for n, (cell, text) in enumerate(zip(row.cells, cells)):
                L.cell_text(cell, text, size=11, align="left" if n == 0 else "center")
    L.para(
        doc,
        f"Cột {', '.join(list(numbers.values())[:2])}, …: thứ hạng trong khối theo nhóm tiêu chí có số thứ tự đó ở mục I.1.",
        size=12,
        italic=True,
        indent=True,
        before=3,
    )


def _pillars_section(doc, ranking: Ranking, k: int, sep: str) -> bool:
    """Each group's values and ranks in every pillar (``ranking.pillars``), one table per group:
    the pillar's points against its maximum, the percentage and the rank in the group. False (nothing
    written) for a set without pillars."""
    from ..ranking.pillars import pillar_rankings

    tables = pillar_rankings(ranking)
    if not tables:
        return False
    fw = ranking.framework
    dec = fw.decimals
    L.para(doc, f"{k}. Giá trị và thứ hạng theo trụ cột:", indent=True, before=6, keep_with_next=True)
    L.para(
        doc,
        "Trụ cột: "
        + "; ".join(f"{p.name} gồm " + ", ".join(fw.criterion(c).title for c in p.criteria) for p in fw.pillars)
        + ". Giá trị của trụ cột = điểm đạt / điểm tối đa của các tiêu chí áp dụng với đơn vị; xếp hạng "
        "trong khối theo giá trị đó, cùng quy tắc đồng điểm.",
        size=13,
        indent=True,
        before=3,
    )
    for m, g in enumerate(ranking.groups, start=1):
        mine = [t for t in tables if t.group is g.group]
        if not mine:
            continue
        maxima = "; ".join(f"{x.pillar.name}: tối đa {plain(x.max).replace('.', sep)} điểm" for x in mine)
        L.para(doc, f"{k}.{m}. {g.group.name} ({maxima})", indent=True, before=6, after=6, keep_with_next=True)
        # Per pillar its percentage and its rank, two narrow columns: DTI's three pillars fit the page.
        rest = 155 - 55 - 16
        each = rest // len(mine)
        widths = [55, 16] + [w for _ in mine for w in (each - each * 2 // 5, each * 2 // 5)]
        widths[-1] += 155 - sum(widths)
        t = L.table(doc, widths, borders=True)
        head = L.add_row(t, header=True)
        for cell, text in zip(
            head.cells, ["Đơn vị", "Hạng chung"] + [h for x in mine for h in (f"{x.pillar.name} (%)", "Hạng")]
        ):
            L.cell_text(cell, text, bold=True, size=11)
        rows = [{id(r.unit): r for r in x.rows} for x in mine]
        for u in (*g.units, *g.unranked):
            row = L.add_row(t)
            cells = [u.name, str(u.rank) if u.ranked else "—"]
            for by in rows:
                r = by[id(u)]
                cells += [f"{format_number(r.percent(dec), dec, sep)} %", str(r.rank) if r.rank else "—"]
            for n, (cell, text) in enumerate(zip(row.cells, cells)):
                L.cell_text(cell, text, size=11, align="left" if n == 0 else "center")
    L.para(
        doc,
        "(%): điểm đạt của trụ cột so với điểm tối đa của các tiêu chí áp dụng với đơn vị; Hạng: thứ hạng "
        "trong khối theo tỷ lệ đó; —: không xếp hạng.",
        size=12,
        italic=True,
        indent=True,
        before=3,
    )
    return True


def _robustness_section(doc, ranking: Ranking, a: Analyses, k: int, figure: int, sep: str) -> int:
    """Rank robustness (``analysis.rank_robustness``): the rank-interval chart, the fragile levels and
    the neighbours not meaningfully apart. A totals-only period says why it is not computed unless a
    total uncertainty is given."""
    from ..analysis import rank_robustness
    from ..errors import XephangError

    L.para(doc, f"{k}. Độ vững của thứ hạng:", indent=True, before=6, keep_with_next=True)
    if a.draws <= 0:
        L.para(doc, "Không tính trong báo cáo này.", indent=True, before=3)
        return figure
    try:
        result = rank_robustness(ranking, a.draws, a.seed, total_uncertainty=a.total_uncertainty)
    except XephangError as e:
        L.para(doc, f"Chưa đánh giá được: {e}.", indent=True, before=3)
        return figure
    L.para(
        doc,
        f"Mô phỏng {result.draws} lần (hạt giống {result.seed}), mỗi lần thay đổi: {result.method}; "
        f"xếp hạng lại từng khối. Thứ hạng và mức chính thức ở trên tính chính xác theo bộ tiêu chí; mô phỏng "
        f"chỉ cho biết thứ hạng có còn giữ được khi phương pháp thay đổi nhỏ hay không.",
        indent=True,
        before=3,
    )
    if any(len(g.units) >= 3 for g in result.groups):
        # One chart per group, in the report's width and type: the whole province in one picture
        # would shrink its names below reading size.
        for g in result.groups:
            png = charts.rank_intervals(ranking, g, sep)
            _picture(
                doc,
                png,
                f"Hình {figure}. Khoảng thứ hạng 5–95 %, "
                f"{g.group.name[0].lower() + g.group.name[1:]} (chấm: trung vị; vòng tròn: thứ hạng chính thức)",
            )
            figure += 1
    else:  # a group of one or two units: the chart would say no more than a few lines
        for g in result.groups:
            for u in g.units:
                L.para(
                    doc,
                    f"- {u.name} ({g.group.name}): hạng {u.plain_rank}, khoảng 5–95 %: hạng "
                    f"{u.rank_low}–{u.rank_high}.",
                    indent=True,
                    before=3,
                )
    names = {(g.group.id, lv.id): lv.name for g in result.groups for lv in g.levels}
    fragile = [u for u in result.units() if u.fragile]
    if fragile:
        L.para(
            doc,
            "Đơn vị có mức xếp loại dễ thay đổi (giữ mức trong dưới 90 % số lần mô phỏng):",
            indent=True,
            before=6,
            keep_with_next=True,
        )
        for u in fragile:
            gid = next(g.group.id for g in result.groups if any(x is u for x in g.units))
            probs = "; ".join(
                f"mức {names.get((gid, i), i)} {_pct(p, sep)}"
                for i, p in sorted(u.level_probability.items(), key=lambda kv: -kv[1])
            )
            L.para(
                doc, f"- {u.name} (mức {u.plain_level.name if u.plain_level else '—'}): {probs}.", indent=True, before=3
            )
    else:
        L.para(
            doc,
            "Không đơn vị nào có mức xếp loại dễ thay đổi (mọi đơn vị giữ mức trong ít nhất 90 % số lần mô phỏng).",
            indent=True,
            before=6,
        )
    for g in result.groups:
        close = sorted((p for p in g.neighbours if not p.meaningful), key=lambda p: -p.swap_probability)
        if not close:
            continue
        shown = "; ".join(f"{p.upper} / {p.lower} ({_pct(p.swap_probability, sep)})" for p in close[:5])
        more = f"; và {len(close) - 5} cặp khác" if len(close) > 5 else ""
        L.para(
            doc,
            f"Các cặp thứ hạng liền kề không khác biệt rõ (đảo chỗ trong ít nhất 5 % số lần), {g.group.name[0].lower() + g.group.name[1:]}: "
            f"{len(close)}/{len(g.neighbours)} cặp; nhiều nhất: {shown}{more}.",
            indent=True,
            before=6,
        )
    return figure


def _pct(share: float, sep: str) -> str:
    return f"{share * 100:.0f} %".replace(".", sep)


def _year_over_year_section(doc, ranking: Ranking, a: Analyses, k: int, sep: str, year: int) -> None:
    """Movement against the previous period (``analysis.compare_periods``), per group."""
    from ..analysis import compare_periods

    dec = ranking.framework.decimals
    result = compare_periods(a.previous, ranking, a.lineage, 5, a.previous_label, f"năm {year}")
    L.para(doc, f"{k}. So sánh với {a.previous_label}:", indent=True, before=6, keep_with_next=True)
    for note in result.notes:
        L.para(doc, f"Lưu ý: {note}", size=13, italic=True, indent=True, before=3)

    def pts(v):
        return "—" if v is None else format_number(from_fixed(v), dec, decimal_sep=sep)

    def signed(v):
        text = pts(v)
        return text if v is None or v <= 0 else "+" + text

    for m_no, g in enumerate(ranking.groups, start=1):
        rows = [m for m in result.units if m.group == g.group.name]
        L.para(doc, f"{k}.{m_no}. {g.group.name}", indent=True, before=6, after=6, keep_with_next=True)
        t = L.table(doc, [14, 47, 20, 18, 24, 32], borders=True)
        head = L.add_row(t, header=True)
        for cell, text in zip(head.cells, ("Hạng", "Đơn vị", "Tổng điểm", "± điểm", "Hạng trước", "Mức")):
            L.cell_text(cell, text, bold=True, size=12)
        for m in rows:
            row = L.add_row(t)
            if m.how == "new":
                before = "mới"
            elif m.old_rank is None or m.rank_change is None:
                before = "—"
            else:
                arrow = "↑" if m.rank_change > 0 else "↓" if m.rank_change < 0 else "="
                before = f"{m.old_rank} ({arrow}{abs(m.rank_change) if m.rank_change else ''})"
            level = m.new_level or "—"
            if m.old_level and m.old_level != m.new_level:
                level = f"{m.old_level} → {level}"
            name = m.name + ("*" if m.note else "")
            for n, (cell, text) in enumerate(
                zip(row.cells, (str(m.new_rank), name, pts(m.new_total), signed(m.delta), before, level))
            ):
                L.cell_text(cell, text, size=12, align="left" if n in (1, 5) else "center")
        notes = [m for m in rows if m.note]
        for m in notes:
            L.para(doc, f"* {m.name}: {m.note}.", size=12, italic=True, indent=True, before=3)
        movers = result.movers.get(g.group.name) or []
        if movers:
            L.para(
                doc,
                "Thay đổi nhiều nhất: "
                + "; ".join(
                    f"{m.name} ({'hạng ' + ('+' if m.rank_change > 0 else '') + str(m.rank_change) + ', ' if m.rank_change else ''}"
                    f"{signed(m.delta)} điểm)"
                    for m in movers
                )
                + ".",
                size=13,
                indent=True,
                before=6,
            )
    if result.gone:
        L.para(doc, "Không còn trong kỳ này: " + ", ".join(result.gone) + ".", size=13, indent=True, before=6)


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


def write_report(ranking: Ranking, meta: DecisionMeta, out: Path, analyses: Analyses | None = None) -> list[Path]:
    from .decision import write_docx_and_pdf

    return write_docx_and_pdf(build_report(ranking, meta, analyses), out)
