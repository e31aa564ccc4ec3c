"""The ranking decision (Quyết định xếp hạng) as the Chairman signs it, in the layout of Nghị định 30/2020.

Content follows the 2020 Thanh Hóa draft (tests/data/reference/seed-decision-thanhhoa-2020.txt) and
does better where it erred: sections numbered without gaps, band texts that do not overlap (from the
criteria set), one column header in every table, and a note wherever equal shown totals got different
ranks or the tie rule is not the national one. Layout numbers: see ``layout.py`` and docs/documents.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docx.shared import Mm

from ..numbers import format_number, plain
from ..ranking import BELOW_BAND, SHARED, GroupRanking, Ranking
from ..text import sorted_vi
from . import layout as L
from .meta import DecisionMeta

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"

# §3 of document-format.md: the official template's header table.
HEADER_COLS_MM = (69.4, 100.6)
HEADER_INDENT_TWIPS = -341
HEADER_CELL_MARGIN_TWIPS = 85
SIGNATURE_COLS_MM = (63.5, 103.4)
#: The ranking table: STT, unit, total, rank; together the 155 mm text block.
TABLE_COLS_MM = (14, 91, 25, 25)
TABLE_PT = 13
#: Short rules: a share of the text above them (Phụ lục I: 1/3 to 1/2).
ISSUER_RULE_SHARE = 0.45
TITLE_RULE_SHARE = 0.4

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def roman(n: int) -> str:
    return ROMAN[n - 1] if n <= len(ROMAN) else str(n)


def show(value, decimals: int, sep: str) -> str:
    return format_number(value, decimals, decimal_sep=sep)


def total_header(ranking: Ranking) -> str:
    return "Chỉ số" if ranking.framework.report == "index" else "Tổng điểm"


def _full(total: int, sep: str) -> str:
    return plain(total).replace(".", sep)


def table_note(ranking: Ranking, group: GroupRanking, sep: str = ".") -> str | None:
    """The note under a group's table, or None: the ranking's notes for this group (equal shown
    totals and how they were ranked; totals shown at a threshold they do not reach), worded for a
    signed decision and with the document's decimal separator."""
    fw = ranking.framework
    notes = [n for n in ranking.notes if n.group is group.group]
    if not notes:
        return None
    what = "chỉ số" if fw.report == "index" else "tổng điểm"
    parts = []
    for note in notes:
        run = note.units
        value = show(run[0].shown, fw.decimals, sep)
        if note.kind == BELOW_BAND:
            u = run[0]
            parts.append(
                f"{u.name} có tổng điểm làm tròn {value} nhưng tổng điểm đầy đủ {_full(u.total, sep)} "
                f"chưa đạt {_full(note.band.min, sep)} điểm nên không xếp mức {note.band.name}"
            )
            continue
        names = _and([f"{u.name} (hạng {u.rank})" for u in run])
        if note.kind == SHARED:
            following = run[-1].rank + 1 if ranking.ties == "dense" else run[-1].position + 1
            parts.append(f"{names} có cùng {what} {value} nên đồng hạng; thứ hạng kế tiếp là {following}")
            continue
        ties = ranking.ties
        if ties == "input-order":
            why = "thứ tự trong bảng kết quả chấm điểm"
        elif isinstance(ties, tuple):
            why = "điểm lần lượt của các tiêu chí: " + "; ".join(fw.criterion(cid).title for cid in ties)
        else:
            why = f"{what} trước khi làm tròn (" + "; ".join(_full(u.total, sep) for u in run) + ")"
        parts.append(f"{names} có cùng {what} {value} khi làm tròn; thứ hạng được xác định theo {why}")
    text = "Ghi chú: " + "; ".join(parts) + "."
    if any(n.kind != BELOW_BAND for n in notes) and ranking.ties != "shared":
        text += (
            " Quy tắc xếp hạng khi bằng điểm của bộ tiêu chí khác quy tắc đồng hạng thường dùng "
            "(các đơn vị bằng điểm cùng thứ hạng, thứ hạng kế tiếp bị bỏ qua: 1, 2, 2, 4)."
        )
    return text


def decision_note(ranking: Ranking, group: GroupRanking, meta: DecisionMeta) -> str | None:
    """The decision's own note under a table: none unless the metadata asks (``tie_note: true``), and
    then a short neutral one. The decision states the result; how equal totals were ranked belongs
    to the report and the annex, which explain it in full (``table_note``)."""
    if not meta.tie_note:
        return None
    notes = [n for n in ranking.notes if n.group is group.group]
    if not notes:
        return None
    parts = []
    if any(n.kind != BELOW_BAND for n in notes):
        parts.append("các đơn vị có cùng tổng điểm làm tròn được xếp hạng theo quy định của bộ tiêu chí")
    if any(n.kind == BELOW_BAND for n in notes):
        parts.append("mức xếp loại xác định theo tổng điểm trước khi làm tròn")
    return "Ghi chú: " + "; ".join(parts) + " (chi tiết tại Phụ lục kèm theo)."


