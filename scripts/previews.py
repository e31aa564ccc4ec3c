"""Regenerate the PNG previews of the documents in docs/previews/ (LibreOffice -> PDF -> pdftoppm).

    .venv/bin/python scripts/previews.py [--dpi 100]

Writes quyet-dinh-2020-<page>.png (the decision for the embedded 2020 data, every page), and the
first page of a scorecard and every page of the report made from the embedded sample period
(mau-thanhhoa-2016, made-up figures marked "SỐ LIỆU MẪU"), so a reviewer can look at the layout without installing anything.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from xephang.datasets import resolve
from xephang.documents.decision import write_decision
from xephang.documents.meta import build_meta
from xephang.documents.pdf import to_pdf, to_png
from xephang.documents.report import write_report
from xephang.documents.scorecard import write_scorecard
from xephang.framework import load_framework
from xephang.io import read_period
from xephang.ranking import rank
from xephang.scoring import score

OUT = Path(__file__).resolve().parents[1] / "docs" / "previews"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dpi", type=int, default=100)
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    pf = resolve("thanhhoa-2020")
    fw = load_framework(pf.framework)
    ranking = rank(score(fw, read_period(pf.path, fw)), pf.ties)
    meta = build_meta(pf.meta)
    spf = resolve("mau-thanhhoa-2016")  # the sample period: made-up figures, marked as such
    sample = rank(score(fw, read_period(spf.path, fw)), spf.ties)
    sample_meta = build_meta(spf.meta)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        docx = write_decision(ranking, meta, tmp / "quyet-dinh-2020.docx")[0]
        pages = to_png(to_pdf(docx), OUT / "quyet-dinh-2020", args.dpi)
        # Thanh tra tỉnh: criteria that do not apply, so its shares are on the applicable max.
        unit = next(u for g in sample.groups for u in g.units if u.unit.not_applicable)
        card = write_scorecard(sample, unit, tmp / "phieu.docx", sample=True)[0]
        pages += to_png(to_pdf(card), OUT / "phieu-ket-qua-mau", args.dpi)[:2]
        report = write_report(sample, sample_meta, tmp / "bao-cao.docx")[0]
        pages += to_png(to_pdf(report), OUT / "bao-cao-mau", args.dpi)
        for extra in sorted(OUT.glob("bao-cao-mau-*.png")) + sorted(OUT.glob("phieu-ket-qua-mau-*.png")):
            if extra not in pages:
                extra.unlink()
    for p in pages:
        print(p.relative_to(OUT.parents[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
