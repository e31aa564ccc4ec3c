"""Write a SAMPLE period file (CSV) with the one sample generator (``xephang.sample``): plausible made-up
inputs for any criteria set, the 47 Thanh Hóa units of 2020 or any number of units per group.

    python scripts/sample_period.py [--framework thanhhoa-2016] [--seed 2021] [--per-group N] > so-lieu.csv

Seeded: the same options write the same file. Not real data: a period made from it must say
``sample: true``. The embedded ``mau-thanhhoa-2016/so-lieu.csv`` was written by the generator this
script used before and is kept as it is: the command line's pinned outputs (tests/data/cli-output) and
the document previews are made from it.
"""

from __future__ import annotations

import argparse
import sys

from xephang.framework import load_framework
from xephang.sample import published_units, sample_units, write_csv

# Plausible sizes of the "whole" figures of thanhhoa-2016 (ranges of a department or district); parts
# are drawn below them.
WHOLES = {
    "so_cbccvc": (40, 250),
    "so_may_tinh": (40, 260),
    "so_van_ban_di": (800, 6000),
    "so_van_ban_den": (2000, 12000),
    "so_xa": (9, 43),
    "so_tthc": (40, 220),
    "so_ho_so_muc_3_4": (100, 20000),
    "so_cbcc_xa": (180, 900),
}
#: A unit without public services of its own: shows the "not applicable" rescaling in the sample.
NO_PUBLIC_SERVICES = ["Thanh tra tỉnh"]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--framework", default="thanhhoa-2016")
    ap.add_argument("--seed", type=int, default=2021)
    ap.add_argument("--per-group", type=int, help="this many made-up units in each group (default: the 47 of 2020)")
    args = ap.parse_args(argv)
    fw = load_framework(args.framework)
    if args.per_group:
        units = [(g.id, f"{g.name} — đơn vị mẫu {k + 1}") for g in fw.groups for k in range(args.per_group)]
    else:
        known = {g.id for g in fw.groups}
        units = [(g, name) for g, name in published_units() if g in known]
    made = sample_units(fw, units, seed=args.seed, sizes=WHOLES, not_applicable=NO_PUBLIC_SERVICES)
    write_csv(fw, made, sys.stdout)


if __name__ == "__main__":
    main()
