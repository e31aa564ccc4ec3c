"""The ranking decision: structure, layout (Nghị định 30/2020) and every number, read back with python-docx."""

from __future__ import annotations

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from documents_helpers import MINI, cell_lines, published, run, run_with_meta, texts
from xephang.documents.meta import BLANK, NUMBER_BLANK, build_meta, decree_date, short_date


@pytest.fixture(scope="module")
def decision_2020(tmp_path_factory):
    out = tmp_path_factory.mktemp("qd") / "quyet-dinh.docx"
    code, stdout, _ = run("decision", "thanhhoa-2020", "--out", out)
    assert code == 0, stdout
    return docx.Document(out)


# --- dates, numbers: the decree's way --------------------------------------------------------------


@pytest.mark.parametrize(
    "day, month, expected",
    [
        (5, 1, "ngày 05 tháng 01 năm 2021"),
        (27, 3, "ngày 27 tháng 3 năm 2021"),
        (1, 2, "ngày 01 tháng 02 năm 2021"),
        (10, 12, "ngày 10 tháng 12 năm 2021"),
        (9, 11, "ngày 09 tháng 11 năm 2021"),
    ],
)
def test_decree_date(day, month, expected):
    assert decree_date(day, month, 2021) == expected


def test_blank_date_and_number_leave_room_to_write():
    from xephang.documents.layout import text_width_mm
    from xephang.documents.meta import NUMBER_BLANK

    meta = build_meta({"year": 2020, "decision": {"province": "Thanh Hóa"}})
    assert meta.place_date() == f"Thanh Hóa, ngày {BLANK} tháng {BLANK} năm 2021"
    assert meta.number_line() == f"Số:{NUMBER_BLANK}/QĐ-UBND"
    # Room for a handwritten number of four or five digits (about 3 mm each), and still one line
    # in the header's 69.4 mm column.
    assert text_width_mm(NUMBER_BLANK, 13) >= 15
    assert text_width_mm(meta.number_line(), 13) < 69.4 - 3


def test_number_below_ten_takes_a_leading_zero():
    import datetime as dt

    meta = build_meta({}, {"number": 5, "date": "2021-02-03"})
    assert meta.number_line() == "Số: 05/QĐ-UBND"
    assert meta.place_date() == "Thanh Hóa, ngày 03 tháng 02 năm 2021"
    assert short_date(dt.date(2021, 1, 27)) == "27/01/2021"
    assert short_date(dt.date(2015, 6, 19)) == "19/6/2015"


# --- the 2020 decision --------------------------------------------------------------------------


def test_page_a4_margins_and_font(decision_2020):
    s = decision_2020.sections[0]
    mm = lambda v: round(v.mm, 1)  # noqa: E731 - stored in twips
    assert (mm(s.page_width), mm(s.page_height)) == (210, 297)
    # Nghị định 30: top/bottom 20–25, left 30–35, right 15–20 mm; the official template's choice.
    assert (mm(s.top_margin), mm(s.bottom_margin), mm(s.left_margin), mm(s.right_margin)) == (25, 20, 35, 20)
    normal = decision_2020.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size == Pt(14)
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:hAnsi")) == "Times New Roman" and fonts.get(qn("w:cs")) == "Times New Roman"


def test_page_numbers_from_page_two(decision_2020):
    s = decision_2020.sections[0]
    assert s.different_first_page_header_footer  # w:titlePg
    assert not "".join(p.text for p in s.first_page_header.paragraphs).strip()
    instr = [i.text for i in s.header._element.iter(qn("w:instrText"))]
    assert any("PAGE" in i for i in instr)
    assert s.header.paragraphs[0].alignment == 1  # centred


def test_header_block(decision_2020):
    header = decision_2020.tables[0]
    assert len(header.columns) == 2
    grid = [int(c.get(qn("w:w"))) for c in header._tbl.tblGrid.findall(qn("w:gridCol"))]
    # document-format.md §3: gridCol 3936 / 5704 twips, pulled left by 341 twips.
    assert abs(grid[0] - 3936) <= 3 and abs(grid[1] - 5704) <= 3
    assert header._tbl.tblPr.find(qn("w:tblInd")).get(qn("w:w")) == "-341"
    left, right = header.rows[0].cells
    assert cell_lines(left) == ["ỦY BAN NHÂN DÂN", "TỈNH THANH HÓA"]
    assert all(r.bold and r.font.size == Pt(13) for p in left.paragraphs for r in p.runs if r.text)
    assert cell_lines(right) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    qh, tn = [p for p in right.paragraphs if p.text]
    assert qh.runs[0].bold and qh.runs[0].font.size == Pt(13)
    assert tn.runs[0].bold and tn.runs[0].font.size == Pt(14)
    number, date = header.rows[1].cells
    assert number.text == f"Số:{NUMBER_BLANK}/QĐ-UBND"
    assert date.text == f"Thanh Hóa, ngày {BLANK} tháng {BLANK} năm 2021"
    assert date.paragraphs[0].runs[0].italic and date.paragraphs[0].runs[0].font.size == Pt(14)
    # No borders in the header table.
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}


