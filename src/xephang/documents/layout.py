"""Page layout of Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP, Phụ lục I) in python-docx.

Every measure here comes from the decree or from the official template ``Phuluc3.docx`` (Mẫu 1.2) as
measured in docs/reference/document-format.md; the section of that note is cited next to each.
The helpers write the few WordprocessingML elements python-docx has no API for (borders, repeated
header rows, rows that never split, page number fields, fixed table layout).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

FONT = "Times New Roman"  # §1: Times New Roman, Unicode; fonts-liberation2 stands in with equal metrics
BODY_PT = 14  # §1 body 13–14 pt; the template uses 14
FIRST_LINE_INDENT = Mm(10)  # §1: 1 cm (template)
PARAGRAPH_BEFORE = Pt(6)  # §1: at least 6 pt between paragraphs (template: 6 pt before)


@dataclass(frozen=True)
class Margins:
    """§1: top/bottom 20–25 mm, left 30–35, right 15–20; the template's own choice by default."""

    top: float = 25
    bottom: float = 20
    left: float = 35
    right: float = 20
    header: float = 10  # the page number sits 10 mm from the top edge (template)


A4 = (210, 297)
TEXT_WIDTH_MM = A4[0] - Margins().left - Margins().right  # 155 mm


#: Marks every page of a document made from made-up figures (``sample: true``).
SAMPLE_MARK = "SỐ LIỆU MẪU – KHÔNG PHẢI SỐ LIỆU THẬT"
#: Word and python-docx refuse core properties longer than this.
CORE_TEXT_MAX = 255


def new_document(
    title: str = "",
    margins: Margins = Margins(),
    landscape: bool = False,
    *,
    author: str = "xephang",
    sample: bool = False,
) -> Document:
    """An empty A4 document with the decree's fonts, margins and page numbers from page 2; its core
    properties say what it is and when it was made (not the template's 2013 dates)."""
    import datetime as dt

    doc = Document()
    props = doc.core_properties
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    props.author = props.last_modified_by = author[:CORE_TEXT_MAX]
    props.title = short(title, CORE_TEXT_MAX)
    props.subject = props.keywords = props.category = ""
    props.comments = ""
    props.created = props.modified = now
    props.last_printed = dt.datetime(1900, 1, 1)  # never printed (the template carries a 2013 date)
    props.revision = 1
    props.language = "vi-VN"
    _base_styles(doc)
    section = doc.sections[0]
    setup_section(section, margins, landscape)
    add_page_number(section, sample=sample)
    return doc


