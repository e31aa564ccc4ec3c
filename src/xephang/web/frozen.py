"""Frozen means frozen: from the moment a period's results are frozen (final) and for ever once they
have been published, what the published pages and documents print cannot change under them.

- A frozen period's name, year, criteria set, kind, tie rule, sample mark, decision metadata and
  list of units are refused by every write path (the guards live with the models they guard, in
  ``models``): ``Period.save``/``delete``, queryset ``update``, changes to its units (``m2m_changed``),
  the criteria set's text (``Framework.save``) and the admin (read-only there). Each refusal
  (``models.refuse_frozen``) raises ``FrozenError`` with a Vietnamese message and is written to
  the audit trail (``frozen.refused``) with the acting user when a request set one. (Django sends the
  units' ``m2m_changed`` inside its own atomic block, so that refusal's entry lives or dies with the
  caller's transaction; the admin and the views refuse before reaching it, and audit for good.)
- Every snapshot records these fields (``record``); ``integrity.verify_frozen_rows`` compares the live rows
  with the latest snapshot of each frozen period and names each row and field that differs (a
  change made in the database itself, past every guard).

A period reopened before its first publication (a report returned to its unit) is no longer frozen:
nothing of it has been published, and the next freeze records it again.
"""

from __future__ import annotations

import contextvars

from django.core.exceptions import ValidationError

#: The fields the published pages and documents print (``record`` below).
FROZEN_FIELDS = {
    "name": "tên kỳ",
    "year": "năm",
    "framework_id": "bộ tiêu chí",
    "kind": "loại kỳ",
    "ties": "quy tắc đồng điểm",
    "sample": "dữ liệu mẫu",
    "meta": "thông tin quyết định",
}
FROZEN_MESSAGE = (
    "Kỳ '{name}' đã chốt kết quả: không được sửa {what}. Kết quả đã chốt chỉ thay đổi bằng một "
    "vòng đính chính (mở lại thẩm định các đơn vị, kèm lý do) trên trang của kỳ."
)

#: The user acting in the current request (set by ``permissions.allow`` and the admin), for the audit.
acting_user: contextvars.ContextVar = contextvars.ContextVar("xephang_acting_user", default=None)


class FrozenError(ValidationError):
    pass


def is_frozen(period) -> bool:
    """Frozen into a snapshot (final) or published once (a correction round after publication keeps it
    frozen)."""
    if period is None or period.pk is None:
        return False
    if period.status in ("final", "published") and period.snapshots.exists():
        return True
    return period.snapshots.filter(published=True).exists()


def changed_fields(stored, period, update_fields=None) -> dict[str, str]:
    """The frozen fields ``period`` would change in its ``stored`` row (only those among
    ``update_fields`` when a save names them): field -> its label."""
    changed = {f: label for f, label in FROZEN_FIELDS.items() if getattr(stored, f) != getattr(period, f)}
    if update_fields is not None:
        changed = {
            f: label for f, label in changed.items() if f in update_fields or f.removesuffix("_id") in update_fields
        }
    return changed


def touched_fields(kwargs: dict) -> list[str]:
    """The frozen fields a queryset ``update(**kwargs)`` writes."""
    return [f for f in FROZEN_FIELDS if f in kwargs or f.removesuffix("_id") in kwargs]


def plain(value):
    """A value as the audit entry of a refusal records it (JSON-ready)."""
    return value if isinstance(value, (str, int, float, bool, dict, list, type(None))) else str(value)


# ---------------------------------------------------------------------------------------------
# What a snapshot records, and verify


def record(period) -> dict:
    """The period's row as the snapshot freezes it (compared by ``verify_frozen_rows``)."""
    return {
        "name": period.name,
        "year": period.year,
        "framework": period.framework.code,
        "framework_sha256": period.framework.sha256,
        "kind": period.kind,
        "ties": period.ties,
        "sample": period.sample,
        "meta": period.meta,
        "units": sorted(period.units.values_list("pk", flat=True)),
    }


RECORD_LABELS = {
    **{k.removesuffix("_id"): v for k, v in FROZEN_FIELDS.items()},
    "framework_sha256": "nội dung bộ tiêu chí (SHA-256)",
    "units": "danh sách đơn vị tham gia",
}
