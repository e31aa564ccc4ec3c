"""Made-up figures for any criteria set, seeded so that the same seed gives the same figures: the one
generator behind the web's demo periods and its generated province- and country-size periods
(``xephang_scale``), the embedded sample period ``mau-thanhhoa-2016`` (``scripts/sample_period.py``)
and the documents' and benchmarks' sample data.

Figures are written as a clerk types them (``"có"``, an option's label, ``"0,85"``, ``"120"``) and are
plausible: within each input's bounds, a part never above its whole, deductions rare. Everything made
from them is sample data and must say so (``sample: true``, ``Period.sample``, "(mẫu)").
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .display import yes_no
from .framework.model import Framework
from .numbers import SCALE
from .period import NOT_APPLICABLE, PeriodData

PUBLISHED = Path(__file__).resolve().parent / "data" / "thanhhoa-2020" / "ket-qua.csv"
#: Inputs counting deductions (late or missing reports, unreported incidents): mostly 0.
RARE_PREFIXES = ("so_bao_cao", "co_su_co")


def published_units() -> list[tuple[str, str]]:
    """(group id, unit name) of the 47 units of the 2020 Thanh Hóa decision, in its order."""
    with PUBLISHED.open(encoding="utf-8") as f:
        return [(row["group"], row["unit"]) for row in csv.DictReader(f)]


def sample_texts(
    fw: Framework,
    group: str,
    rng: random.Random,
    strength: float | None = None,
    sizes: Mapping[str, tuple[int, int]] | None = None,
) -> dict[str, str]:
    """Plausible figures for one unit of ``group``, as a clerk types them.

    ``strength`` (0 to 1) makes a stronger or weaker unit (more "có", higher ratios and counts); None is
    a typical unit. ``sizes`` gives the range of a figure that has no upper bound (the staff of a
    department: 40 to 250), which otherwise lies between 5 and 250."""
    values: dict[str, int] = {}
    texts: dict[str, str] = {}
    pending = list(fw.inputs_for(group))
    while pending:
        for inp in list(pending):
            if inp.at_most and inp.at_most not in values and any(p.id == inp.at_most for p in pending):
                continue  # the whole first, so that the part can be drawn below it
            pending.remove(inp)
            if inp.type == "yesno":
                # (A typical unit keeps the draws the demo periods were made with, deduction or not.)
                yes = 0.85 if strength is None else 0.05 if inp.id.startswith(RARE_PREFIXES) else 0.45 + 0.5 * strength
                texts[inp.id] = yes_no(rng.random() < yes)
            elif inp.type == "choice":
                # Mostly the first (best) option, as most units of a province have it.
                base = 2 if strength is None else 1 + 3 * strength
                weights = [base ** (len(inp.options) - k) for k in range(len(inp.options))]
                texts[inp.id] = rng.choices(inp.options, weights=weights)[0].label
            elif inp.type == "ratio":
                low = 60 if strength is None else int(30 + 60 * strength)
                texts[inp.id] = f"0,{rng.randint(low, 100):02d}".replace("0,100", "1")
            else:
                hi = inp.max // SCALE if inp.max is not None else None
                whole = values.get(inp.at_most) if inp.at_most else None
                share = 0.7 if strength is None else 0.4 + 0.55 * strength
                if whole is not None:
                    v = rng.randint(int(whole * share), whole)
                elif inp.id.startswith(RARE_PREFIXES):
                    v = rng.choice([0, 0, 0, 1])
                elif hi is not None:
                    v = rng.randint(max(0, hi // 2 if strength is None else int(hi * share)), hi)
                elif sizes and inp.id in sizes:
                    v = rng.randint(*sizes[inp.id])
                elif inp.type == "number":
                    v = rng.randint(20, 300)
                else:
                    v = rng.randint(5, 250)
                values[inp.id] = v
                texts[inp.id] = str(v)
    return texts


@dataclass
class SampleUnit:
    group: str
    name: str
    texts: dict[str, str]  # input id -> the figure as typed (or "không áp dụng")


def sample_units(
    fw: Framework,
    units: Iterable[tuple[str, str]] | None = None,
    seed: int = 2020,
    *,
    trend: bool = True,
    sizes: Mapping[str, tuple[int, int]] | None = None,
    not_applicable: Iterable[str] = (),
) -> list[SampleUnit]:
    """Figures for ``units`` ((group id, name); the 47 of 2020 by default). With ``trend`` the units
    listed first are stronger on average (the 2020 order: the result looks like a real year). The units
    named in ``not_applicable`` say "không áp dụng" to every criterion that allows it."""
    rng = random.Random(seed)
    units = list(units or published_units())
    skipped = set(not_applicable)
    na_inputs = {iid for c in fw.all_criteria() if c.may_be_not_applicable for iid in c.inputs()}
    made = []
    for k, (group, name) in enumerate(units):
        strength = None
        if trend:
            strength = min(0.95, max(0.1, 0.95 - 0.6 * k / max(1, len(units) - 1) + rng.uniform(-0.1, 0.1)))
        texts = sample_texts(fw, group, rng, strength, sizes)
        if name in skipped:
            texts.update({iid: NOT_APPLICABLE for iid in texts if iid in na_inputs})
        made.append(SampleUnit(group, name, texts))
    return made


def sample_period(
    fw: Framework, units: Iterable[tuple[str, str]] | None = None, seed: int = 2020, **options
) -> PeriodData:
    """``sample_units`` as a period: written as a period file and read back by the core's reader, so
    every figure and "không áp dụng" is checked and stored as from a unit's file."""
    import tempfile

    from .io.reader import read_period

    made = sample_units(fw, units, seed, **options)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "so-lieu-mau.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            write_csv(fw, made, f)
        data = read_period(path, fw)
    data.source = "dữ liệu mẫu (giả lập, không phải số liệu thật)"
    return data


def write_csv(fw: Framework, made: list[SampleUnit], out) -> None:
    """The period file of ``made``: the input ids as the header, a blank where a group does not report."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["khối", "đơn vị", *fw.inputs])
    for u in made:
        writer.writerow([u.group, u.name, *[u.texts.get(iid, "") for iid in fw.inputs]])
