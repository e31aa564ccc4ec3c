"""The main pipeline in one call: a period file (or a shipped period's name) -> scored and ranked period.

framework + period data -> ``score`` -> ``rank``, honouring what the period's own ``period.yaml`` says
(its criteria set, tie rule, parameters and units not ranked) unless the caller says otherwise. The
command line, the documents and the analyses all read a period this way, so "which framework, which
tie rule" is decided in one place.
"""

from __future__ import annotations

from pathlib import Path

from .bulk import collector_paused
from .datasets import PeriodFile, resolve
from .framework import load_framework
from .ranking import Ranking, rank
from .scoring import score

#: The criteria set used when neither the caller nor the period names one.
DEFAULT_FRAMEWORK = "thanhhoa-2016"

Ties = str | tuple[str, ...]


def rank_period(
    period: PeriodFile,
    framework: str | Path | None = None,
    ties: Ties | None = None,
    params: dict | None = None,
    sheet: str | None = None,
) -> Ranking:
    """Score and rank a period file; each argument given overrides what the period's metadata says.

    ``params`` are the period parameters' values as typed (id -> text), laid over the period's own
    ``params:``; ``sheet`` is the Excel sheet to read (default: the first sheet with data).
    """
    from .io import read_period  # here, not at the top: the Excel library loads only when a period is read

    fw = load_framework(framework or period.framework or DEFAULT_FRAMEWORK)
    with collector_paused():
        data = read_period(period.path, fw, sheet=sheet)
        data.params = {**(period.meta.get("params") or {}), **(params or {})}
        return rank(score(fw, data), ties if ties is not None else period.ties, period.not_ranked)


def load_period(
    source: str | Path,
    framework: str | Path | None = None,
    ties: Ties | None = None,
    params: dict | None = None,
    sheet: str | None = None,
) -> Ranking:
    """A period file's path, a ``period.yaml`` or a shipped period's name -> its ranking.

    Use ``resolve`` and ``rank_period`` when the period's metadata (decision fields, name) is needed too.
    """
    return rank_period(resolve(str(source)), framework, ties, params, sheet)


__all__ = ["DEFAULT_FRAMEWORK", "PeriodFile", "load_period", "rank_period", "resolve"]
