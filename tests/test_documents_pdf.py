"""PDF through LibreOffice: runs where LibreOffice is installed (CI installs it: scripts/system-deps.sh)."""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from documents_helpers import run
from xephang.documents.pdf import soffice, to_pdf

pytestmark = pytest.mark.skipif(
    soffice() is None or shutil.which("pdftotext") is None, reason="LibreOffice or poppler-utils not installed"
)


def pdftext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def decision_pdf(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf") / "quyet-dinh.docx"
    code, stdout, err = run("decision", "thanhhoa-2020", "--out", out, "--pdf")
    assert code == 0, err
    assert "quyet-dinh.pdf" in stdout
    return out.with_suffix(".pdf")


def test_decision_pdf_is_a4_with_vietnamese_text(decision_pdf):
    info = subprocess.run(["pdfinfo", str(decision_pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 2 <= pages <= 5
    text = pdftext(decision_pdf)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "QUYẾT ĐỊNH:",
        "UBND huyện Thường Xuân",
        "81.31",
        "Mai Xuân Liêm",
        "Nơi nhận:",
    ):
        assert expected in text
    # Page 1 has no number; page 2 starts with "2" centred in the top margin.
    second = text.split("\f")[1]
    assert second.strip().splitlines()[0].strip() == "2"
    assert not text.split("\f")[0].strip().splitlines()[0].strip().isdigit()


def test_fonts_are_times_metric(decision_pdf):
    fonts = subprocess.run(["pdffonts", str(decision_pdf)], capture_output=True, text=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:] if line.strip()]
    assert names and all(("LiberationSerif" in n or "TimesNewRoman" in n) for n in names), names


def test_parallel_conversions_each_get_their_file(tmp_path):
    """Two conversions at once (each with its own LibreOffice profile) both write their PDF."""
    from xephang.documents.decision import build_decision
    from xephang.documents.meta import build_meta
    from xephang.pipeline import rank_period, resolve

    pf = resolve("thanhhoa-2020")
    ranking = rank_period(pf)
    sources = []
    for k in range(2):
        p = tmp_path / f"qd-{k}.docx"
        build_decision(ranking, build_meta(pf.meta)).save(p)
        sources.append(p)
    errors = []

    def convert(p):
        try:
            to_pdf(p)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=convert, args=(p,)) for p in sources]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(p.with_suffix(".pdf").stat().st_size > 10_000 for p in sources)


def test_scorecard_pdf(tmp_path):
    mini = Path(__file__).parent / "data"
    out = tmp_path / "phieu.pdf"
    code, _, err = run(
        "scorecard", mini / "mini.csv", "--framework", mini / "mini.yaml", "--unit", "Sở A", "--out", out
    )
    assert code == 0, err
    text = pdftext(out)
    assert "Sở A" in text and "74.50" in text


def test_all_scorecards_as_pdf_in_one_run(tmp_path):
    mini = Path(__file__).parent / "data"
    code, out, err = run(
        "scorecard", mini / "mini.csv", "--framework", mini / "mini.yaml", "--all", "--pdf", "--out", tmp_path / "phieu"
    )
    assert code == 0, err
    pdfs = sorted(p.name for p in (tmp_path / "phieu").glob("*.pdf"))
    assert pdfs == ["1-01-so-b.pdf", "1-02-so-a.pdf", "2-01-huyen-c.pdf"]
    assert "Huyện C" in pdftext(tmp_path / "phieu" / "2-01-huyen-c.pdf")
