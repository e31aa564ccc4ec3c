"""A unit's result sheet (phiếu kết quả): its points against the max, rank, level, strengths, the gap.

What a unit's leader reads after the decision: the total and where it stands in its group, every
criterion's points against the max (criteria groups and their sub-items), the criteria where it
earned most and where it lost most points, and how many points it lacks for the next level.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ..display import points
from ..framework.model import Criterion
from ..numbers import SCALE_DIGITS, format_number, from_fixed
from ..ranking import RankedUnit, Ranking
from . import layout as L
from .decision import params_sentence

COLS_MM = (16, 89, 17, 17, 16)


def next_level_gap(ranking: Ranking, ru: RankedUnit):
    """(the next level up, points lacking) or None at the top level (or without levels)."""
    up = ranking.framework.level_above(ru.level, ru.group.id)
    return None if up is None else (up, up.min - ru.total)


def criteria_rows(ranking: Ranking, ru: RankedUnit) -> list[tuple[Criterion, int | None]]:
    """Every criterion that applies to the unit's group, in order, with its points (None: KAD)."""
    scored = ranking.scored
    rows = []
    for top in ranking.framework.criteria_for(ru.group.id):
        for node in top.walk():
            if node.applies_to(ru.group.id):
                na = any(scored.points(ru.unit, a.id) is None for a in _lineage(node))
                rows.append((node, None if na else scored.points(ru.unit, node.id)))
    return rows


def applicable_max(ranking: Ranking, ru: RankedUnit, node: Criterion) -> int:
    """The part of a criterion's max that applies to the unit: its max less that of the sub-items that
    do not apply (KAD). A share of points is taken on this, not on the full max."""
    scored = ranking.scored
    if any(scored.points(ru.unit, a.id) is None for a in _lineage(node)):
        return 0
    kids = [c for c in node.children if c.applies_to(ru.group.id)]
    if not kids or node.rule is not None or node.aggregate == "best":
        return node.max
    lost = sum(c.max - applicable_max(ranking, ru, c) for c in kids)
    return max(0, node.max - lost)


def _lineage(node: Criterion):
    while node is not None:
        yield node
        node = node.parent


