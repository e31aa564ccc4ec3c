"""Write the embedded SAMPLE period: plausible made-up inputs for the 47 Thanh Hóa units.

Not real data: it exists so that `xephang explain`, the web demo and the tests have a full inputs
period against `thanhhoa-2016`. Seeded, so the file is reproducible:

    python scripts/sample_period.py > src/xephang/data/mau-thanhhoa-2016/so-lieu.csv
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

from xephang.framework import load_framework
from xephang.numbers import from_fixed

ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "src/xephang/data/thanhhoa-2020/ket-qua.csv"


def value(inp, rng, row, strength):
    if inp.type == "yesno":
        return "có" if rng.random() < 0.55 + 0.4 * strength else "không"
    if inp.type == "choice":
        return inp.options[0 if rng.random() < strength else rng.randrange(len(inp.options))].label
    if inp.type == "ratio":
        return f"{min(1, 0.5 + 0.5 * strength + rng.uniform(-0.1, 0.1)):.2f}"
    hi = from_fixed(inp.max) if inp.max is not None else None
    if inp.at_most:
        whole = int(row[inp.at_most])
        return str(min(whole, round(whole * (0.6 + 0.4 * strength) + rng.randint(-2, 2))) if whole else 0)
    if inp.type == "points":
        return f"{float(hi or 10) * (0.5 + 0.5 * strength):.2f}"
    if inp.type == "number":
        return f"{rng.uniform(20, 500):.1f}"
    top = int(hi) if hi is not None else 12
    return str(max(0, min(top, round(top * strength * rng.uniform(0.5, 1.1)))))


# Plausible sizes of the "whole" figures (ranges of a department or district); parts are drawn below.
WHOLES = {
    "so_cbccvc": (40, 250), "so_van_ban_di": (800, 6000), "so_van_ban_den": (2000, 12000),
    "so_xa": (9, 43), "so_tthc": (40, 220), "so_ho_so_muc_3_4": (100, 20000), "so_cbcc_xa": (180, 900),
}
NO_PUBLIC_SERVICES = {"Thanh tra tỉnh"}
# Deductions are the exception, not the rule.
RARE = {"so_bao_cao_cham": 0.25, "so_bao_cao_khong_gui": 0.08, "co_su_co_khong_bao_cao": 0.05}


def main() -> None:
    fw = load_framework("thanhhoa-2016")
    rng = random.Random(2021)
    with UNITS.open(encoding="utf-8") as f:
        units = [(r["group"], r["unit"]) for r in csv.DictReader(f)]
    # Wholes first, so that parts (at_most) can be drawn below them.
    inputs = sorted(fw.inputs.values(), key=lambda i: i.at_most is not None)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["khối", "đơn vị", *[i.id for i in fw.inputs.values()]])
    for group, name in units:
        strength = rng.uniform(0.3, 0.95)
        needed = {i.id for i in fw.inputs_for(group)}
        row: dict[str, str] = {}
        for inp in inputs:
            if inp.id in WHOLES:
                lo, hi = WHOLES[inp.id]
                row[inp.id] = str(rng.randint(lo, hi))
            elif inp.id == "so_may_tinh":
                row[inp.id] = str(int(row["so_cbccvc"]) + rng.randint(-5, 15))
            elif inp.id in RARE:
                hit = rng.random() < RARE[inp.id]
                row[inp.id] = ("có" if hit else "không") if inp.type == "yesno" else str(rng.randint(1, 2) if hit else 0)
            else:
                row[inp.id] = value(inp, rng, row, strength)
        if name in NO_PUBLIC_SERVICES:  # shows the "not applicable" rescaling in the sample
            for c in fw.all_criteria():
                if c.may_be_not_applicable:
                    for iid in c.inputs():
                        row[iid] = "không áp dụng"
        out.writerow([group, name, *[row[i.id] if i.id in needed else "" for i in fw.inputs.values()]])


if __name__ == "__main__":
    main()
