"""The analysis verbs of the command line: output a clerk can read, JSON, errors with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xephang.cli import main

DATA = Path(__file__).parent / "data"
A = DATA / "analysis"
MINI = ["--framework", str(DATA / "mini.yaml")]


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_robustness_table_and_json(capsys):
    code, out, _ = run(
        capsys,
        "robustness",
        A / "robust.csv",
        "--framework",
        A / "two.yaml",
        "--draws",
        500,
        "--seed",
        1,
        "--range",
        "10%",
    )
    assert code == 0
    assert "500 lần mô phỏng" in out and "± 10 %" in out
    assert "Sở Hạ tầng mạnh / Sở Ứng dụng mạnh" in out  # neighbours not meaningfully different
    code, out, _ = run(capsys, "robustness", A / "robust.csv", "--framework", A / "two.yaml", "--draws", 50, "--json")
    doc = json.loads(out)
    assert doc["draws"] == 50 and doc["groups"][0]["units"][0]["unit"] == "Sở Sát ngưỡng"


def test_robustness_of_the_2020_decision_needs_a_total_uncertainty(capsys):
    code, _, err = run(capsys, "robustness", "thanhhoa-2020", "--draws", 10)
    assert code == 2 and err.startswith("Lỗi: ") and "--total-uncertainty" in err and "Traceback" not in err
    code, out, _ = run(capsys, "robustness", "thanhhoa-2020", "--draws", 200, "--total-uncertainty", "0.5")
    assert code == 0 and "Văn phòng UBND tỉnh" in out


def test_gap_text_and_json(capsys):
    code, out, _ = run(capsys, "gap", A / "gap.csv", *MINI, "--unit", "Sở Gần")
    assert code == 0
    assert "cần thêm 0.5 điểm để đạt mức Tốt" in out and "thêm 3 người (từ 90 lên 93" in out
    code, out, _ = run(capsys, "gap", A / "gap.csv", *MINI, "--json", "--top", 1)
    doc = json.loads(out)
    assert [d["unit"] for d in doc] == ["Sở Gần", "Sở Thiếu dịch vụ"] and len(doc[0]["opportunities"]) == 1
    code, _, err = run(capsys, "gap", A / "gap.csv", *MINI, "--unit", "Không có")
    assert code == 2 and "không xác định được đơn vị" in err


def test_compare_with_lineage(capsys):
    code, out, _ = run(
        capsys,
        "compare",
        A / "totals-2021.csv",
        A / "totals-2022.csv",
        "--old-framework",
        DATA / "mini.yaml",
        *MINI,
        "--lineage",
        A / "lineage.yaml",
    )
    assert code == 0
    assert "hợp nhất từ Sở X, Sở Y" in out and "Không còn trong kỳ này: Huyện E" in out
    assert "Trung bình → Khá" in out
    code, _, err = run(
        capsys,
        "compare",
        A / "totals-2021.csv",
        A / "totals-2022.csv",
        *MINI,
        "--old-framework",
        DATA / "mini.yaml",
        "--lineage",
        A / "khong-co.yaml",
    )
    assert code == 2 and "khong-co.yaml" in err


def test_components_and_checks(capsys):
    code, out, _ = run(capsys, "components", DATA / "mini.csv", *MINI)
    assert code == 0 and "Hạ tầng (tối đa 40 điểm)" in out and "không áp dụng" in out
    code, out, _ = run(
        capsys,
        "checks",
        A / "checks-2022.csv",
        "--framework",
        A / "checks.yaml",
        "--previous",
        A / "checks-2021.csv",
        "--evidence",
        A / "evidence.csv",
    )
    assert code == 0 and "11 phát hiện" in out and "Số liệu trùng với đơn vị khác (1)" in out
    code, out, _ = run(capsys, "checks", A / "checks-2022.csv", "--framework", A / "checks.yaml", "--json")
    doc = json.loads(out)
    assert {f["kind"] for f in doc["findings"]} == {"impossible", "inconsistent", "copied", "outlier"}


@pytest.mark.parametrize("verb", ["robustness", "gap", "components", "checks"])
def test_bad_period_file_is_one_vietnamese_line(capsys, write, verb):
    bad = write("bad.csv", "khối,đơn vị,tổng điểm\nso,Sở A,abc\n")
    code, _, err = run(capsys, verb, bad, *MINI)
    assert code == 2 and "dòng 2" in err and "Traceback" not in err


def test_robustness_chart(capsys, tmp_path):
    pytest.importorskip("matplotlib")  # a main dependency of the charts (see docs/analysis.md)
    chart = tmp_path / "rb.png"
    code, out, _ = run(
        capsys, "robustness", A / "robust.csv", "--framework", A / "two.yaml", "--draws", 100, "--chart", chart
    )
    assert code == 0 and f"Đã vẽ biểu đồ: {chart}" in out
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
