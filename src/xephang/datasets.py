"""Periods that ship with xephang (``data/<name>/period.yaml``), usable by name on the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .period import load_yaml

DATA_DIR = Path(__file__).parent / "data"


@dataclass
class PeriodFile:
    """A period file and the metadata that goes with it (framework, tie rule, decision fields)."""

    path: Path
    framework: str | None = None
    ties: str | tuple[str, ...] | None = None
    meta: dict = field(default_factory=dict)


def embedded() -> list[str]:
    return sorted(p.parent.name for p in DATA_DIR.glob("*/period.yaml"))


def resolve(name_or_path: str) -> PeriodFile:
    """A path as given, or an embedded period by name (``thanhhoa-2020``)."""
    p = Path(name_or_path)
    if p.exists() or name_or_path not in embedded():
        return PeriodFile(p)
    folder = DATA_DIR / name_or_path
    meta = load_yaml((folder / "period.yaml").read_text(encoding="utf-8")) or {}
    ties = meta.get("ties")
    if isinstance(ties, list):
        ties = tuple(ties)
    return PeriodFile(folder / meta["data"], meta.get("framework"), ties, meta)