def _rule_length_mm(paragraph, box_mm):
    pf = paragraph.paragraph_format
    assert paragraph._p.pPr.find(qn("w:pBdr")) is not None
    return box_mm - pf.left_indent.mm - pf.right_indent.mm


def test_rules_under_tieu_ngu_and_issuer(decision_2020):
    from xephang.documents.layout import text_width_mm

    left, right = decision_2020.tables[0].rows[0].cells
    box_right = 100.6 - 3.0
    rule = right.paragraphs[-1]
    assert rule.text == ""
    # document-format.md §3: the Tiêu ngữ is 60.5 mm at 14 pt bold; its rule is as long.
    assert _rule_length_mm(rule, box_right) == pytest.approx(60.5, abs=0.6)
    issuer_width = max(text_width_mm(t, 13, True) for t in ("ỦY BAN NHÂN DÂN", "TỈNH THANH HÓA"))
    issuer_rule = _rule_length_mm(left.paragraphs[-1], 69.4 - 3.0)
    assert issuer_width / 3 <= issuer_rule <= issuer_width / 2


def test_title_authority_bases_and_proposal(decision_2020):
    t = texts(decision_2020)
    k = t.index("QUYẾT ĐỊNH")
    assert t[k + 1 : k + 3] == [
        "Về việc xếp hạng mức độ ứng dụng công nghệ thông tin",
        "trong các cơ quan hành chính nhà nước tỉnh Thanh Hóa năm 2020",
    ]
    assert "CHỦ TỊCH UBND TỈNH THANH HÓA" in t
    bases = [p for p in decision_2020.paragraphs if p.text.startswith("Căn cứ")]
    assert [b.text.split(" ngày")[0] for b in bases] == [
        "Căn cứ Luật Tổ chức chính quyền địa phương",
        "Căn cứ Quyết định số 4289/QĐ-UBND",
        "Căn cứ Quyết định số 76/QĐ-UBND",
        "Căn cứ Quyết định số 290/QĐ-BCĐ",
    ]
    assert all(b.text.endswith(";") and all(r.italic for r in b.runs) for b in bases)
    proposal = next(p for p in decision_2020.paragraphs if p.text.startswith("Theo đề nghị"))
    assert proposal.text == (
        "Theo đề nghị của Giám đốc Sở Thông tin và Truyền thông tại Báo cáo số 165/BC-STTTT ngày 27/01/2021."
    )
    assert proposal.runs[0].italic
    assert t.index("QUYẾT ĐỊNH:") > t.index(proposal.text)


def test_article_1_and_group_titles(decision_2020):
    t = texts(decision_2020)
    art1 = next(p for p in decision_2020.paragraphs if p.text.startswith("Điều 1."))
    assert art1.runs[0].text == "Điều 1." and art1.runs[0].bold and not art1.runs[1].bold
    assert art1.text == (
        "Điều 1. Xếp hạng mức độ ứng dụng công nghệ thông tin (CNTT) trong các cơ quan nhà nước tỉnh "
        "Thanh Hóa năm 2020 như sau:"
    )
    assert "1. Xếp hạng mức độ ứng dụng CNTT của các sở, ban, ngành cấp tỉnh:" in t
    assert "2. Xếp hạng mức độ ứng dụng CNTT của các huyện, thị xã, thành phố:" in t


def table_rows(table):
    rows = []
    for row in table.rows:
        cells = [c.text for c in row.cells]
        rows.append(cells)
    return rows


