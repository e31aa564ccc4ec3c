"""Coverage-guided fuzzing (atheris / libFuzzer) of the importers; not run by the test suite.

    .venv/bin/pip install atheris
    .venv/bin/python benchmarks/fuzz_reader.py csv  -atheris_runs=200000
    .venv/bin/python benchmarks/fuzz_reader.py xlsx -max_total_time=600
    .venv/bin/python benchmarks/fuzz_reader.py yaml -max_total_time=600 benchmarks/corpus-yaml/

The first argument picks the target; the rest go to libFuzzer (a corpus folder, -max_total_time,
-atheris_runs...). The invariant is the one tests/test_fuzz_*.py check by hypothesis: a period file
is read (and then scores and ranks) or refused with an InputError; a criteria set loads or is
refused with a FrameworkError. Any other exception is a crash: libFuzzer stops and writes the input
to crash-<hash>, which becomes a regression test. At the end it prints the run's figures.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["xephang"]):
    from xephang.errors import FrameworkError, InputError
    from xephang.framework import load_framework, parse_framework
    from xephang.io.reader import read_period
    from xephang.ranking import rank
    from xephang.scoring.engine import score

ROOT = Path(__file__).resolve().parent.parent
MINI = load_framework(ROOT / "tests" / "data" / "mini.yaml")
WORK = Path(tempfile.mkdtemp(prefix="xephang-fuzz-"))
COUNTS = {"accepted": 0, "refused": 0}


def _period(data: bytes, suffix: str) -> None:
    path = WORK / f"so-lieu{suffix}"
    path.write_bytes(data)
    try:
        period = read_period(path, MINI)
    except InputError as e:
        assert str(e).startswith(f"tệp {path.name}"), e
        COUNTS["refused"] += 1
        return
    rank(score(MINI, period), MINI.ties)
    COUNTS["accepted"] += 1


def _framework(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace")
    try:
        parse_framework(text, "khung.yaml")
    except FrameworkError:
        COUNTS["refused"] += 1
        return
    COUNTS["accepted"] += 1


def _seeds(target: str) -> Path:
    """A corpus folder with the real files to start from, so that mutations stay near valid input."""
    corpus = WORK / f"corpus-{target}"
    corpus.mkdir()
    if target == "csv":
        (corpus / "mini.csv").write_bytes((ROOT / "tests" / "data" / "mini.csv").read_bytes())
    elif target == "yaml":
        (corpus / "mini.yaml").write_bytes((ROOT / "tests" / "data" / "mini.yaml").read_bytes())
    else:
        import openpyxl

        wb = openpyxl.Workbook()
        for line in (ROOT / "tests" / "data" / "mini.csv").read_text(encoding="utf-8").splitlines():
            wb.active.append(line.split(","))
        wb.save(corpus / "mini.xlsx")
    return corpus


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else "csv"
    args = [sys.argv[0], *[a for a in sys.argv[1:] if a != target]]
    if not any(not a.startswith("-") for a in args[1:]):
        args.append(str(_seeds(target)))
    one = {"csv": lambda d: _period(d, ".csv"), "xlsx": lambda d: _period(d, ".xlsx"), "yaml": _framework}[target]
    start = time.perf_counter()

    def counted(data: bytes) -> None:
        one(data)
        runs = COUNTS["accepted"] + COUNTS["refused"]
        if runs % 20000 == 0:  # libFuzzer leaves by _exit(): no atexit, so report as it goes
            took = time.perf_counter() - start
            print(
                f"{target}: {runs} inputs in {took:.1f} s ({runs / took:.0f}/s); accepted "
                f"{COUNTS['accepted']}, refused clearly {COUNTS['refused']}",
                file=sys.stderr,
                flush=True,
            )

    atheris.Setup(args, counted)
    atheris.Fuzz()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