def short(text: str, limit: int) -> str:
    """``text`` cut at a word to at most ``limit`` characters, with "…" where cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def setup_section(section, margins: Margins = Margins(), landscape: bool = False) -> None:
    w, h = A4
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        w, h = h, w
    section.page_width, section.page_height = Mm(w), Mm(h)
    section.top_margin, section.bottom_margin = Mm(margins.top), Mm(margins.bottom)
    section.left_margin, section.right_margin = Mm(margins.left), Mm(margins.right)
    section.header_distance = Mm(margins.header)
    section.footer_distance = Mm(margins.header)


def _base_styles(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    pf = normal.paragraph_format
    pf.space_before, pf.space_after = Pt(0), Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE


def add_page_number(section, size: int = 13, sample: bool = False) -> None:
    """§1: Arabic page number centred in the top margin, none on page 1 (``w:titlePg``). A document of
    made-up figures says so in the header of every page, the first included."""
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(p, "PAGE", size)
    # The first-page header exists and stays empty (but for the sample mark).
    first = section.first_page_header
    first.is_linked_to_previous = False
    if sample:
        for h in (header, first):
            mark = h.paragraphs[0] if h is first else h.add_paragraph()
            mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
            r = mark.add_run(SAMPLE_MARK)
            r.bold = True
            r.font.size = Pt(12)
            r.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)


def _field(paragraph, instruction: str, size: int) -> None:
    def run_with(el):
        r = paragraph.add_run()
        r.font.size = Pt(size)
        r.font.name = FONT
        r._r.append(el)
        return r

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    r = paragraph.add_run("2")
    r.font.size = Pt(size)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


# --- paragraphs -----------------------------------------------------------------------------------


def para(
    container,
    text: str = "",
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    align: str = "justify",
    indent: bool = False,
    before: float = 0,
    after: float = 0,
    keep_with_next: bool = False,
):
    """One paragraph in one style; ``text`` may contain ``**bold**`` spans (e.g. "**Điều 1.** Xếp …")."""
    p = container.add_paragraph()
    pf = p.paragraph_format
    pf.alignment = {
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if indent:
        pf.first_line_indent = FIRST_LINE_INDENT
    if keep_with_next:
        pf.keep_with_next = True
    parts = text.split("**")
    for k, part in enumerate(parts):
        if not part:
            continue
        r = p.add_run(part)
        r.font.size = Pt(size)
        r.bold = bold or (k % 2 == 1)
        r.italic = italic
    return p


def rule(container, length_mm: float, box_mm: float, *, before: float = 0, after: float = 0):
    """A centred solid rule ``length_mm`` long inside a box ``box_mm`` wide (§3, "what worked well"):
    an empty paragraph with a bottom border, an exact line height of 2 pt, and indents that shrink
    the border to the wanted length."""
    p = container.add_paragraph()
    pf = p.paragraph_format
    side = max(0.0, (box_mm - length_mm) / 2)
    pf.left_indent, pf.right_indent = Mm(side), Mm(side)
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(2)
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    borders.append(bottom)
    # pBdr must precede spacing/ind in CT_PPr's sequence.
    anchor = ppr.find(qn("w:spacing"))
    if anchor is None:
        anchor = ppr.find(qn("w:ind"))
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        ppr.append(borders)
    r = p.add_run()
    r.font.size = Pt(2)
    return p


# --- tables ---------------------------------------------------------------------------------------

# WordprocessingML fixes the order of these children (Word reports a file with them out of order as
# damaged, LibreOffice does not care): insert each new one at its place in the sequence.
_TBLPR_ORDER = [
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
]
_TCPR_ORDER = [
    "cnfStyle",
    "tcW",
    "gridSpan",
    "hMerge",
    "vMerge",
    "tcBorders",
    "shd",
    "noWrap",
    "tcMar",
    "textDirection",
    "tcFitText",
    "vAlign",
    "hideMark",
]


def _put(parent, el, order: list[str]) -> None:
    """Add ``el`` to ``parent`` in schema order, replacing an existing element of the same name."""
    name = el.tag.split("}")[1]
    old = parent.find(qn(f"w:{name}"))
    if old is not None:
        parent.replace(old, el)
        return
    rank = order.index(name)
    for child in parent:
        child_name = child.tag.split("}")[1]
        if child_name in order and order.index(child_name) > rank:
            child.addprevious(el)
            return
    parent.append(el)


def table(
    container,
    widths_mm: list[float],
    rows: int = 0,
    *,
    borders: bool = True,
    indent_twips: int = 0,
    cell_margin_twips: int | None = None,
    align_center: bool = False,
):
    """A fixed-layout table with exact column widths (Word and LibreOffice otherwise autofit)."""
    t = container.add_table(rows=rows, cols=len(widths_mm))
    if align_center:
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    tblPr = t._tbl.tblPr
    total = sum(widths_mm)
    tblW = tblPr.find(qn("w:tblW"))
    if tblW is None:
        tblW = OxmlElement("w:tblW")
        _put(tblPr, tblW, _TBLPR_ORDER)
    tblW.set(qn("w:w"), str(int(Mm(total).twips)))
    tblW.set(qn("w:type"), "dxa")
    if indent_twips:
        ind = OxmlElement("w:tblInd")
        ind.set(qn("w:w"), str(indent_twips))
        ind.set(qn("w:type"), "dxa")
        _put(tblPr, ind, _TBLPR_ORDER)
    _put(tblPr, _borders(borders), _TBLPR_ORDER)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    _put(tblPr, layout, _TBLPR_ORDER)
    if cell_margin_twips is not None:
        mar = OxmlElement("w:tblCellMar")
        for side in ("top", "left", "bottom", "right"):
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:w"), str(cell_margin_twips if side in ("left", "right") else 0))
            el.set(qn("w:type"), "dxa")
            mar.append(el)
        _put(tblPr, mar, _TBLPR_ORDER)
    grid = t._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(int(Mm(w).twips)))
    t._widths = widths_mm
    for row in t.rows:
        _size_row(t, row)
    return t


def _borders(on: bool):
    b = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single" if on else "nil")
        if on:
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        b.append(el)
    return b


def _size_row(t, row) -> None:
    for cell, w in zip(row.cells, t._widths):
        cell.width = Mm(w)


def add_row(t, *, header: bool = False):
    """A row that never splits across pages (``w:cantSplit``); a header row repeats on every page."""
    row = t.add_row()
    _size_row(t, row)
    trPr = row._tr.get_or_add_trPr()
    trPr.append(OxmlElement("w:cantSplit"))
    if header:
        trPr.append(OxmlElement("w:tblHeader"))
    return row


def cell_text(
    cell,
    text: str,
    *,
    size: float = 13,
    bold: bool = False,
    italic: bool = False,
    align: str = "center",
    keep_with_next: bool = False,
    before: float = 2,
    after: float = 2,
):
    """Replace a cell's content with one paragraph; the cell is vertically centred."""
    p = cell.paragraphs[0]
    for r in list(p.runs):
        r._r.getparent().remove(r._r)
    pf = p.paragraph_format
    pf.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    if keep_with_next:
        pf.keep_with_next = True
    r = p.add_run(text)
    r.font.size = Pt(size)
    r.bold, r.italic = bold, italic
    v = OxmlElement("w:vAlign")
    v.set(qn("w:val"), "center")
    _put(cell._tc.get_or_add_tcPr(), v, _TCPR_ORDER)
    return p


