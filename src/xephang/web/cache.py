"""The web application's in-process caches, in one place: what each holds, its key, and why it never
serves stale data. Every cache is bounded (least recently used out first) and thread-safe (gunicorn's
threads share them); none needs invalidation, because each key holds everything its value depends on,
or names an immutable row.

=====================  ===============================================  ==========================
cache                  key                                              why it cannot go stale
=====================  ===============================================  ==========================
``FRAMEWORKS``         (criteria set code, its YAML text)               the text is the whole input
``SNAPSHOT_SUMMARIES`` (snapshot id, its SHA-256)                       snapshots are immutable
``SNAPSHOT_RANKINGS``  (snapshot id, its SHA-256, criteria set SHA-256)  both inputs are in the key
=====================  ===============================================  ==========================

The scored periods and the data-quality checks keep their own content-keyed caches (``scoring``,
``analysis``), documented where their keys are built.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

from cachetools import LRUCache

_ALL: list[Memo] = []


class Memo:
    """A bounded, thread-safe memo: ``get(key, compute)`` returns the value stored under ``key``, or
    stores and returns ``compute()``. Two threads may compute the same value at once; both results are
    equal, and the second one stored wins. Values are shared: callers must not modify them."""

    def __init__(self, name: str, maxsize: int):
        self.name = name
        self._cache: LRUCache = LRUCache(maxsize=maxsize)
        self._lock = threading.Lock()
        _ALL.append(self)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            try:
                return self._cache[key]
            except KeyError:
                pass
        value = compute()
        with self._lock:
            self._cache[key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def __len__(self) -> int:
        return len(self._cache)


def clear_all() -> None:
    """Empty every cache (tests that measure a cold start)."""
    for memo in _ALL:
        memo.clear()


#: Parsed criteria sets: a set is immutable once built, so each text is parsed once per process.
FRAMEWORKS = Memo("criteria sets", 16)

#: What the list pages show of a frozen result: the snapshot's content without every unit's criteria
#: rows (those are read one unit at a time from ``SnapshotUnit``). A national result's payload is tens
#: of MB of JSON; its summary a few hundred KB.
SNAPSHOT_SUMMARIES = Memo("snapshot summaries", 32)

#: The core's ranking rebuilt from a snapshot's own figures (documents, scorecards, the road to the
#: next level of a published result): scoring a national result again on every download is seconds.
SNAPSHOT_RANKINGS = Memo("rankings rebuilt from snapshots", 8)