def test_ranking_tables_every_unit_sections_without_gaps(decision_2020):
    tables = decision_2020.tables[1:3]
    expected = published()
    for table, group in zip(tables, ("so_ban_nganh", "huyen_thi_xa_thanh_pho")):
        rows = table_rows(table)
        assert rows[0] == ["STT", "Tên đơn vị", "Tổng điểm", "Xếp hạng"]  # the same header in both tables
        sections = [r[0] for r in rows if len(set(r)) == 1]
        assert sections == [
            "I. Mức Tốt (Tổng điểm đạt từ 85 điểm đến 100 điểm)",
            "II. Mức Khá (Tổng điểm đạt từ 70 điểm đến dưới 85 điểm)",
        ]
        units = [r for r in rows[1:] if len(set(r)) > 1]
        want = [e for e in expected if e["group"] == group]
        assert [(u[1], u[2], u[3]) for u in units] == [(e["unit"], e["total"], e["rank"]) for e in want]
        assert [u[0] for u in units] == [str(k) for k in range(1, len(want) + 1)]
        # Units sit in the section of their published level.
        level = None
        for r in rows[1:]:
            if len(set(r)) == 1:
                level = r[0].split("Mức ")[1].split(" (")[0]
            else:
                assert level == next(e["level"] for e in want if e["unit"] == r[1])
    assert len(units) == 27


def test_table_rows_repeat_header_and_never_split(decision_2020):
    for table in decision_2020.tables[1:3]:
        trs = table._tbl.findall(qn("w:tr"))
        assert trs[0].trPr.find(qn("w:tblHeader")) is not None
        assert all(tr.trPr.find(qn("w:tblHeader")) is None for tr in trs[1:])
        assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in trs)
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"


def test_the_decision_carries_no_tie_argument_by_default(decision_2020):
    """How equal totals were ranked is the report's and the annex's to explain; a Chairman's decision
    states the result."""
    t = " ".join(texts(decision_2020))
    assert "Ghi chú" not in t and "thứ tự trong bảng" not in t and "1, 2, 2, 4" not in t


def test_tie_note_switch_gives_a_short_neutral_note_under_the_table_that_needs_it(tmp_path):
    code, err, out = run_with_meta(tmp_path, "decision", "decision:\n  tie_note: true\n", "qd.docx")
    assert code == 0, err
    meta = tmp_path / "meta.yaml"
    body = docx.Document(out).element.body
    order = [el for el in body if el.tag in (qn("w:p"), qn("w:tbl"))]
    notes = [k for k, el in enumerate(order) if el.tag == qn("w:p") and "Ghi chú" in "".join(el.itertext())]
    tables = [k for k, el in enumerate(order) if el.tag == qn("w:tbl")]
    assert len(notes) == 1 and notes[0] == tables[2] + 1  # right under the districts' table
    note = docx.text.paragraph.Paragraph(order[notes[0]], None).text
    assert note == (
        "Ghi chú: các đơn vị có cùng tổng điểm làm tròn được xếp hạng theo quy định của bộ tiêu chí "
        "(chi tiết tại Phụ lục kèm theo)."
    )
    meta.write_text("decision:\n  tie_note: có\n", encoding="utf-8")
    code, _, err = run("decision", "thanhhoa-2020", "--meta", meta, "--out", out)
    assert code == 2 and "decision.tie_note" in err and "true" in err


def test_full_tie_explanation_in_the_report_and_annex_notes():
    from xephang.documents.decision import table_note
    from xephang.pipeline import load_period

    ranking = load_period("thanhhoa-2020")
    note = table_note(ranking, ranking.groups[1])
    assert "UBND huyện Quảng Xương (hạng 15) và UBND huyện Lang Chánh (hạng 16) có cùng tổng điểm 85.03" in note
    assert "UBND huyện Quan Sơn (hạng 20) và UBND huyện Nga Sơn (hạng 21) có cùng tổng điểm 84.23" in note
    assert "thứ tự trong bảng kết quả chấm điểm" in note
    assert "1, 2, 2, 4" in note  # the rule is not the national one, and the note says so
    assert table_note(ranking, ranking.groups[0]) is None


def test_article_2_and_signature(decision_2020):
    t = texts(decision_2020)
    assert "Điều 2. Quyết định này có hiệu lực kể từ ngày ký." in t
    assert any(x.endswith("chịu trách nhiệm thi hành Quyết định này./.") for x in t)
    sig = decision_2020.tables[-1]
    left, right = sig.rows[0].cells
    assert cell_lines(right) == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Mai Xuân Liêm"]
    assert all(r.bold and r.font.size in (None, Pt(14)) for p in right.paragraphs for r in p.runs if r.text)
    lines = cell_lines(left)
    assert lines[0] == "Nơi nhận:" and lines[1] == "- Như Điều 2 QĐ;" and lines[-1] == "- Lưu: VT, THKH, CNTT."
    first = left.paragraphs[0].runs[0]
    assert first.bold and first.italic and first.font.size == Pt(12)
    assert all(p.runs[0].font.size == Pt(11) for p in left.paragraphs[1:] if p.text)


