"""Working on a national-scale period in memory (12,000 units × 150 criteria) at the speed of its data."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a period is read, scored and ranked: a national-scale
    file makes hundreds of thousands of rows, tuples and values, none of them in a cycle, and the
    collector would walk them again and again as they pile up (a tenth of the reading time). It
    runs again afterwards, as before (a pause inside a pause leaves it to the outer one)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
