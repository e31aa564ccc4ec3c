"""Robustness benchmark: 1,000 Monte Carlo draws of a 47-unit period (Thanh Hóa's 20 departments and
27 districts, synthetic seeded inputs scored with thanhhoa-2016). Target: well under 10 s.

Prints the seconds of scoring + ranking (exact engine) and of the draws (best of 3), e.g.
``robustness: 1000 draws x 47 units: 0.05 s``; with ``--inputs 0.05`` also the slower variant that
perturbs every input and re-scores each draw with the exact engine. ``--chart PNG`` draws the rank
intervals.

    python benchmarks/robustness.py [--draws 1000] [--seed 1] [--inputs 0.05] [--chart rb.png]
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from pathlib import Path

from xephang.analysis import rank_robustness
from xephang.framework import load_framework
from xephang.numbers import SCALE
from xephang.period import PeriodData, UnitEntry
from xephang.ranking import rank
from xephang.scoring import score

PUBLISHED = Path(__file__).resolve().parents[1] / "src/xephang/data/thanhhoa-2020/ket-qua.csv"


def synthetic_period(fw, rng: random.Random) -> PeriodData:
    """The 47 units of the 2020 decision with plausible random figures for every input."""
    with PUBLISHED.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    keys = list(rows[0])
    units = [UnitEntry(r[keys[1]], fw.group(r[keys[0]]).id, row=i + 2) for i, r in enumerate(rows)]
    direct_max = {}
    for c in fw.all_criteria():
        if c.rule is not None and c.rule.type == "direct":
            direct_max[c.rule.inputs()[0]] = c.max
    values = {iid: [None] * len(units) for iid in fw.inputs}
    for k, u in enumerate(units):
        row = {}
        for inp in fw.inputs_for(u.group):
            if inp.type == "yesno":
                row[inp.id] = rng.random() < 0.8
            elif inp.type == "choice":
                row[inp.id] = rng.choice(inp.options).id
            elif inp.type == "ratio":
                row[inp.id] = rng.randint(60, 100) * SCALE // 100
            elif inp.type == "points":
                row[inp.id] = rng.randint(50, 100) * direct_max.get(inp.id, 10 * SCALE) // 100
            else:
                hi = (inp.max // SCALE) if inp.max is not None else 400
                row[inp.id] = rng.randint(max(1, hi // 3), max(1, hi)) * SCALE
        for inp in fw.inputs_for(u.group):  # parts at most their whole, mostly close to it
            if inp.at_most and inp.at_most in row:
                whole = row[inp.at_most]
                row[inp.id] = whole * rng.randint(70, 100) // 100 // SCALE * SCALE
        for iid, v in row.items():
            values[iid][k] = v
    return PeriodData("synthetic-47.csv", "inputs", units, values)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--inputs", type=float, default=0.0, help="also time input perturbation (relative)")
    ap.add_argument("--chart")
    args = ap.parse_args()
    fw = load_framework("thanhhoa-2016")
    data = synthetic_period(fw, random.Random(args.seed))
    t0 = time.perf_counter()
    ranking = rank(score(fw, data))
    t_exact = time.perf_counter() - t0
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        result = rank_robustness(ranking, draws=args.draws, seed=args.seed)
        best = min(best, time.perf_counter() - t0)
    fragile = sum(u.fragile for u in result.units())
    print(f"exact scoring and ranking: {t_exact:.3f} s")
    print(f"robustness: {args.draws} draws x {len(data.units)} units: {best:.3f} s ({fragile} fragile levels)")
    if args.inputs:
        t0 = time.perf_counter()
        rank_robustness(ranking, draws=args.draws, seed=args.seed, input_uncertainty=args.inputs)
        print(f"robustness with inputs ±{args.inputs:g}: {args.draws} draws: {time.perf_counter() - t0:.3f} s")
    if args.chart:
        from xephang.analysis.charts import robustness_chart

        robustness_chart(result, args.chart)
        print(f"chart: {args.chart}")


if __name__ == "__main__":
    main()