def test_signature_columns_template_unless_a_recipient_would_wrap():
    from xephang.documents.decision import SIGNATURE_COLS_MM, signature_columns
    from xephang.documents.layout import text_width_mm

    assert signature_columns(["- Như trên;", "- Lưu: VT."]) == SIGNATURE_COLS_MM  # Mẫu 1.2: 63.5 / 103.4
    long = "- Thành viên BCĐ XDCQ ĐT tỉnh (để biết);"
    left, right = signature_columns([long])
    assert left - 3.0 >= text_width_mm(long, 11) and left <= 80  # fits in the cell, padding 2 x 1.5 mm
    assert left + right == pytest.approx(sum(SIGNATURE_COLS_MM))


# --- options and other data --------------------------------------------------------------------------


def test_meta_file_number_date_signer_and_decimal_comma(tmp_path):
    meta = tmp_path / "meta.yaml"
    meta.write_text(
        "decision:\n  number: 7\n  date: 2021-02-05\n  decimal_separator: ','\n"
        "  signer: {name: Nguyễn Văn A}\n  recipients: [Như Điều 2;, 'Lưu: VT.']\n",
        encoding="utf-8",
    )
    out = tmp_path / "qd.docx"
    code, _, err = run("decision", "thanhhoa-2020", "--meta", meta, "--out", out)
    assert code == 0, err
    d = docx.Document(out)
    number, date = d.tables[0].rows[1].cells
    assert number.text == "Số: 07/QĐ-UBND"
    assert date.text == "Thanh Hóa, ngày 05 tháng 02 năm 2021"
    rows = table_rows(d.tables[1])
    assert rows[2] == ["1", "Văn phòng UBND tỉnh", "99,00", "1"]
    assert cell_lines(d.tables[-1].rows[0].cells[1]) == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A"]
    assert cell_lines(d.tables[-1].rows[0].cells[0]) == ["Nơi nhận:", "- Như Điều 2;", "- Lưu: VT."]


def test_shared_ties_full_precision_and_threshold_notes(tmp_path):
    data = tmp_path / "t.csv"
    data.write_text(
        "khối,đơn vị,tổng điểm\nso,Sở X,85.0310\nso,Sở Y,85.0290\nso,Sở Z,84.9950\nso,Sở W,70\n"
        "huyen,Huyện P,60\nhuyen,Huyện Q,60\n",
        encoding="utf-8",
    )
    out = tmp_path / "qd.docx"
    code, _, err = run("decision", data, "--framework", MINI, "--out", out)
    assert code == 0, err
    d = docx.Document(out)
    so, huyen = table_rows(d.tables[1]), table_rows(d.tables[2])
    # 84.995 shows as 85.00 and is still Khá: section II, rank 3.
    assert so[1][0].startswith("I. Mức Tốt") and so[4][0].startswith("II. Mức Khá")
    assert so[5] == ["3", "Sở Z", "85.00", "3"]
    assert [r[3] for r in huyen[2:]] == ["1", "1"]
    assert huyen[1][0] == "I. Mức Trung bình (Tổng điểm đạt từ 50 điểm đến dưới 70 điểm)"
    assert not [p.text for p in d.paragraphs if p.text.startswith("Ghi chú")]
    from xephang.documents.decision import table_note
    from xephang.pipeline import load_period

    ranking = load_period(str(data), str(MINI))
    notes = [table_note(ranking, g) for g in ranking.groups]
    assert "85,03" in table_note(ranking, ranking.groups[0], ",")
    assert "tổng điểm trước khi làm tròn (85.031; 85.029)" in notes[0]
    assert "Sở Z có tổng điểm làm tròn 85.00 nhưng tổng điểm đầy đủ 84.995 chưa đạt 85 điểm" in notes[0]
    assert "1, 2, 2, 4" not in notes[0]  # shared is the national rule
    assert "đồng hạng; thứ hạng kế tiếp là 3" in notes[1]


