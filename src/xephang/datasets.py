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

    @property
    def not_ranked(self) -> dict[str, str]:
        """Units assessed but not ranked, with the reason: ``units: [{name, ranked: false, reason}]``."""
        from .errors import XephangError

        out = {}
        units = self.meta.get("units") or []
        if not isinstance(units, list):
            raise XephangError(f"{self.path.parent / 'period.yaml'}: units: cần một danh sách đơn vị")
        for k, entry in enumerate(units):
            if not isinstance(entry, dict) or "name" not in entry or set(entry) - {"name", "ranked", "reason"}:
                raise XephangError(
                    f"{self.path.parent / 'period.yaml'}: units[{k}]: cần {{name: ..., ranked: false, reason: ...}}"
                )
            if entry.get("ranked", True) is False:
                out[str(entry["name"])] = str(entry.get("reason") or "")
        return out


def embedded() -> list[str]:
    return sorted(p.parent.name for p in DATA_DIR.glob("*/period.yaml"))


def resolve(name_or_path: str) -> PeriodFile:
    """A path as given, or an embedded period by name (``thanhhoa-2020``)."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") and p.is_file():  # a period file of one's own: its data beside it
        folder, meta_file = p.parent, p
    elif p.exists() or name_or_path not in embedded():
        return PeriodFile(p)
    else:
        folder = DATA_DIR / name_or_path
        meta_file = folder / "period.yaml"
    meta = load_yaml(meta_file.read_text(encoding="utf-8")) or {}
    ties = meta.get("ties")
    if isinstance(ties, list):
        ties = tuple(ties)
    framework = meta.get("framework")
    if isinstance(framework, str) and framework.endswith((".yaml", ".yml")) and not Path(framework).is_absolute():
        # A criteria set of one's own named by path: beside the period file, as its data is.
        beside = folder / framework
        if beside.is_file():
            framework = str(beside)
    return PeriodFile(folder / meta["data"], framework, ties, meta)
