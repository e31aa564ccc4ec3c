"""Engine benchmark: a synthetic national-scale period, scored, levelled and ranked.

12,000 units in 3 groups x 150 criteria mixing every rule type, with expressions in the mix (a
formula with a period parameter, tiers over a derived value, a condition, a list input) (seeded). Prints the seconds (best of
3 runs) and the peak memory that scoring and ranking allocate (tracemalloc, a separate run), ending
with a line ``engine: 0.84 s, 310 MB peak``. Target on the 2-core machine: under 1 s, under 500 MB.

    python benchmarks/engine.py [--units 12000] [--criteria 150] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import time
import tracemalloc

import yaml

from xephang.framework import parse_framework
from xephang.numbers import SCALE, to_fixed
from xephang.period import PeriodData, UnitEntry
from xephang.ranking import rank
from xephang.scoring import score

GROUPS = ["so_ban_nganh", "huyen_thi_xa_thanh_pho", "xa_phuong"]
KINDS = [
    "ratio",
    "ratio_value",
    "relative",
    "yesno",
    "tiers",
    "choice",
    "count",
    "direct",
    "sum",
    "best",
    "formula",
    "derived_tiers",
    "when",
    "list",
]


def framework(n_criteria: int, rng: random.Random):
    """n criteria of 1 point each... except the last ones, so every group adds up to 100."""
    return parse_framework(yaml.safe_dump(framework_doc(n_criteria, rng), allow_unicode=True), "bench.yaml")


def framework_doc(n_criteria: int, rng: random.Random) -> dict:
    """The criteria set as its YAML document (for the benchmarks that load it from a file)."""
    inputs = [{"id": "staff", "label": "Tổng số cán bộ", "type": "count"}]
    criteria = []
    maxima = [round(100 / n_criteria, 6)] * n_criteria
    maxima[-1] = round(100 - sum(maxima[:-1]), 6)
    for k in range(n_criteria):
        kind = KINDS[k % len(KINDS)]
        cid, m = f"c{k}", maxima[k]
        i = f"x{k}"
        if kind == "ratio":
            inputs.append({"id": i, "label": f"Chỉ tiêu {k}", "type": "count", "at_most": "staff"})
            c = {"rule": {"type": "ratio", "numerator": i, "denominator": "staff"}}
        elif kind == "ratio_value":
            inputs.append({"id": i, "label": f"Chỉ tiêu {k}", "type": "ratio"})
            c = {"rule": {"type": "ratio", "value": i}}
        elif kind == "relative":
            inputs.append({"id": i, "label": f"Chỉ tiêu {k}", "type": "number"})
            c = {"rule": {"type": "relative", "numerator": i, "denominator": "staff"}}
        elif kind == "yesno":
            inputs.append({"id": i, "label": f"Chỉ tiêu {k}", "type": "yesno"})
            c = {"rule": {"type": "yesno", "input": i}}
        elif kind == "tiers":
            inputs.append({"id": i, "label": f"Chỉ tiêu {k}", "type": "count"})
            c = {
                "rule": {
                    "type": "tiers",
                    "input": i,
                    "tiers": [{"min": 4, "points": m}, {"min": 2, "points": round(m / 2, 6)}],
                }
            }
        elif kind == "choice":
            inputs.append(
                {
                    "id": i,
                    "label": f"Chỉ tiêu {k}",
                    "type": "choice",
                    "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}, {"id": "c", "label": "C"}],
                }
            )
            c = {"rule": {"type": "choice", "input": i, "points": {"a": m, "b": round(m / 2, 6), "c": 0}}}
        elif kind == "count":
            inputs.append({"id": i, "label": f"Chỉ tiêu {k}", "type": "count"})
            c = {"rule": {"type": "count", "input": i, "per": round(m / 5, 6)}}
        elif kind == "formula":  # "Tỷ lệ = a/b; Điểm = Tỷ lệ*Điểm tối đa" against a parameter b
            inputs.append({"id": i, "label": f"Chỉ tiêu {k}", "type": "count"})
            c = {"rule": {"type": "formula", "points": f"min({i} / required_docs, 1) * max"}}
        elif kind == "derived_tiers":  # tiers over a derived value (a weighted conversion per staff)
            inputs += [
                {"id": f"{i}_a", "label": f"Chỉ tiêu {k}a", "type": "number"},
                {"id": f"{i}_b", "label": f"Chỉ tiêu {k}b", "type": "number"},
                {"id": f"{i}_d", "label": f"Giá trị {k}", "value": f"({i}_a + {i}_b * 0.5) / staff"},
            ]
            c = {
                "rule": {
                    "type": "tiers",
                    "input": f"{i}_d",
                    "tiers": [{"min": 100, "points": "max"}, {"min": 20, "points": "max / 2"}],
                }
            }
        elif kind == "when":  # counts only if another figure holds
            inputs += [
                {"id": i, "label": f"Chỉ tiêu {k}", "type": "yesno"},
                {"id": f"{i}_c", "label": f"Điều kiện {k}", "type": "count"},
            ]
            c = {"when": f"{i}_c >= 2 and staff > 30", "rule": {"type": "yesno", "input": i}}
        elif kind == "list":
            inputs.append({"id": i, "label": f"Danh sách {k}", "type": "list"})
            c = {"rule": {"type": "count", "input": i, "per": round(m / 5, 6), "cap": m}}
        elif kind == "direct":
            inputs.append({"id": i, "label": f"Chỉ tiêu {k}", "type": "points"})
            c = {"rule": {"type": "direct", "input": i}}
        else:  # a node of two sub-items, summed or the best of two cases
            subs = []
            for s in range(2):
                inputs.append({"id": f"{i}_{s}", "label": f"Chỉ tiêu {k}.{s}", "type": "ratio"})
                half = round(m / 2, 6) if kind == "sum" else m
                if kind == "sum" and s == 1:
                    half = round(m - half, 6)
                subs.append(
                    {
                        "id": f"{cid}_{s}",
                        "title": f"Tiêu chí {k}.{s}",
                        "max": half,
                        "rule": {"type": "ratio", "value": f"{i}_{s}"},
                    }
                )
            c = {"criteria": subs, "aggregate": kind}
        criteria.append({"id": cid, "title": f"Tiêu chí {k}", "max": m, **c})
    criteria.append(
        {
            "id": "tru_diem",
            "title": "Trừ điểm",
            "max": 5,
            "deduction": True,
            "inputs": [{"id": "late", "label": "Báo cáo muộn", "type": "count"}],
            "rule": {"type": "count", "input": "late", "per": 1},
        }
    )
    doc = {
        "id": "bench",
        "title": "Bộ tiêu chí đo hiệu năng",
        "scale": 100,
        "groups": [{"id": g, "name": g} for g in GROUPS],
        "levels": [
            {"id": "tot", "name": "Tốt", "min": 85, "max": 100},
            {"id": "kha", "name": "Khá", "min": 70, "below": 85},
            {"id": "tb", "name": "Trung bình", "min": 50, "below": 70},
            {"id": "yeu", "name": "Yếu", "min": 0, "below": 50},
        ],
        "inputs": inputs,
        "criteria": criteria,
        "params": [{"id": "required_docs", "label": "Số văn bản theo yêu cầu của tỉnh", "type": "count", "min": 1}],
    }
    return doc


def period(fw, n_units: int, rng: random.Random) -> PeriodData:
    units = [UnitEntry(name=f"Đơn vị {k}", group=GROUPS[k % len(GROUPS)], row=k + 2) for k in range(n_units)]
    staff = [rng.randint(20, 400) for _ in range(n_units)]
    values = {"staff": [s * SCALE for s in staff]}
    for inp in fw.inputs.values():
        if inp.id == "staff":
            continue
        if inp.type == "ratio":
            col = [to_fixed(f"{rng.randint(0, 1000) / 1000:.3f}") for _ in units]
        elif inp.at_most == "staff":
            col = [rng.randint(0, s) * SCALE for s in staff]
        elif inp.type == "yesno":
            col = [rng.random() < 0.7 for _ in units]
        elif inp.type == "choice":
            col = [rng.choice("abc") for _ in units]
        elif inp.type == "list":
            col = [tuple(f"Ứng dụng {j}" for j in range(rng.randint(0, 7))) for _ in units]
        elif inp.type == "points":
            col = [to_fixed(f"{rng.randint(0, 100) / 100:.2f}") for _ in units]
        elif inp.type == "number":
            col = [to_fixed(f"{rng.randint(0, 100000) / 10:.1f}") for _ in units]
        else:
            col = [rng.randint(0, 6) * SCALE for _ in units]
        values[inp.id] = col
    na = {"c3": set(range(0, n_units, 97))}  # a few units for which a criterion does not apply
    return PeriodData(
        source="bench", kind="inputs", units=units, values=values, not_applicable=na, params={"required_docs": 4}
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=12000)
    ap.add_argument("--criteria", type=int, default=150)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    fw = framework(args.criteria, rng)
    fw.criterion("c3").may_be_not_applicable = True
    data = period(fw, args.units, rng)
    leaves = sum(1 for c in fw.all_criteria() if c.is_leaf)
    exprs = len(fw.derived) + sum(
        1 for c in fw.all_criteria() if c.when is not None or c.rule and c.rule.type == "formula"
    )
    print(
        f"{args.units} units, {len(fw.groups)} groups, {len(fw.criteria)} criteria ({leaves} leaves, "
        f"{exprs} expressions), seed {args.seed}"
    )

    times = []
    for _ in range(3):
        t = time.perf_counter()
        ranking = rank(score(fw, data))
        times.append(time.perf_counter() - t)
    counts = {lv.name: sum(1 for u in ranking.units() if u.level is lv) for lv in fw.levels}
    print("levels:", ", ".join(f"{k} {v}" for k, v in counts.items()))
    print("runs (s):", ", ".join(f"{x:.3f}" for x in times))

    tracemalloc.start()
    ranking = rank(score(fw, data))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"engine: {min(times):.2f} s, {peak / 2**20:.0f} MB peak")


if __name__ == "__main__":
    main()
