"""Write the embedded SAMPLE period: plausible made-up inputs for the 47 Thanh Hóa units.

Not real data: it exists so that `xephang explain`, the documents and the tests have a full inputs
period against `thanhhoa-2016`. Made by the one sample generator (``xephang.sample``), seeded, so the
file is reproducible:

    python scripts/sample_period.py > src/xephang/data/mau-thanhhoa-2016/so-lieu.csv
"""

from __future__ import annotations

import sys

from xephang.framework import load_framework
from xephang.sample import sample_units, write_csv

# Plausible sizes of the "whole" figures (ranges of a department or district); parts are drawn below.
WHOLES = {
    "so_cbccvc": (40, 250), "so_may_tinh": (40, 260), "so_van_ban_di": (800, 6000),
    "so_van_ban_den": (2000, 12000), "so_xa": (9, 43), "so_tthc": (40, 220), "so_ho_so_muc_3_4": (100, 20000),
    "so_cbcc_xa": (180, 900),
}
#: A unit without public services of its own: shows the "not applicable" rescaling in the sample.
NO_PUBLIC_SERVICES = ["Thanh tra tỉnh"]


def main() -> None:
    fw = load_framework("thanhhoa-2016")
    made = sample_units(fw, seed=2021, sizes=WHOLES, not_applicable=NO_PUBLIC_SERVICES)
    write_csv(fw, made, sys.stdout)


if __name__ == "__main__":
    main()
