"""Python's garbage collector in a server process that holds large caches.

A worker keeps scored periods, parsed criteria sets and published summaries in memory (``cache``,
``scoring``): at the country's size a few million long-lived objects. With the interpreter's default
thresholds (a young collection every 700 allocations) a request that builds thousands of model
instances starts hundreds of collections, and the oldest generation, walked in full, is collected
often enough that the collector took as long as the request's own work (measured with
``benchmarks/load_profile.py``: about 250 ms of a 3,334-unit report form). Collecting young objects
every ``XEPHANG_GC_THRESHOLD`` allocations (default 50,000) instead keeps the same memory bounded,
since a request's garbage is still freed by reference counting or by the next young collection,
and makes full collections about seventy times rarer. ``0`` leaves the interpreter's defaults.
"""

from __future__ import annotations

import gc
import os

DEFAULT_THRESHOLD = 50_000


def tune() -> tuple[int, int, int]:
    """Set the collector's thresholds from ``XEPHANG_GC_THRESHOLD``; freeze what is loaded so far (the
    modules, URL patterns, settings: never garbage) out of every later collection. Returns the
    thresholds in force."""
    threshold = int(os.environ.get("XEPHANG_GC_THRESHOLD", str(DEFAULT_THRESHOLD)) or 0)
    if threshold > 0:
        gc.set_threshold(threshold, 20, 20)
        gc.freeze()
    return gc.get_threshold()
