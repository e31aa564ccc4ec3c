"""The web application's in-process caches, in one place: what each holds, its key, and why it never
serves stale data. Every cache is bounded (least recently used out first) and thread-safe (gunicorn's
threads share them); none needs invalidation, because each key holds everything its value depends on,
or names an immutable row, or the database's revision of what changed (``ScoringRevision``, drawn anew
by triggers on every change, whichever process or statement made it; ``ReportRevision``, the same for
one report). No key holds an object's ``id()``: a criteria set is named by ``framework_key`` (its id, the SHA-256 of its text, draft or not).

======================  ====================================================  ================================
cache                   key                                                   why it cannot go stale
======================  ====================================================  ================================
``FRAMEWORKS``          (criteria set code, its YAML text)                    the text is the whole input
``SNAPSHOT_SUMMARIES``  (snapshot id, its SHA-256)                            snapshots are immutable
``SNAPSHOT_RANKINGS``   (snapshot id, its SHA-256, criteria set SHA-256)      both inputs are in the key
``CHECKED_FIGURES``     (criteria set, group, figures as typed, criteria      the whole input is the key
                        not applicable)
``PERIOD_SCORES``       (period id, its ``ScoringRevision`` (of reports;      the revisions change with every
                        appraised: and of appraisal), stage, only submitted   report, unit and group (and
                        or not, kind, name, tie rule, parameters, criteria    adjustment, explanation); the
                        set)                                                  rest is read with the period
``PERIOD_READINGS``     ``PERIOD_SCORES``' key without the revision (the      a starting point, never served:
                        latest reading of every report, each with its         every report's revision is read
                        ``ReportRevision``)                                   again, the changed ones' figures
                                                                              too; a report added, removed or
                                                                              moved is seen by its id
``LIVE_SCORES``         (``PERIOD_SCORES``' key, the unit, its unsaved        as ``PERIOD_SCORES``; the form is
                        figures and criteria not applicable)                  in the key
``APPRAISAL_PROGRESS``  (period id, both ``ScoringRevision`` numbers,         the revisions change with every
                        criteria set)                                         report and adjustment
``DATA_CHECKS``         (``PERIOD_SCORES``' key of the period checked and     the scored periods' keys and the
                        of last year's, the evidence listed)                  evidence read on each request
``REPORT_SKELETONS``   (criteria set, group, editable or not)                the whole input is the key
======================  ====================================================  ================================
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

    def get(self, key: Hashable | None, compute: Callable[[], Any]) -> Any:
        """``key`` None: nothing identifies the content (a criteria set built in code), computed each time."""
        if key is None:
            return compute()
        with self._lock:
            try:
                return self._cache[key]
            except KeyError:
                pass
        value = compute()
        with self._lock:
            self._cache[key] = value
        return value

    def peek(self, key: Hashable | None) -> Any:
        """The value stored under ``key``, or None."""
        if key is None:
            return None
        with self._lock:
            return self._cache.get(key)

    def put(self, key: Hashable | None, value: Any) -> None:
        """Store ``value`` under ``key`` (in place of any value there); ``key`` None: nothing stored."""
        if key is None:
            return
        with self._lock:
            self._cache[key] = value

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

#: Each unit's figures checked as the core's reader checks a cell (``scoring.check_values``): a period
#: read in full (a worker's first reading, units added or moved) checks every unit's saved figures
#: again, and only the changed units' miss.
CHECKED_FIGURES = Memo("checked figures", 20000)

#: Scored and ranked periods (``scoring.score_period``): reading every report of a national period is
#: a second; its revision, one indexed row. Values are shared: nothing may modify a cached
#: ``ScoredPeriod`` or ``Ranking``.
PERIOD_SCORES = Memo("scored periods", 32)

#: The latest reading of each period's reports (``scoring._read_saved``): every report with its
#: ``ReportRevision``, what scoring made of it, and the scores. Never served as it is: a new revision of
#: the period starts from it, reads every report's revision again, and reads and checks again only the
#: reports whose revision changed (a national period's reports are read in a second, one changed
#: report in milliseconds).
PERIOD_READINGS = Memo("latest readings of periods", 32)

#: The live self-score (one unit's unsaved form among the others' saved figures), apart so that forms
#: being typed, seldom scored twice, do not push the saved periods out. It serves the form's page opened
#: again on the same saved figures (often: several reporters of one unit).
LIVE_SCORES = Memo("live self-scores", 32)

#: The data-quality checks of a period (``analysis.run_checks``) with its findings by unit: an
#: appraiser's page checks the whole period once per change, not once per page.
DATA_CHECKS = Memo("data-quality checks", 16)

#: A period's counts of reports and appraised criteria, with each submitted unit's progress
#: (``workflow.progress``): the period page, the dashboard and the appraisal list show them.
APPRAISAL_PROGRESS = Memo("appraisal progress", 32)


#: The report form's sections rendered without any unit's figures (``report_form``): the criteria
#: set's wording, labels and answers are rendered once, each request fills in the unit's figures.
REPORT_SKELETONS = Memo("report form skeletons", 64)


def framework_key(fw) -> tuple | None:
    """What names a criteria set's content in a key: (id, SHA-256 of its text, draft or not); None for a
    set built in code (no text), which is then never cached."""
    sha = getattr(fw, "sha256", "")
    return (fw.id, sha, fw.draft) if sha else None
