"""What a clerk would otherwise fix by hand: fonts independent of matplotlib's cache, no year's values
leaking into another, checked metadata, sample figures marked, whole output sets, unit names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from documents_helpers import MINI, cell_lines, run, texts

DATA = Path(__file__).parent / "data"


def all_text(doc) -> str:
    parts = texts(doc)
    for t in doc.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    for s in doc.sections:
        parts += [p.text for p in s.header.paragraphs] + [p.text for p in s.first_page_header.paragraphs]
    return "\n".join(parts)


# --- fonts ----------------------------------------------------------------------------------------------


def test_tieu_ngu_rule_with_a_stale_matplotlib_cache(tmp_path):
    """A font cache written before fonts-liberation2 was installed (simulated: the cache lists no
    Liberation font) changes nothing: the fonts are found through fontconfig or their path."""
    from xephang.documents.layout import font_path

    if font_path(True) is None:
        pytest.skip("Liberation Serif (fonts-liberation2) not installed")
    cache = tmp_path / "mpl"
    env = {**os.environ, "MPLCONFIGDIR": str(cache)}
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env, check=True, capture_output=True)
    [fontlist] = cache.glob("fontlist-*.json")
    data = json.loads(fontlist.read_text())
    data["ttflist"] = [f for f in data["ttflist"] if "Liberation" not in f["name"]]
    fontlist.write_text(json.dumps(data))
    out = tmp_path / "qd.docx"
    probe = (
        "import sys, docx\n"
        "from xephang.cli import main\n"
        "from matplotlib import font_manager\n"
        "assert not [f for f in font_manager.fontManager.ttflist if 'Liberation' in f.name], 'cache not stale'\n"
        f"code = main(['decision', 'thanhhoa-2020', '--out', r'{out}'])\n"
        "from xephang.documents.charts import _font_family\n"
        "print(_font_family()[0])\n"
        "sys.exit(code)\n"
    )
    run_ = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert run_.returncode == 0, run_.stderr
    assert run_.stdout.strip().splitlines()[-1] == "Liberation Serif"  # the charts' serif too
    assert "phông" not in run_.stderr  # no font warning
    right = docx.Document(out).tables[0].rows[0].cells[1]
    pf = right.paragraphs[-1].paragraph_format
    assert 100.6 - 3.0 - pf.left_indent.mm - pf.right_indent.mm == pytest.approx(60.5, abs=0.6)


def test_missing_times_metrics_are_said_naming_the_element(monkeypatch, capsys):
    from xephang.documents import layout

    for f in (layout._font, layout._measure):
        f.cache_clear()
    monkeypatch.setattr(layout, "font_path", lambda bold: None)
    monkeypatch.setattr(layout, "_warned", set())
    try:
        layout.text_width_mm("Độc lập - Tự do - Hạnh phúc", 14, True, element="đường kẻ dưới Tiêu ngữ")
        layout.text_width_mm("Độc lập - Tự do - Hạnh phúc", 14, True, element="đường kẻ dưới Tiêu ngữ")
        err = capsys.readouterr().err
        assert err.count("Cảnh báo") == 1 and "đường kẻ dưới Tiêu ngữ" in err and "fonts-liberation2" in err
    finally:
        monkeypatch.undo()
        for f in (layout._font, layout._measure):
            f.cache_clear()


# --- no leaking defaults; sample periods ------------------------------------------------------------------


def test_another_year_gets_blanks_placeholders_and_a_warning(tmp_path):
    data = tmp_path / "ba.csv"
    data.write_text("khối,đơn vị,tổng điểm\nso,Sở X,90\nso,Sở Y,80\nhuyen,Huyện P,60\n", encoding="utf-8")
    out = tmp_path / "qd.docx"
    code, stdout, err = run("decision", data, "--framework", MINI, "--out", out)
    assert code == 0, err
    text = all_text(docx.Document(out))
    assert "165/BC-STTTT" not in text and "27/01/2021" not in text and "Mai Xuân Liêm" not in text
    assert "tại Báo cáo số … ngày …." in text
    sig = docx.Document(out).tables[-1].rows[0].cells
    assert cell_lines(sig[1]) == ["…", "…"]
    assert cell_lines(sig[0])[-1] == "- Lưu: VT, …."
    assert "thông tin quyết định chưa có" in err
    for key in ("report_number", "report_date", "signer.title", "signer.name", "recipients", "number", "date"):
        assert f"({key}" in err, key


def test_signer_without_a_name_does_not_keep_an_old_one(tmp_path):
    meta = tmp_path / "m.yaml"
    meta.write_text("signer: {prefix: KT. CHỦ TỊCH, title: PHÓ CHỦ TỊCH}\n", encoding="utf-8")
    data = tmp_path / "ba.csv"
    data.write_text("khối,đơn vị,tổng điểm\nso,Sở X,90\n", encoding="utf-8")
    out = tmp_path / "qd.docx"
    code, _, err = run("decision", data, "--framework", MINI, "--meta", meta, "--out", out)
    assert code == 0, err
    assert cell_lines(docx.Document(out).tables[-1].rows[0].cells[1]) == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "…"]
    assert "signer.name" in err and "signer.title" not in err


def test_the_2020_period_keeps_its_own_values():
    from xephang.datasets import resolve
    from xephang.documents.meta import build_meta

    meta = build_meta(resolve("thanhhoa-2020").meta)
    assert meta.report_number == "165/BC-STTTT" and meta.signer.name == "Mai Xuân Liêm"
    assert meta.missing() == [
        "số quyết định (number; để trống để ghi khi ký)",
        "ngày ký (date; để trống để ghi khi ký)",
    ]
    other = build_meta({"year": 2024})
    assert (other.report_number, other.report_date, other.signer.name, other.signer.title) == (None, None, "", "")


def test_sample_period_marks_every_document(tmp_path):
    code, _, err = run("decision", "mau-thanhhoa-2016", "--out", tmp_path / "qd.docx")
    assert code == 0, err
    code, _, err = run("scorecard", "mau-thanhhoa-2016", "--unit", "Sở Y tế", "--out", tmp_path / "p.docx")
    assert code == 0, err
    code, _, err = run("report", "mau-thanhhoa-2016", "--draws", "0", "--out", tmp_path / "bc.docx")
    assert code == 0, err
    assert "165/BC-STTTT" not in all_text(docx.Document(tmp_path / "bc.docx"))
    for name in ("qd.docx", "p.docx", "bc.docx"):
        d = docx.Document(tmp_path / name)
        for s in d.sections:  # the first page and every other page
            assert "SỐ LIỆU MẪU" in "".join(p.text for p in s.first_page_header.paragraphs), name
            assert "SỐ LIỆU MẪU" in "".join(p.text for p in s.header.paragraphs), name
    code, _, err = run("decision", "thanhhoa-2020", "--out", tmp_path / "that.docx")
    assert "SỐ LIỆU MẪU" not in all_text(docx.Document(tmp_path / "that.docx"))


# --- metadata checks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, key, expected",
    [
        ("number: -5\n", "decision.number", "cần một số nguyên dương"),
        ("number: abc\n", "decision.number", "cần một số nguyên dương"),
        ("number: 7.5\n", "decision.number", "cần một số nguyên dương"),
        ("date: 2021-02-30\n", "decision.date", "(một ngày có thật)"),
        ("date: 2020-06-01\n", "decision.date", "cần từ 31/12/2020 trở đi"),
        ("report_date: 2019-01-01\n", "decision.report_date", "cần từ 31/12/2020"),
        ("recipients: []\n", "decision.recipients", "cần ít nhất một nơi nhận"),
        ("recipients: [Như Điều 2;]\n", "decision.recipients", "cần dòng 'Lưu: VT, …'"),
        ("signer: {name: [1]}\n", "decision.signer", "cần các khóa"),
        ("year: abc\n", "decision.year", "cần dạng 2021"),
    ],
)
def test_every_meta_value_is_checked(tmp_path, content, key, expected):
    meta = tmp_path / "meta.yaml"
    meta.write_text(content, encoding="utf-8")
    out = tmp_path / "x.docx"
    code, _, err = run("decision", "thanhhoa-2020", "--meta", meta, "--out", out)
    assert code == 2, err
    assert "meta.yaml" in err and key in err and expected in err
    assert "Traceback" not in err and not out.exists()


def test_a_number_is_written_with_the_decrees_zero(tmp_path):
    from xephang.documents.meta import build_meta

    assert build_meta({}, {"number": "007"}).number_line() == "Số: 07/QĐ-UBND"
    assert build_meta({}, {"number": 176}).number_line() == "Số: 176/QĐ-UBND"


# --- whole output sets, no tracebacks ---------------------------------------------------------------------


def test_scorecards_all_with_a_very_long_unit_name(tmp_path):
    name = "Ban Quản lý " + "dự án đầu tư xây dựng công trình dân dụng và công nghiệp " * 4
    data = tmp_path / "d.csv"
    data.write_text(f"khối,đơn vị,tổng điểm\nso,Sở X,90\nso,{name.strip()},80\nhuyen,Huyện P,60\n", encoding="utf-8")
    code, _, err = run("scorecard", data, "--framework", MINI, "--all", "--out", tmp_path / "phieu")
    assert code == 0, err
    files = sorted((tmp_path / "phieu").iterdir())
    assert len(files) == 3 and all(len(f.name) < 100 for f in files)
    title = docx.Document(files[1]).core_properties.title
    assert len(title) <= 255 and title.endswith("…")


def test_scorecards_all_write_the_whole_set_or_nothing(tmp_path, monkeypatch):
    from xephang.documents import scorecard

    real, calls = scorecard.build_scorecard, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(scorecard, "build_scorecard", failing)
    data = tmp_path / "d.csv"
    data.write_text("khối,đơn vị,tổng điểm\nso,Sở X,90\nso,Sở Y,80\nhuyen,Huyện P,60\n", encoding="utf-8")
    code, _, err = run("scorecard", data, "--framework", MINI, "--all", "--out", tmp_path / "phieu")
    assert code == 2 and "không ghi được" in err
    assert list((tmp_path / "phieu").iterdir()) == []  # neither 2 of 3 files nor a staging folder


def test_docx_core_properties_are_the_documents_own(tmp_path):
    import datetime as dt

    out = tmp_path / "qd.docx"
    run("decision", "thanhhoa-2020", "--out", out)
    props = docx.Document(out).core_properties
    now = dt.datetime.now(dt.timezone.utc)
    assert props.created == props.modified
    assert abs((props.created.replace(tzinfo=dt.timezone.utc) - now).total_seconds()) < 3600
    assert props.author == "xephang" and props.title.startswith("Quyết định Về việc xếp hạng")
    assert props.revision == 1


def test_a_comma_total_is_read_by_the_columns_bounds(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text('khối,đơn vị,tổng điểm\nso,Sở X,"84,995"\nso,Sở Y,"85,5"\nhuyen,Huyện P,60\n', encoding="utf-8")
    code, out, err = run("rank", data, "--framework", MINI, "--json")
    assert code == 0, err
    totals = {u["unit"]: u["total"] for u in json.loads(out)["units"]}
    assert totals["Sở X"] == "84.995" and totals["Sở Y"] == "85.5"


# --- scorecards: shares on what applies ---------------------------------------------------------------------


def test_scorecard_shares_on_the_applicable_max(tmp_path):
    out = tmp_path / "p.docx"
    code, _, err = run("scorecard", DATA / "mini.csv", "--framework", MINI, "--unit", "Sở B", "--out", out)
    assert code == 0, err
    d = docx.Document(out)
    rows = [[c.text for c in r.cells] for r in d.tables[-1].rows]
    services = next(r for r in rows if r[1] == "Dịch vụ công")
    assert services[3] == "KAD" and services[4] == ""
    assert any("*: điểm tối đa của phần áp dụng" in p.text for p in d.paragraphs) or all("*" not in r[2] for r in rows)


def test_applicable_max_of_a_group_with_items_that_do_not_apply():
    from xephang.documents.scorecard import applicable_max, criteria_rows
    from xephang.pipeline import load_period

    ranking = load_period("mau-thanhhoa-2016")
    ru = next(u for g in ranking.groups for u in g.units if u.unit.not_applicable)
    partial = [
        (c, p, applicable_max(ranking, ru, c))
        for c, p in criteria_rows(ranking, ru)
        if p is not None and applicable_max(ranking, ru, c) != c.max
    ]
    assert partial, "a group with some items not applicable"
    for c, p, top in partial:
        assert 0 < top < c.max and p <= top
        kids = [k for k in c.children if k.applies_to(ru.group.id)]
        assert top == c.max - sum(k.max - applicable_max(ranking, ru, k) for k in kids)


# --- unit names ---------------------------------------------------------------------------------------------


def test_unit_names_checked_before_the_decision_is_written(tmp_path):
    out = tmp_path / "qd.docx"
    code, stdout, err = run("decision", "thanhhoa-2020", "--out", out)
    assert code == 0
    assert "'Sở Tài Nguyên và Môi trường'" in err and "nên viết: 'Sở Tài nguyên và Môi trường'" in err
    assert "Nghi Sơn" in err and "thiếu dấu phẩy giữa 'Văn hóa' và 'Thể thao'" in err
    assert "Sở Y tế'" not in err and "UBND huyện Như Xuân" not in err


def test_checks_lists_names_against_a_registry(tmp_path):
    registry = tmp_path / "don-vi.txt"
    registry.write_text("# danh mục\nSở X\nSở Văn hóa, Thể thao và Du lịch\nHuyện P\n", encoding="utf-8")
    data = tmp_path / "d.csv"
    data.write_text(
        "khối,đơn vị,tổng điểm\nso,Sở X,90\nso,Sở Văn Hóa Thể thao và Du lịch,80\nso,Sở Khác,70\nhuyen,Huyện P,60\n",
        encoding="utf-8",
    )
    code, out, err = run("checks", data, "--framework", MINI, "--units", registry)
    assert code == 0, err
    assert "Tên đơn vị chưa chuẩn (2)" in out
    assert "khác tên trong danh mục đơn vị: 'Sở Văn hóa, Thể thao và Du lịch'" in out
    assert "Sở Khác" in out and "không có trong danh mục đơn vị" in out
