"""The command line's tables and JSON, byte for byte: ``rank`` and ``compare`` on the embedded Thanh Hóa
periods and the test sets (levels, ties, pillars and percentages, an unranked unit, a lineage of renamed,
merged and split units, criteria compared one by one).

The expected outputs in ``tests/data/cli-output/`` were written by the command line itself; they change
only when the output is meant to change. Write them again with
``python tests/test_cli_output.py`` and read the difference before committing it.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

import pytest

from xephang.cli import main

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
A = DATA / "analysis"
EXPECTED = DATA / "cli-output"
MINI = str(DATA / "mini.yaml")
BOTH_MINI = ["--old-framework", MINI, "--framework", MINI]

CASES = {
    "rank-thanhhoa-2020.txt": ["rank", "thanhhoa-2020"],
    "rank-thanhhoa-2020.json": ["rank", "thanhhoa-2020", "--json"],
    "rank-mau-thanhhoa-2016-dense.txt": ["rank", "mau-thanhhoa-2016", "--ties", "dense"],
    "rank-rules-pillars.txt": ["rank", str(DATA / "rules.csv"), "--framework", str(DATA / "rules.yaml")],
    "rank-rules-pillars.json": ["rank", str(DATA / "rules.csv"), "--framework", str(DATA / "rules.yaml"), "--json"],
    "rank-mini.txt": ["rank", str(DATA / "mini.csv"), "--framework", MINI],
    "compare-thanhhoa.txt": ["compare", "mau-thanhhoa-2016", "thanhhoa-2020"],
    "compare-thanhhoa.json": ["compare", "mau-thanhhoa-2016", "thanhhoa-2020", "--json"],
    "compare-lineage.txt": [
        "compare",
        str(A / "totals-2021.csv"),
        str(A / "totals-2022.csv"),
        *BOTH_MINI,
        "--lineage",
        str(A / "lineage.yaml"),
        "--top",
        "2",
    ],
    "compare-lineage.json": [
        "compare",
        str(A / "totals-2021.csv"),
        str(A / "totals-2022.csv"),
        *BOTH_MINI,
        "--lineage",
        str(A / "lineage.yaml"),
        "--json",
    ],
    "compare-criteria.txt": ["compare", str(DATA / "mini.csv"), str(A / "mini-2022.csv"), *BOTH_MINI],
    "compare-criteria.json": ["compare", str(DATA / "mini.csv"), str(A / "mini-2022.csv"), *BOTH_MINI, "--json"],
}


def output(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(argv)
    assert code == 0, argv
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_output_is_unchanged(name):
    assert output(CASES[name]) == (EXPECTED / name).read_text(encoding="utf-8")


def test_the_expected_outputs_are_those_of_the_cases():
    assert sorted(p.name for p in EXPECTED.iterdir()) == sorted(CASES)


if __name__ == "__main__":
    sys.path.insert(0, str(TESTS.parent / "src"))
    for name, argv in CASES.items():
        (EXPECTED / name).write_text(output(argv), encoding="utf-8")
        print(f"{name}: {len(output(argv).splitlines())} dòng")