def strengths_weaknesses(ranking: Ranking, ru: RankedUnit, n: int = 3):
    """The leaf criteria (no deductions) with the highest share of their max, and those that lost most points."""
    leaves = [
        (c, p)
        for c, p in criteria_rows(ranking, ru)
        if c.is_leaf and p is not None and c.max > 0 and not _is_deduction(c)
    ]
    # Under a "best of" node only the chosen case counts: its siblings' zero is no weakness.
    leaves = [(c, p) for c, p in leaves if not _in_best_case(c)]
    strong = sorted(leaves, key=lambda cp: (-cp[1] * 10**6 // cp[0].max, -cp[0].max))[:n]
    weak = sorted(leaves, key=lambda cp: (-(cp[0].max - cp[1]), cp[1] * 10**6 // cp[0].max))
    weak = [cp for cp in weak if cp[0].max > cp[1]][:n]
    return strong, weak


def _is_deduction(c: Criterion) -> bool:
    return any(a.deduction for a in _lineage(c))


def _in_best_case(c: Criterion) -> bool:
    return any(a.parent is not None and a.parent.aggregate == "best" for a in _lineage(c))


def points_decimals(fw) -> int:
    """Decimals of criterion points: the framework's, except where it reports an index (DTI: the
    index has 4 decimals, its points are shown with 2)."""
    return 2 if fw.report == "index" else fw.decimals


def build_scorecard(ranking: Ranking, ru: RankedUnit, sep: str = ".", sample: bool = False):
    fw = ranking.framework
    dec = points_decimals(fw)
    group = next(g for g in ranking.groups if g.group is ru.group)
    doc = L.new_document(f"Phiếu kết quả đánh giá, xếp hạng: {ru.name}", sample=sample)
    L.para(doc, "PHIẾU KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG", size=14, bold=True, align="center")
    L.para(doc, fw.title, size=13, bold=True, align="center")
    L.rule(doc, 40, L.TEXT_WIDTH_MM, before=2)
    L.para(doc, f"Đơn vị: **{ru.name}**", before=12)
    count = f"{len(group.units)} đơn vị" + (
        f" xếp hạng, {len(group.unranked)} đơn vị không xếp hạng" if group.unranked else ""
    )
    L.para(doc, f"Khối: {ru.group.name} ({count})", before=3)
    what = "Chỉ số" if fw.report == "index" else "Tổng điểm"
    scale = "" if fw.report == "index" else f" / {points(fw.scale, 0)} điểm"
    level = f"; mức **{ru.level.name}**" if ru.level else ""
    standing = (
        f"xếp hạng **{ru.rank}/{len(group.units)}** trong khối" if ru.ranked else f"**không xếp hạng**: {ru.reason}"
    )
    if fw.report == "points-percent":
        # The points obtained (not rescaled) beside the percentage on which level and rank are read.
        value = (
            f"Điểm đạt được: **{points(ranking.earned(ru), fw.decimals, sep)}** điểm; tỷ lệ "
            f"**{format_number(ru.percent, fw.decimals, decimal_sep=sep)} %**"
        )
    else:
        value = f"{what}: **{format_number(ru.shown, fw.decimals, decimal_sep=sep)}**{scale}"
    L.para(doc, f"{value}{level}; {standing}.", before=3)
    if group.group.levels is not None:
        L.para(
            doc,
            "Mức xếp loại của khối: " + "; ".join(f"{lv.name}: {lv.band_text()}" for lv in group.levels) + ".",
            size=12,
            italic=True,
            before=3,
        )
    pillar_rows = _pillars(ranking, ru)
    for name, pr in pillar_rows:
        where = f"hạng {pr.rank}/{len(group.units)}" if pr.rank else "không xếp hạng"
        L.para(
            doc,
            f"- Trụ cột {name}: {points(pr.points, dec, sep)}/{points(pr.max, dec, sep)} điểm "
            f"({format_number(pr.percent(fw.decimals), fw.decimals, decimal_sep=sep)} %), {where}.",
            size=13,
            before=3,
        )
    params = params_sentence(ranking)
    if params:
        L.para(doc, params, size=12, italic=True, before=3)
    gap = next_level_gap(ranking, ru)
    if gap is not None:
        up, lacking = gap
        # Rounded up: 0.004 points short is "0.01", never "0.00" (which would read as reached).
        step = 10 ** (SCALE_DIGITS - dec)
        lacking = -(-lacking // step) * step
        L.para(doc, f"Còn thiếu {points(lacking, dec, sep)} điểm để đạt mức {up.name} ({up.band_text()}).", before=3)
        road_section(doc, ranking, ru, dec, sep)
    elif ru.level is not None:
        L.para(doc, f"Đã đạt mức cao nhất ({ru.level.name}).", before=3)

    if ranking.scored.kind != "inputs":
        L.para(doc, "Kỳ này chỉ có tổng điểm đã công bố, không có điểm từng tiêu chí.", italic=True, before=12)
        return doc

    L.para(doc, "Điểm theo từng tiêu chí", bold=True, before=12, after=6, keep_with_next=True)
    t = L.table(doc, list(COLS_MM), borders=True)
    head = L.add_row(t, header=True)
    for cell, text in zip(head.cells, ("TT", "Tiêu chí", "Tối đa", "Đạt", "Tỷ lệ")):
        L.cell_text(cell, text, size=12, bold=True)
        L.shade(cell)
    numbers = fw.numbers(ru.group.id)  # the regulation's STT where the set gives it
    any_partial = False
    for c, p in criteria_rows(ranking, ru):
        label = numbers[c.id]
        row = L.add_row(t)
        ded = _is_deduction(c)
        got = "KAD" if p is None else ("−" if ded and p else "") + points(p, dec, sep)
        top = c.max if p is None or ded else applicable_max(ranking, ru, c)
        partial = top != c.max
        any_partial = any_partial or partial
        share = "" if p is None or top == 0 or ded else f"{format_number(from_fixed(p) * 100 / from_fixed(top), 0)} %"
        bold = c.depth == 0
        values = (label, c.title, points(top, dec, sep) + ("*" if partial else ""), got, share)
        for cell, text, align in zip(row.cells, values, ("center", "left", "right", "right", "right")):
            L.cell_text(cell, text, size=12 if bold else 11, bold=bold, align=align, before=1, after=1)
        row.cells[1].paragraphs[0].paragraph_format.left_indent = L.Mm(4 * c.depth)
        if bold:
            for cell in row.cells:
                L.shade(cell, "F2F2F2")
    L.para(
        doc,
        "KAD: không áp dụng với đơn vị (điểm tối đa được loại khỏi thang khi quy đổi tổng điểm); "
        "−: điểm bị trừ."
        + (
            " *: điểm tối đa của phần áp dụng với đơn vị (đã trừ tiêu chí KAD); tỷ lệ tính trên điểm này."
            if any_partial
            else ""
        ),
        size=11,
        italic=True,
        before=3,
    )

    strong, weak = strengths_weaknesses(ranking, ru)
    L.para(doc, "Tiêu chí làm tốt nhất", bold=True, before=12, keep_with_next=True)
    for c, p in strong:
        L.para(doc, f"- {c.title}: {points(p, dec, sep)}/{points(c.max, dec, sep)} điểm.", size=13, before=3)
    L.para(doc, "Tiêu chí mất nhiều điểm nhất", bold=True, before=12, keep_with_next=True)
    if not weak:
        L.para(doc, "- Không có: đơn vị đạt điểm tối đa ở mọi tiêu chí.", size=13, before=3)
    for c, p in weak:
        L.para(
            doc,
            f"- {c.title}: {points(p, dec, sep)}/{points(c.max, dec, sep)} điểm (thiếu {points(c.max - p, dec, sep)}).",
            size=13,
            before=3,
        )
    return doc


def _pillars(ranking: Ranking, ru: RankedUnit):
    """(pillar name, the unit's row) for every pillar of the unit's group."""
    from ..ranking.pillars import pillar_rankings

    return [(t.pillar.name, r) for t in pillar_rankings(ranking) if t.group is ru.group for r in t.rows if r.unit is ru]


def road_section(doc, ranking: Ranking, ru: RankedUnit, dec: int, sep: str = ".", top: int = 5) -> None:
    """The road to the next level (``analysis.road_to_next_level``): the criteria where the missing
    points are most within reach, each with the concrete figure to reach."""
    from ..analysis import road_to_next_level

    gaps = road_to_next_level(ranking, ru.name)
    if not gaps or not gaps[0].opportunities:
        return
    g = gaps[0]
    L.para(
        doc,
        f"Để đạt mức {g.next_level.name}: các tiêu chí còn nhiều điểm chưa đạt nhất",
        bold=True,
        before=12,
        keep_with_next=True,
    )
    if g.note:
        L.para(doc, f"({g.note[0].upper() + g.note[1:]}.)", size=12, italic=True, before=3)
    for o in g.opportunities[:top]:
        if o.deduction:
            head = f"{o.title}: bị trừ {points(o.points, dec, sep)} điểm"
        else:
            head = f"{o.title}: {points(o.points, dec, sep)}/{points(o.max, dec, sep)} điểm, còn {points(o.unearned, dec, sep)} điểm"
        enough = " — riêng tiêu chí này là đủ để lên mức" if o.closes_gap else ""
        L.para(doc, f"- {head}{enough}.", size=13, before=3, keep_with_next=True)
        L.para(doc, f"  {o.action[0].upper() + o.action[1:]}.", size=12, italic=True, before=0)


def slug(text: str) -> str:
    """ASCII file name from a Vietnamese name: 'Sở Y tế' -> 'so-y-te'."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].rstrip("-")  # file names stay short


def write_scorecard(ranking: Ranking, ru: RankedUnit, out: Path, sample: bool = False) -> list[Path]:
    from .decision import write_docx_and_pdf

    return write_docx_and_pdf(build_scorecard(ranking, ru, sample=sample), out)


def write_all_scorecards(ranking: Ranking, folder: Path, pdf: bool = False, sample: bool = False) -> list[Path]:
    """One scorecard per unit; the set appears whole (all DOCX, then all PDF) or not at all."""
    from .output import staged

    folder = Path(folder)
    targets = []
    with staged(folder) as st:
        for k, g in enumerate(ranking.groups, start=1):
            for u in (*g.units, *g.unranked):
                path = folder / f"{k}-{u.position:02d}-{slug(u.name)}.docx"
                build_scorecard(ranking, u, sample=sample).save(st.place(path))
                targets.append(path)
    written = list(targets)
    if pdf:
        from .pdf import to_pdf_pairs

        with staged(folder) as st:
            to_pdf_pairs([(p, st.place(p.with_suffix(".pdf"))) for p in targets])
        written += [p.with_suffix(".pdf") for p in targets]
    return written
