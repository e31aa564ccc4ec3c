"""Reading benchmark: ``xephang rank FILE`` end to end on a national-scale period file, beside its floor.

The engine benchmark's synthetic set (12,000 units in 3 groups × 150 criteria, 182 input columns,
seeded) is written as a CSV file and as an .xlsx workbook, with its criteria set as YAML. For each,
the command a user runs (``xephang rank FILE --framework bench.yaml``, a fresh process) is timed
(best of ``--runs``) and its peak memory taken (max RSS of the process), and printed beside
floor measured in the same run on the same file:

* CSV floor: Python's csv module reading every row, and ``Decimal`` of every number cell;
* XLSX floor: calamine reading the sheet's values.

Targets on the 2-core machine: CSV ≤ 5× its floor, XLSX ≤ 3× its floor, peak memory < 500 MB.
The last lines read ``csv: 2.4 s end to end, floor 0.5 s (4.7×, target ≤ 5×), 250 MB peak, ...``.

    python benchmarks/read.py [--units 12000] [--criteria 150] [--seed 1] [--runs 2]
                              [--src OTHER/src]   # time another checkout's reader (before/after)
                              [--files DIR]       # keep the generated files there, reuse them
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from engine import framework_doc, period  # noqa: E402  (the engine benchmark's seeded set)

from xephang.framework import parse_framework  # noqa: E402
from xephang.numbers import plain  # noqa: E402

#: The period parameters of the engine benchmark's set, given as a user would on the command line.
PARAMS = ["--param", "required_docs=4"]
NA_CRITERION = "c3"  # a yes/no criterion that may be 'không áp dụng'


def write_files(folder: Path, n_units: int, n_criteria: int, seed: int) -> tuple[Path, Path, Path]:
    rng = random.Random(seed)
    doc = framework_doc(n_criteria, rng)
    for c in doc["criteria"]:
        if c["id"] == NA_CRITERION:
            c["not_applicable"] = True
    fw_path = folder / "bench.yaml"
    fw_path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    fw = parse_framework(fw_path.read_text(encoding="utf-8"), "bench.yaml")
    data = period(fw, n_units, rng)
    na_input = fw.criterion(NA_CRITERION).inputs()[0]
    ids = list(fw.inputs)
    labels = {i: {o.id: o.label for o in inp.options} for i, inp in fw.inputs.items()}

    def cell(iid: str, k: int, typed: bool):
        if iid == na_input and k in data.not_applicable[NA_CRITERION]:
            return "KAD"
        v = data.values[iid][k]
        if isinstance(v, bool):
            return "có" if v else "không"
        if isinstance(v, str):
            return labels[iid][v]
        if isinstance(v, tuple):  # a list input: its items in one cell
            return "; ".join(v) or "không có"
        text = plain(v)
        if typed:
            return float(text) if "." in text else int(text)
        return text

    csv_path = folder / "quoc-gia.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["khối", "đơn vị", *ids])
        for k, u in enumerate(data.units):
            w.writerow([u.group, u.name, *(cell(i, k, False) for i in ids)])

    import openpyxl

    xlsx_path = folder / "quoc-gia.xlsx"
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Số liệu")
    ws.append(["khối", "đơn vị", *ids])
    for k, u in enumerate(data.units):
        ws.append([u.group, u.name, *(cell(i, k, True) for i in ids)])
    wb.save(xlsx_path)
    return fw_path, csv_path, xlsx_path


def csv_floor(path: Path) -> float:
    t = time.process_time()
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        next(rows)
        for row in rows:
            for c in row[2:]:
                if c[:1].isdigit():
                    Decimal(c)
    return time.process_time() - t


def xlsx_floor(path: Path) -> float:
    from python_calamine import CalamineWorkbook

    t = time.process_time()
    wb = CalamineWorkbook.from_path(str(path))
    wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    wb.close()
    return time.process_time() - t


def end_to_end(path: Path, fw_path: Path, runs: int, src: str | None) -> tuple[float, float, float]:
    """``xephang rank`` in a fresh process: best CPU seconds (user + system), best wall seconds,
    and peak RSS (MB)."""
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    code = (
        "import resource, sys; from xephang.cli import main; code = main(sys.argv[1:]); "
        "sys.stderr.write(f'\\nmaxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n'); sys.exit(code)"
    )
    cpu, wall, peak = float("inf"), float("inf"), 0.0
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", code, "rank", str(path), "--framework", str(fw_path), *PARAMS],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        wall = min(wall, time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            sys.exit(f"xephang rank {path.name} failed:\n{done.stderr}")
        cpu = min(cpu, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        peak = max(peak, int(done.stderr.rsplit("maxrss ", 1)[1]) / 1024)
    return cpu, wall, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=12000)
    ap.add_argument("--criteria", type=int, default=150)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--src", help="the src folder of another checkout, to time its reader instead")
    ap.add_argument("--files", help="a folder to keep the generated files in (reused when there)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        folder = Path(args.files or tmp) / f"{args.units}x{args.criteria}-{args.seed}"
        folder.mkdir(parents=True, exist_ok=True)
        if (folder / "quoc-gia.xlsx").exists():
            fw_path, csv_path, xlsx_path = folder / "bench.yaml", folder / "quoc-gia.csv", folder / "quoc-gia.xlsx"
        else:
            fw_path, csv_path, xlsx_path = write_files(folder, args.units, args.criteria, args.seed)
        columns = len(next(csv.reader(csv_path.open(encoding="utf-8")))) - 2
        print(
            f"{args.units} units × {columns} input columns ({args.criteria} criteria), seed {args.seed}: "
            f"CSV {csv_path.stat().st_size / 2**20:.1f} MB, XLSX {xlsx_path.stat().st_size / 2**20:.1f} MB "
            f"(written in {time.perf_counter() - t:.0f} s)"
        )
        lines = []
        for kind, path, floor, target in (("csv", csv_path, csv_floor, 5), ("xlsx", xlsx_path, xlsx_floor, 3)):
            base = min(floor(path) for _ in range(args.runs))
            total, wall, peak = end_to_end(path, fw_path, args.runs, args.src)
            ok = "ok" if total <= target * base and peak < 500 else "OVER TARGET"
            lines.append(
                f"{kind}: {total:.1f} s end to end, floor {base:.1f} s ({total / base:.1f}×, "
                f"target ≤ {target}×), {peak:.0f} MB peak, {wall:.1f} s wall [{ok}]"
            )
        print("\n".join(lines))


if __name__ == "__main__":
    main()
