"""The 'part equals its whole' check (moved from the web application's appraisal page into the core)."""

from __future__ import annotations

from pathlib import Path

from xephang.analysis import run_checks
from xephang.framework import load_framework
from xephang.io import read_period
from xephang.scoring import score

D = Path(__file__).parent / "data"


def test_part_equal_to_its_whole_is_flagged_once():
    fw = load_framework(D / "mini.yaml")
    report = run_checks(score(fw, read_period(D / "mini.csv", fw)))
    # mini.csv: Sở A 90 of 100 staff with a computer, Sở B 50 of 50, Huyện C 5 of 10.
    (f,) = report.by_kind("full")
    assert (f.unit, f.criterion_id, f.input_id, f.row) == ("Sở B", "computers", "with_pc", 3)
    assert "50" in f.figure and "100 %" in f.message and f.kind_name == "Phần bằng đúng tổng (100 %)"


def test_zero_of_zero_is_not_flagged(tmp_path):
    fw = load_framework(D / "mini.yaml")
    text = (D / "mini.csv").read_text(encoding="utf-8").replace("Sở B,50,50,", "Sở B,0,0,")
    (tmp_path / "p.csv").write_text(text, encoding="utf-8")
    report = run_checks(score(fw, read_period(tmp_path / "p.csv", fw)))
    assert report.by_kind("full") == []


def test_missing_evidence_for_a_choice_names_the_option(tmp_path):
    # A choice input that requires evidence: the finding shows the option's label, not its id.
    text = (
        (D / "mini.yaml")
        .read_text(encoding="utf-8")
        .replace("            type: choice\n", "            type: choice\n            evidence: true\n")
    )
    (tmp_path / "fw.yaml").write_text(text, encoding="utf-8")
    fw = load_framework(tmp_path / "fw.yaml")
    report = run_checks(score(fw, read_period(D / "mini.csv", fw)), evidence={})
    shown = {f.unit: f.figure for f in report.by_kind("evidence") if f.input_id == "head_kind"}
    assert shown["Sở A"] == "Trưởng ban là: Chủ tịch" and shown["Sở B"] == "Trưởng ban là: Phó Chủ tịch"