def unranked_lines(ranking: Ranking, group: GroupRanking, sep: str = ".") -> list[str]:
    """The units of a group assessed but not ranked, as a decision prints them under the table: one
    sentence per reason, each unit with its total and level (they are assessed), e.g. "Công an tỉnh
    (tổng điểm 74,50; mức Khá) được đánh giá, không xếp hạng: bảo đảm bí mật an ninh, quốc phòng."
    """
    fw = ranking.framework
    what = "chỉ số" if fw.report == "index" else "tổng điểm"
    by_reason: dict[str, list] = {}
    for u in group.unranked:
        by_reason.setdefault(u.reason, []).append(u)
    out = []
    for reason, units in by_reason.items():
        names = _and(
            [
                f"{u.name} ({what} {show(u.shown, fw.decimals, sep)}"
                + (f"; mức {u.level.name}" if u.level else "")
                + ")"
                for u in units
            ]
        )
        out.append(f"{names} được đánh giá, không xếp hạng: {reason}.")
    return out


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " và " + items[-1]


@dataclass(frozen=True)
class Absent:
    """A unit that did not report, as the criteria set's rule treats it: ``rank`` and ``shown`` (0
    points, ranked last) or neither (listed, not ranked)."""

    group: str
    name: str
    rank: int | None = None
    shown: str | None = None


DRAFT_LINE = "DỰ THẢO — chưa ký, chưa công bố; không dùng thay văn bản đã ký"


def absent_note(absent: list[Absent]) -> str | None:
    """The note under a group's table naming the units that did not report and what the rule did."""
    if not absent:
        return None
    names = _and([a.name for a in absent])
    if absent[0].rank is not None:
        return (
            f"Ghi chú: {names} không gửi báo cáo; theo quy định của bộ tiêu chí, đơn vị không báo cáo "
            "được 0 điểm và xếp cuối khối."
        )
    return f"Ghi chú: {names} không gửi báo cáo; theo quy định của bộ tiêu chí, không xếp hạng."


def build_decision(ranking: Ranking, meta: DecisionMeta, *, draft: bool = False, absent: list[Absent] = ()):
    """The decision as a python-docx Document. ``draft``: marked "DỰ THẢO" above the header (for review
    before signature); ``absent``: the units that did not report, listed as the criteria set says."""
    fw = ranking.framework
    sep = meta.decimal_separator
    absent = sorted_vi(absent, key=lambda a: a.name)  # named in Vietnamese order, whatever the source's
    doc = L.new_document("Quyết định " + " ".join(meta.title_lines()), sample=meta.sample)
    body_width = L.TEXT_WIDTH_MM
    if draft:
        L.para(doc, DRAFT_LINE, bold=True, align="center", after=6)

    header_block(doc, [], meta.issuer_lines(), meta.number_line(), meta.place_date())

    # --- tên loại, trích yếu, thẩm quyền, căn cứ ------------------------------------------------
    L.para(doc, "QUYẾT ĐỊNH", bold=True, align="center", before=24)
    title = meta.title_lines()
    for line in title:
        L.para(doc, line, bold=True, align="center")
    widest = max(L.text_width_mm(line, 14, bold=True, element="đường kẻ dưới trích yếu") for line in title)
    L.rule(doc, widest * TITLE_RULE_SHARE, body_width, before=2)
    L.para(doc, meta.authority_line(), bold=True, align="center", before=18, after=6)
    for basis in meta.bases(fw):
        L.para(doc, basis, italic=True, indent=True, before=6)
    L.para(doc, meta.proposal(), italic=True, indent=True, before=6)
    L.para(doc, "QUYẾT ĐỊNH:", bold=True, align="center", before=12, after=6)

    # --- Điều 1: one table per group --------------------------------------------------------------
    L.para(doc, f"**Điều 1.** {meta.article1_text()}", indent=True, before=6)
    params = params_sentence(ranking)
    if params:
        L.para(doc, params, indent=True, before=6)
    ranked_ids = [g.group.id for g in ranking.groups]
    only_absent = [g for g in fw.groups if g.id not in ranked_ids and any(a.group == g.id for a in absent)]
    n = 0
    for group in ranking.groups:
        n += 1
        missing = [a for a in absent if a.group == group.group.id]
        L.para(
            doc,
            f"{n}. {meta.group_title(group.group)}",
            indent=True,
            before=6 if n == 1 else 12,
            after=6,
            keep_with_next=True,
        )
        ranked_absent = [a for a in missing if a.rank is not None]
        if group.units or ranked_absent:  # a group whose units are all not ranked has no table
            ranking_table(doc, ranking, group, sep, ranked_absent)
        for note in (decision_note(ranking, group, meta), absent_note(missing)):
            if note:
                L.para(doc, note, size=13, italic=True, indent=True, before=6)
        for line in unranked_lines(ranking, group, sep):
            L.para(doc, line, size=13, italic=bool(group.units or ranked_absent), indent=True, before=6)
    for g in only_absent:  # a group in which no unit reported is still named, never dropped
        n += 1
        missing = [a for a in absent if a.group == g.id]
        L.para(doc, f"{n}. {meta.group_title(g)}", indent=True, before=12, after=6, keep_with_next=True)
        if any(a.rank is not None for a in missing):
            empty = GroupRanking(group=g, units=[])
            ranking_table(doc, ranking, empty, sep, [a for a in missing if a.rank is not None])
        L.para(doc, absent_note(missing), size=13, italic=True, indent=True, before=6)

    # --- Điều 2, signature block ------------------------------------------------------------------
    L.para(doc, f"**Điều 2.** {meta.effective}", indent=True, before=12, keep_with_next=True)
    L.para(
        doc,
        meta.executors_text([g.group for g in ranking.groups if g.units]),
        indent=True,
        before=6,
        after=12,
        keep_with_next=True,
    )
    signature_block(doc, meta)
    return doc


