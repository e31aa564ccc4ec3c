"""The 2020 Thanh Hóa decision, reproduced from the embedded published totals: every rank and level."""

import csv
import json
from pathlib import Path

from xephang.cli import main

PUBLISHED = Path(__file__).parent.parent / "src/xephang/data/thanhhoa-2020/ket-qua.csv"
REFERENCE = Path(__file__).parent / "data/reference/thanhhoa-2020-published.csv"


def published():
    with PUBLISHED.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def run_json(capsys, *args):
    assert main(["rank", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_embedded_copy_is_the_reference():
    assert PUBLISHED.read_bytes() == REFERENCE.read_bytes()


def test_all_47_ranks_and_levels_reproduced_with_input_order(capsys):
    out = run_json(capsys, "thanhhoa-2020", "--ties", "input-order")
    assert out["framework"] == "thanhhoa-2016" and out["ties"] == "input-order"
    got = [(u["group"], u["unit"], u["shown"], u["rank"], u["level"]) for u in out["units"]]
    want = [(r["group"], r["unit"], r["total"], int(r["rank"]), r["level"]) for r in published()]
    assert len(want) == 47
    assert got == want
    assert all(isinstance(u["rank"], int) and isinstance(u["total"], str) for u in out["units"])
    warnings = " ".join(out["warnings"])
    assert "UBND huyện Quảng Xương (hạng 15), UBND huyện Lang Chánh (hạng 16)" in warnings
    assert "UBND huyện Quan Sơn (hạng 20), UBND huyện Nga Sơn (hạng 21)" in warnings


def test_the_embedded_period_declares_input_order(capsys):
    # make run reproduces the decision as published, without flags
    out = run_json(capsys, "thanhhoa-2020")
    assert out["ties"] == "input-order"


def test_shared_rule_gives_equal_ranks_and_skips(capsys):
    out = run_json(capsys, "thanhhoa-2020", "--ties", "shared")
    ranks = {u["unit"]: u["rank"] for u in out["units"]}
    assert ranks["UBND huyện Quảng Xương"] == ranks["UBND huyện Lang Chánh"] == 15
    assert ranks["UBND huyện Đông Sơn"] == 17
    assert ranks["UBND huyện Quan Sơn"] == ranks["UBND huyện Nga Sơn"] == 20
    assert ranks["UBND huyện Thạch Thành"] == 22
    assert any("đồng hạng 15" in w for w in out["warnings"])
    assert any("đồng hạng 20" in w for w in out["warnings"])


def test_levels_of_the_boundary_units(capsys):
    out = run_json(capsys, "thanhhoa-2020")
    level = {u["unit"]: u["level"] for u in out["units"]}
    assert level["Ban Dân tộc"] == "Tốt"  # 85.43
    assert level["Sở Lao động, Thương binh và Xã hội"] == "Khá"  # 84.45
    assert level["UBND huyện Lang Chánh"] == "Tốt"  # 85.03
    assert level["UBND huyện Đông Sơn"] == "Khá"  # 84.87
