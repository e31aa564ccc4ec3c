"""A seeded, plausible period with every unit's inputs, for previews, benchmarks and tests.

The 2020 Thanh Hóa data is published as totals only, so the scorecards and the report's per-criterion
charts have nothing to show for it. This builds inputs for the same 47 units under any criteria set:
random but within each input's bounds (parts never exceed their whole), and better on average for
units that ranked higher in 2020, so the result looks like a real year. Not real data: documents made
from it say so in their source line.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from ..framework.model import Framework
from ..numbers import SCALE, to_fixed
from ..period import PeriodData, UnitEntry

PUBLISHED = Path(__file__).resolve().parents[1] / "data" / "thanhhoa-2020" / "ket-qua.csv"


def published_units() -> list[tuple[str, str]]:
    """(group id, unit name) of the 47 units of the 2020 decision, in its order."""
    with PUBLISHED.open(encoding="utf-8") as f:
        return [(row["group"], row["unit"]) for row in csv.DictReader(f)]


def sample_period(fw: Framework, units: list[tuple[str, str]] | None = None, seed: int = 2020) -> PeriodData:
    rng = random.Random(seed)
    units = units or published_units()
    entries = [UnitEntry(name, group, row=k + 2) for k, (group, name) in enumerate(units)]
    values: dict[str, list] = {i: [None] * len(units) for i in fw.inputs}
    for k, (group, _) in enumerate(units):
        quality = 1.12 - 0.4 * k / max(1, len(units) - 1) + rng.uniform(-0.06, 0.04)
        quality = min(0.97, max(0.3, quality))
        row: dict = {}
        for inp in fw.inputs_for(group):
            row[inp.id] = _value(inp, quality, rng, row)
        for iid, v in row.items():
            values[iid][k] = v
    for iid, col in values.items():  # inputs of the other group only: a neutral filler, never read
        inp = fw.inputs[iid]
        for k, v in enumerate(col):
            if v is None:
                col[k] = False if inp.type == "yesno" else (inp.options[0].id if inp.type == "choice" else 0)
    return PeriodData(source="dữ liệu mẫu (giả lập, không phải số liệu thật)", kind="inputs", units=entries, values=values)


def _value(inp, quality: float, rng: random.Random, row: dict):
    good = rng.random() < quality
    if inp.type == "yesno":
        return good
    if inp.type == "choice":
        options = [o.id for o in inp.options]
        return options[0] if good else rng.choice(options)
    if inp.type == "ratio":
        r = min(1.0, max(0.0, quality + rng.uniform(-0.15, 0.1)))
        return to_fixed(f"{r:.2f}")
    lo = (inp.min or 0) // SCALE
    hi = (inp.max // SCALE) if inp.max is not None else None
    if inp.at_most and inp.at_most in row:
        whole = row[inp.at_most] // SCALE
        return to_fixed(int(whole * min(1.0, quality + rng.uniform(-0.1, 0.05))))
    if inp.type == "points":
        top = hi if hi is not None else 10
        return to_fixed(f"{top * quality:.2f}")
    if inp.unit in ("người", "máy") or inp.type == "count":
        top = hi if hi is not None else (rng.randint(40, 400) if inp.unit in ("người", "máy") else 6)
        v = rng.randint(int(top * quality * 0.6), max(int(top * quality * 0.6), int(top * quality)))
        if "chậm" in inp.label or "sự cố" in inp.label or "Không gửi" in inp.label:
            v = 0 if good else 1  # deductions are rare
        return to_fixed(max(lo, v if hi is None else min(v, hi)))
    top = hi if hi is not None else 200
    return to_fixed(f"{max(lo, top * quality * rng.uniform(0.4, 1.0)):.1f}")