def test_shared_rule_on_2020_data_gives_equal_ranks(tmp_path):
    out = tmp_path / "qd.docx"
    code, _, _ = run("decision", "thanhhoa-2020", "--ties", "shared", "--out", out)
    assert code == 0
    rows = table_rows(docx.Document(out).tables[2])
    ranks = {r[1]: r[3] for r in rows if len(set(r)) > 1}
    assert ranks["UBND huyện Quảng Xương"] == ranks["UBND huyện Lang Chánh"] == "15"
    assert ranks["UBND huyện Đông Sơn"] == "17"


@pytest.mark.parametrize(
    "content, expected",
    [
        ("decision:\n  date: 32/01/2021\n", "decision.date: ngày '32/01/2021' không hợp lệ"),
        ("decision:\n  decimal_separator: ';'\n", "decision.decimal_separator"),
        ("decision:\n  signer_name: X\n", "khóa không hợp lệ trong thông tin quyết định: signer_name"),
        ("decision: [1, 2\n", "dòng"),
    ],
)
def test_bad_meta_exits_2_with_a_located_message(tmp_path, content, expected):
    meta = tmp_path / "meta.yaml"
    meta.write_text(content, encoding="utf-8")
    code, _, err = run("decision", "thanhhoa-2020", "--meta", meta, "--out", tmp_path / "x.docx")
    assert code == 2
    assert "meta.yaml" in err and expected in err
    assert "Traceback" not in err


def test_missing_meta_file(tmp_path):
    code, _, err = run("decision", "thanhhoa-2020", "--meta", tmp_path / "khong-co.yaml", "--out", tmp_path / "x.docx")
    assert code == 2 and "khong-co.yaml" in err


def test_pdf_without_libreoffice_says_what_is_missing(tmp_path, monkeypatch):
    import shutil

    real = shutil.which
    monkeypatch.setattr(
        shutil, "which", lambda name, *a, **k: None if name in ("soffice", "libreoffice") else real(name, *a, **k)
    )
    code, _, err = run("decision", "thanhhoa-2020", "--out", tmp_path / "qd.docx", "--pdf")
    assert code == 2
    assert "LibreOffice" in err and "libreoffice-writer-nogui" in err and "fonts-liberation2" in err
    assert (tmp_path / "qd.docx").exists()  # the DOCX is written all the same


def test_out_of_the_wrong_type_is_refused_before_any_work(tmp_path):
    code, _, err = run("decision", "thanhhoa-2020", "--out", tmp_path / "qd.doc")
    assert code == 2 and "cần tệp .docx hoặc .pdf" in err
    code, _, err = run("annex", "thanhhoa-2020", "--out", tmp_path / "pl.docx")
    assert code == 2 and "cần tệp .xlsx" in err
    assert not list(tmp_path.iterdir())


def test_unwritable_out_is_one_line_not_a_traceback(tmp_path):
    blocker = tmp_path / "tep"
    blocker.write_text("x")
    code, _, err = run("decision", "thanhhoa-2020", "--out", blocker / "qd.docx")  # a folder that is a file
    assert code == 2 and "không ghi được tệp" in err and "Traceback" not in err


def test_table_properties_in_schema_order(decision_2020):
    """Word refuses (as 'unreadable content') properties out of the order WordprocessingML fixes."""
    from xephang.documents.layout import _TBLPR_ORDER, _TCPR_ORDER

    def names(el):
        return [c.tag.split("}")[1] for c in el]

    for table in decision_2020.tables:
        tbl_pr = names(table._tbl.tblPr)
        assert tbl_pr == sorted(tbl_pr, key=_TBLPR_ORDER.index)
        for tc in table._tbl.iter(qn("w:tc")):
            tc_pr = names(tc.tcPr)
            assert tc_pr == sorted(tc_pr, key=_TCPR_ORDER.index)
    for p in decision_2020.element.body.iter(qn("w:pPr")):
        kids = names(p)
        if "pBdr" in kids:
            assert all(kids.index("pBdr") < kids.index(k) for k in ("spacing", "ind", "jc") if k in kids)


def test_text_widths_match_the_measured_template():
    from xephang.documents.layout import _font, text_width_mm

    if _font(True) is None:
        pytest.skip("Liberation Serif (fonts-liberation2) not installed")
    # document-format.md §3, measured with fontTools on Liberation Serif Bold.
    assert text_width_mm("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, True) == pytest.approx(95.7, abs=0.1)
    assert text_width_mm("Độc lập - Tự do - Hạnh phúc", 14, True) == pytest.approx(60.5, abs=0.1)
    assert text_width_mm("Độc lập - Tự do - Hạnh phúc", 13, True) == pytest.approx(56.1, abs=0.1)