def params_sentence(ranking: Ranking) -> str:
    """The period's parameters (figures the province fixed for every unit) as a sentence documents
    print, or "" for a set without parameters."""
    from ..framework.params import param_lines

    lines = param_lines(ranking.framework, ranking.scored.params)
    return ("Tham số của kỳ đánh giá, áp dụng chung cho mọi đơn vị: " + "; ".join(lines) + ".") if lines else ""


def header_block(doc, parent: list[str], issuer: list[str], number_line: str, place_date: str):
    """Phụ lục I, ô 1–4, laid out as the official template (§3): a borderless 2-column table.

    Left: the parent agency (13 pt, not bold), the issuing body (13 pt bold) and a short rule under
    it; right: Quốc hiệu (13 pt bold), Tiêu ngữ (14 pt bold) and a rule as long as the Tiêu ngữ. The
    number and the place and date share the second row, so they stand on one line."""
    t = L.table(
        doc,
        list(HEADER_COLS_MM),
        rows=2,
        borders=False,
        indent_twips=HEADER_INDENT_TWIPS,
        cell_margin_twips=HEADER_CELL_MARGIN_TWIPS,
    )
    left, right = t.rows[0].cells
    pad = 2 * HEADER_CELL_MARGIN_TWIPS / 56.6929  # twips -> mm
    for line in parent:
        L.para(left, line, size=13, align="center")
    for line in issuer:
        L.para(left, line, size=13, bold=True, align="center")
    widest = max(L.text_width_mm(line, 13, bold=True, element="đường kẻ dưới tên cơ quan ban hành") for line in issuer)
    L.rule(left, widest * ISSUER_RULE_SHARE, HEADER_COLS_MM[0] - pad, before=2)
    L.drop_first_empty(left)
    L.para(right, QUOC_HIEU, size=13, bold=True, align="center")
    L.para(right, TIEU_NGU, size=14, bold=True, align="center")
    L.rule(
        right,
        L.text_width_mm(TIEU_NGU, 14, bold=True, element="đường kẻ dưới Tiêu ngữ (60,5 mm)"),
        HEADER_COLS_MM[1] - pad,
        before=2,
    )
    L.drop_first_empty(right)
    number, date = t.rows[1].cells
    L.cell_text(number, number_line, size=13, before=8, after=0)
    L.cell_text(date, place_date, size=14, italic=True, before=8, after=0)
    return t


