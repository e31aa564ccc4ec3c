"""Documents benchmark: the DOCX of the 47-unit 2020 decision, and the annex workbook.

Prints the best of 5 runs of each (building and saving; the period is loaded once), ending with a
line ``documents: decision 0.12 s, annex 0.08 s``. Target on the 2-core machine: under 0.5 s each.
The annex is timed twice: on the 2020 totals (what `make run` has) and on the seeded sample inputs
for the same 47 units (every criterion of thanhhoa-2016, which is the heavier sheet). The PDF
(LibreOffice, about 1 to 2 s a conversion) is timed once, where LibreOffice is installed.

    python benchmarks/documents.py [--runs 5] [--pdf]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from xephang.datasets import resolve
from xephang.documents.annex import write_annex
from xephang.documents.decision import write_decision
from xephang.documents.meta import build_meta
from xephang.framework import load_framework
from xephang.io import read_period
from xephang.ranking import rank
from xephang.sample import sample_period
from xephang.scoring import score


def best(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pdf", action="store_true", help="also time one LibreOffice conversion")
    args = ap.parse_args()
    pf = resolve("thanhhoa-2020")
    fw = load_framework(pf.framework)
    ranking = rank(score(fw, read_period(pf.path, fw)), pf.ties)
    sample = rank(score(fw, sample_period(fw)))
    meta = build_meta(pf.meta)
    n = sum(len(g.units) for g in ranking.groups)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        decision = best(lambda: write_decision(ranking, meta, out / "qd.docx"), args.runs)
        annex = best(lambda: write_annex(ranking, out / "pl.xlsx"), args.runs)
        annex_inputs = best(lambda: write_annex(sample, out / "pl-mau.xlsx"), args.runs)
        print(f"decision DOCX, {n} units: {decision:.3f} s")
        print(f"annex XLSX, {n} units, totals only: {annex:.3f} s")
        print(f"annex XLSX, {n} units x {sum(1 for _ in fw.all_criteria())} criteria: {annex_inputs:.3f} s")
        if args.pdf:
            from xephang.documents.pdf import to_pdf

            t0 = time.perf_counter()
            to_pdf(out / "qd.docx")
            print(f"decision PDF (LibreOffice, fresh profile): {time.perf_counter() - t0:.2f} s")
    print(f"documents: decision {decision:.2f} s, annex {max(annex, annex_inputs):.2f} s")


if __name__ == "__main__":
    main()
