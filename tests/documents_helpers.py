"""What the document tests share: running the command line in-process and reading a Word file back.

A module of its own, so that no test module imports another one (tests/ is on sys.path through the
rootdir conftest).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from xephang.cli import main

REF = Path(__file__).resolve().parents[1] / "src" / "xephang" / "data" / "thanhhoa-2020" / "ket-qua.csv"
MINI = Path(__file__).parent / "data" / "mini.yaml"


def run(*argv) -> tuple[int, str, str]:
    import contextlib
    import sys

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        old = sys.stdout
        sys.stdout = out
        try:
            code = main([str(a) for a in argv])
        finally:
            sys.stdout = old
    return code, out.getvalue(), err.getvalue()


def run_with_meta(tmp_path, verb: str, content: str, out_name: str, *extra):
    """``xephang VERB thanhhoa-2020 --meta meta.yaml --out OUT`` with ``content`` as meta.yaml."""
    meta = tmp_path / "meta.yaml"
    meta.write_text(content, encoding="utf-8")
    out = tmp_path / out_name
    code, _, err = run(verb, "thanhhoa-2020", "--meta", meta, "--out", out, *extra)
    return code, err, out


def published():
    with REF.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def cell_lines(cell) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text]