def ranking_table(doc, ranking: Ranking, group: GroupRanking, sep: str, last: list[Absent] = ()):
    """STT | Tên đơn vị | Tổng điểm | Xếp hạng, one section per level that has units (I, II, … without gaps);
    ``last``: units that did not report, ranked last with 0 points (one more section)."""
    fw = ranking.framework
    t = L.table(doc, list(TABLE_COLS_MM), borders=True)
    head = L.add_row(t, header=True)
    for cell, text in zip(head.cells, ("STT", "Tên đơn vị", total_header(ranking), "Xếp hạng")):
        L.cell_text(cell, text, size=TABLE_PT, bold=True)
    stt = 0
    sections = [
        (lv, us, f"Mức {lv.name} (Tổng điểm đạt {lv.band_text()})" if lv else None)
        for lv, us in group.by_level(fw.levels_for(group.group.id))
    ]
    if fw.levels_for(group.group.id):
        # A total outside every band (a criteria set whose bands leave a gap) must still be listed.
        outside = [u for u in group.units if u.level is None]
        if outside:
            sections.append((None, outside, "Chưa xếp mức (tổng điểm ngoài các mức của bộ tiêu chí)"))
    for k, (_level, units, heading) in enumerate(sections, start=1):
        if heading is not None:
            row = L.add_row(t)
            merged = row.cells[0].merge(row.cells[-1])
            L.cell_text(merged, f"{roman(k)}. {heading}", size=TABLE_PT, bold=True, align="left", keep_with_next=True)
        for u in units:
            stt += 1
            row = L.add_row(t)
            values = (str(stt), u.name, show(u.shown, fw.decimals, sep), str(u.rank))
            for cell, text, align in zip(row.cells, values, ("center", "left", "center", "center")):
                L.cell_text(cell, text, size=TABLE_PT, align=align)
    if last:
        row = L.add_row(t)
        merged = row.cells[0].merge(row.cells[-1])
        L.cell_text(
            merged,
            f"{roman(len(sections) + 1)}. Không gửi báo cáo (0 điểm theo quy định)",
            size=TABLE_PT,
            bold=True,
            align="left",
            keep_with_next=True,
        )
        for a in last:
            stt += 1
            row = L.add_row(t)
            for cell, text, align in zip(
                row.cells, (str(stt), a.name, a.shown or "0", str(a.rank)), ("center", "left", "center", "center")
            ):
                L.cell_text(cell, text, size=TABLE_PT, align=align)
    return t


def signature_block(doc, meta: DecisionMeta):
    return signature_block_for(doc, meta.recipients, meta.signer)


def signature_columns(items: list[str]) -> tuple[float, float]:
    """The template's 63.5 / 103.4 mm, except that the Nơi nhận column grows (up to 80 mm) so that no
    recipient line wraps: a wrapped "(để / BC);" is the first thing a clerk would fix."""
    pad = 2 * HEADER_CELL_MARGIN_TWIPS / 56.6929
    need = max([L.text_width_mm(i, 11, element="độ rộng cột Nơi nhận") for i in items] + [0]) + pad + 1
    left = min(80.0, max(SIGNATURE_COLS_MM[0], need))
    return left, sum(SIGNATURE_COLS_MM) - left


def signature_block_for(doc, recipients: list[str], signer):
    """Nơi nhận (12 pt bold italic, list 11 pt) beside the signer (14 pt bold), as Mẫu 1.2 lays it out."""
    items = [item if item.startswith("-") else f"- {item}" for item in recipients]
    widths = signature_columns(items)
    t = L.table(
        doc, list(widths), borders=False, indent_twips=HEADER_INDENT_TWIPS, cell_margin_twips=HEADER_CELL_MARGIN_TWIPS
    )
    row = L.add_row(t)
    left, right = row.cells
    L.para(left, "Nơi nhận:", size=12, bold=True, italic=True, align="left")
    for item in items:
        L.para(left, item, size=11, align="left")
    L.drop_first_empty(left)
    above, name = signer.lines()
    for line in above:
        L.para(right, line, bold=True, align="center")
    # Room for the signature and the seal (ô 7c, ô 8).
    space = L.para(right, "", align="center")
    space.paragraph_format.space_before = Mm(28)
    L.para(right, name, bold=True, align="center")
    L.drop_first_empty(right)
    L.para(doc, "", size=2)  # a document must end with a paragraph after a table (Word)
    return t


def write_decision(
    ranking: Ranking,
    meta: DecisionMeta,
    out: Path,
    pdf: bool = False,
    *,
    draft: bool = False,
    absent: list[Absent] = (),
) -> list[Path]:
    """Write the DOCX (and with ``pdf`` the PDF beside it); return the paths written. Each file
    appears whole or not at all; without LibreOffice the DOCX is written and the PDF is not."""
    return write_docx_and_pdf(build_decision(ranking, meta, draft=draft, absent=list(absent)), out, pdf)


def write_docx_and_pdf(doc, out: Path, pdf: bool = False) -> list[Path]:
    """Save ``doc`` at ``out`` (.docx, or .pdf meaning both) through a staging folder."""
    from .output import staged

    out = Path(out)
    if out.suffix.lower() == ".pdf":
        target_pdf, out, pdf = out, out.with_suffix(".docx"), True
    else:
        target_pdf = out.with_suffix(".pdf")
    with staged(out.parent) as st:
        doc.save(st.place(out))
    written = [out]
    if pdf:
        from .pdf import to_pdf

        with staged(target_pdf.parent) as st:
            to_pdf(out, st.place(target_pdf))
        written.append(target_pdf)
    return written