def drop_first_empty(cell) -> None:
    """A new cell holds one empty paragraph; after ``para`` added the content, remove it."""
    first = cell.paragraphs[0]
    if not first.text and len(cell.paragraphs) > 1:
        first._p.getparent().remove(first._p)


def shade(cell, fill: str = "D9D9D9") -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    _put(cell._tc.get_or_add_tcPr(), shd, _TCPR_ORDER)


# --- text measure ---------------------------------------------------------------------------------

#: Fonts with Times New Roman's metrics (Liberation Serif and Tinos were drawn to match it).
TIMES_METRIC_FAMILIES = ("Times New Roman", "Liberation Serif", "Tinos")
#: Where the usual packages install them, for a system without fontconfig.
FONT_PATHS = {
    False: (
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
        "/usr/share/fonts/truetype/msttcorefonts/Times_New_Roman.ttf",
        "/Library/Fonts/Times New Roman.ttf",
        "C:/Windows/Fonts/times.ttf",
    ),
    True: (
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
        "/usr/share/fonts/truetype/msttcorefonts/Times_New_Roman_Bold.ttf",
        "/Library/Fonts/Times New Roman Bold.ttf",
        "C:/Windows/Fonts/timesbd.ttf",
    ),
}
MISSING_FONT_HINT = "cài fonts-liberation2 (Debian/Ubuntu) hoặc Times New Roman"
_warned: set[str] = set()


@lru_cache(maxsize=4)
def font_path(bold: bool) -> str | None:
    """The file of Times New Roman or a metric twin, found through fontconfig (``fc-match``) or at its
    installed path; never through matplotlib's font cache, which may predate the font's installation."""
    import os
    import shutil
    import subprocess

    fc = shutil.which("fc-match")
    if fc:
        for family in TIMES_METRIC_FAMILIES:
            try:
                out = subprocess.run(
                    [fc, "-f", "%{family}|%{file}", f"{family}:{'bold' if bold else 'regular'}"],
                    capture_output=True,
                    text=True,
                    timeout=10,
                ).stdout
            except (OSError, subprocess.SubprocessError):
                break
            found, _, path = out.partition("|")
            # fc-match always answers; a substitute of other metrics (DejaVu) does not count.
            if any(f in found.split(",") for f in TIMES_METRIC_FAMILIES) and os.path.isfile(path):
                return path
    return next((p for p in FONT_PATHS[bold] if os.path.isfile(p)), None)


@lru_cache(maxsize=4)
def _font(bold: bool):
    """Advance widths of Times New Roman (or Liberation Serif, §3 measures with it too)."""
    path = font_path(bold)
    if path is None:
        return None
    from fontTools.ttLib import TTFont

    font = TTFont(path)
    # Plain dicts, read once: safe to share between the web server's threads.
    advances = {name: metric[0] for name, metric in font["hmtx"].metrics.items()}
    return dict(font.getBestCmap()), advances, font["head"].unitsPerEm


def warn_missing_font(element: str) -> None:
    """Say on stderr (once per element and process) which element may be off without the font."""
    import sys

    if element in _warned:
        return
    _warned.add(element)
    print(
        f"Cảnh báo: không tìm thấy phông Times New Roman hay phông cùng số đo (Liberation Serif); "
        f"{element} được ước lượng và có thể lệch; {MISSING_FONT_HINT}.",
        file=sys.stderr,
    )


def text_width_mm(text: str, size_pt: float, bold: bool = False, element: str = "độ dài đường kẻ") -> float:
    """Width of a line of text in Times New Roman metrics (an estimate, with a warning on stderr
    naming ``element``, where the font is missing)."""
    if _font(bold) is None:
        warn_missing_font(element)
    return _measure(text, size_pt, bold)


@lru_cache(maxsize=1024)
def _measure(text: str, size_pt: float, bold: bool) -> float:
    # Cached: the Tiêu ngữ, the issuing body and the recipients are the same in every document.
    import unicodedata

    text = unicodedata.normalize("NFC", text)
    font = _font(bold)
    if font is None:  # an average glyph of 0.6 em
        return len(text) * 0.6 * size_pt * 25.4 / 72
    cmap, advances, upem = font
    units = 0
    for ch in text:
        glyph = cmap.get(ord(ch))
        units += advances[glyph] if glyph else upem // 2
    return units / upem * size_pt * 25.4 / 72
