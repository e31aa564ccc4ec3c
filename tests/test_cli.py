"""The command line as a user runs it: tables, JSON, explanations, and exit status 2 on bad input."""

import json
import subprocess
import sys
from pathlib import Path

from xephang.cli import main

DATA = Path(__file__).parent / "data"
MINI = ["--framework", str(DATA / "mini.yaml")]


def test_rank_table(capsys):
    assert main(["rank", str(DATA / "mini.csv"), *MINI]) == 0
    out = capsys.readouterr().out
    assert "1. Khối sở (2 đơn vị)" in out
    lines = [line.split() for line in out.splitlines()]
    assert ["1", "Tốt", "Sở", "B", "88.24"] in lines
    assert ["2", "Khá", "Sở", "A", "74.50"] in lines


def test_rank_table_states_the_tie_rule_in_words(capsys):
    for ties, words in (
        ("dense", "đồng hạng liền (điểm bằng nhau cùng thứ hạng, thứ hạng kế tiếp không bị bỏ qua"),
        ("input-order", "theo thứ tự trong danh sách nguồn khi tổng điểm bằng nhau"),
    ):
        assert main(["rank", str(DATA / "mini.csv"), *MINI, "--ties", ties]) == 0
        assert f"\nQuy tắc đồng điểm: {words}" in capsys.readouterr().out


def test_rank_json(capsys):
    assert main(["rank", str(DATA / "mini.csv"), *MINI, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) >= {"framework", "ties", "units", "warnings"}
    b = next(u for u in doc["units"] if u["unit"] == "Sở B")
    assert b == {**b, "group": "so", "total": "88.235294117647", "level": "Tốt", "rank": 1}


def test_explain(capsys):
    assert main(["explain", str(DATA / "mini.csv"), *MINI, "--unit", "  sở   a"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Sở A — Khối sở\nTổng điểm 74.50")
    assert "tỷ lệ 90 / 100 × 20 = 18 điểm" in out
    assert "Trừ điểm [penalties]: 2 / 10 điểm (trừ điểm)" in out


def test_explain_totals_only_says_why_there_is_nothing(capsys):
    assert main(["explain", "thanhhoa-2020", "--unit", "Sở Y tế"]) == 0
    out = capsys.readouterr().out
    assert "85.82" in out and "chỉ có tổng điểm" in out


def test_unknown_unit_exits_2(capsys):
    assert main(["explain", str(DATA / "mini.csv"), *MINI, "--unit", "Sở Không Có"]) == 2
    assert "không xác định được đơn vị" in capsys.readouterr().err


def test_bad_file_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("khối,đơn vị,tổng điểm\nso,Sở A,abc\n", encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "xephang", "rank", str(bad), *MINI], capture_output=True, text=True)
    assert p.returncode == 2
    assert p.stderr.startswith("Lỗi: tệp bad.csv, dòng 2, cột 'tổng điểm': 'abc' không phải là một số")
    assert "Traceback" not in p.stderr


def test_frameworks_and_check(capsys, tmp_path):
    assert main(["frameworks"]) == 0
    out = capsys.readouterr().out
    assert "thanhhoa-2016" in out and "dti-2022-tinh" in out
    assert main(["framework", "check", str(DATA / "mini.yaml")]) == 0
    assert "Hợp lệ: mini" in capsys.readouterr().out
    broken = tmp_path / "b.yaml"
    broken.write_text(
        (DATA / "mini.yaml").read_text(encoding="utf-8").replace("below: 85", "max: 85"), encoding="utf-8"
    )
    assert main(["framework", "check", str(broken)]) == 2
    assert "chồng lên nhau" in capsys.readouterr().err
