"""Frozen means frozen: from the moment a period's results are frozen (final) and for ever once they
have been published, what the published pages and documents print cannot change under them.

- A frozen period's name, year, criteria set, kind, tie rule, sample mark, decision metadata and
  list of units are refused by every write path: ``Period.save``/``delete``, queryset ``update``,
  changes to its units (``m2m_changed``), the criteria set's text (``Framework.save``) and the admin
  (read-only there). Each refusal raises ``FrozenError`` with a Vietnamese message and is written to
  the audit trail (``frozen.refused``) with the acting user when a request set one. (Django sends the
  units' ``m2m_changed`` inside its own atomic block, so that refusal's entry lives or dies with the
  caller's transaction; the admin and the views refuse before reaching it, and audit for good.)
- Every snapshot records these fields (``record``); ``verify_frozen_rows`` compares the live rows
  with the latest snapshot of each frozen period and names each row and field that differs (a
  change made in the database itself, past every guard).

A period reopened before its first publication (a report returned to its unit) is no longer frozen:
nothing of it has been published, and the next freeze records it again.
"""

from __future__ import annotations

import contextvars

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import m2m_changed

#: The fields the published pages and documents print (``record`` below).
FROZEN_FIELDS = {
    "name": "tên kỳ", "year": "năm", "framework_id": "bộ tiêu chí", "kind": "loại kỳ", "ties": "quy tắc đồng điểm",
    "sample": "dữ liệu mẫu", "meta": "thông tin quyết định",
}
FROZEN_MESSAGE = ("Kỳ '{name}' đã chốt kết quả: không được sửa {what}. Kết quả đã chốt chỉ thay đổi bằng một "
                  "vòng đính chính (mở lại thẩm định các đơn vị, kèm lý do) trên trang của kỳ.")

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


def refuse(period, what: str, attempted=None):
    """Audit the attempt and raise ``FrozenError``."""
    from .models import audit

    message = FROZEN_MESSAGE.format(name=period.name, what=what)
    audit(acting_user.get(), "frozen.refused", period=period, subject=what, after=attempted, reason=message)
    raise FrozenError(message)


def _stored(period):
    from .models import Period

    return Period._base_manager.filter(pk=period.pk).first() if period.pk else None


class FrozenGuardedPeriod:
    """Mixed into ``Period``: save and delete check the stored row first."""

    def save(self, *args, **kwargs):
        stored = _stored(self)
        if stored is not None and is_frozen(stored):
            changed = {f: label for f, label in FROZEN_FIELDS.items() if getattr(stored, f) != getattr(self, f)}
            fields = kwargs.get("update_fields")
            if fields is not None:
                changed = {f: label for f, label in changed.items() if f in fields or f.removesuffix("_id") in fields}
            if changed:
                refuse(stored, ", ".join(changed.values()),
                       {f.removesuffix("_id"): _plain(getattr(self, f)) for f in changed})
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        stored = _stored(self)
        if stored is not None and is_frozen(stored):
            refuse(stored, "(xóa kỳ)")
        return super().delete(*args, **kwargs)


def _plain(value):
    return value if isinstance(value, (str, int, float, bool, dict, list, type(None))) else str(value)


class PeriodQuerySet(models.QuerySet):
    def update(self, **kwargs):
        touched = [f for f in FROZEN_FIELDS if f in kwargs or f.removesuffix("_id") in kwargs]
        if touched:
            for period in self:
                if is_frozen(period):
                    refuse(period, ", ".join(FROZEN_FIELDS[f] for f in touched),
                           {k: _plain(v) for k, v in kwargs.items()})
        return super().update(**kwargs)

    def delete(self):
        for period in self:
            if is_frozen(period):
                refuse(period, "(xóa kỳ)")
        return super().delete()


def guard_framework_save(framework) -> None:
    """The criteria set of a frozen period keeps its text (its SHA-256 is in the snapshot)."""
    from .models import Framework, Period

    if framework.pk is None:
        return
    stored = Framework.objects.filter(pk=framework.pk).values_list("yaml_text", flat=True).first()
    if stored is None or stored == framework.yaml_text:
        return
    for period in Period.objects.filter(framework_id=framework.pk):
        if is_frozen(period):
            refuse(period, f"bộ tiêu chí '{framework.code}'", {"framework": framework.code})


def _on_units_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    from .models import Period

    if not reverse:
        if is_frozen(instance):
            refuse(instance, "danh sách đơn vị tham gia", {"action": action, "units": sorted(pk_set or [])})
        return
    periods = Period.objects.filter(pk__in=pk_set) if pk_set is not None else instance.periods.all()
    for period in periods:
        if is_frozen(period):
            refuse(period, "danh sách đơn vị tham gia", {"action": action, "unit": instance.pk})


def connect() -> None:
    from .models import Period

    m2m_changed.connect(_on_units_changed, sender=Period.units.through, dispatch_uid="xephang-frozen-units")


# ---------------------------------------------------------------------------------------------
# What a snapshot records, and verify


def record(period) -> dict:
    """The period's row as the snapshot freezes it (compared by ``verify_frozen_rows``)."""
    return {
        "name": period.name, "year": period.year, "framework": period.framework.code,
        "framework_sha256": period.framework.sha256, "kind": period.kind, "ties": period.ties,
        "sample": period.sample, "meta": period.meta,
        "units": sorted(period.units.values_list("pk", flat=True)),
    }


RECORD_LABELS = {**{k.removesuffix("_id"): v for k, v in FROZEN_FIELDS.items()},
                 "framework_sha256": "nội dung bộ tiêu chí (SHA-256)", "units": "danh sách đơn vị tham gia"}


def verify_frozen_rows(problems: list[str]) -> int:
    """Compare each frozen period's row with what its latest snapshot recorded; append one problem
    per changed field, naming the row. Returns the number of periods checked."""
    import json

    from .integrity import canonical_json
    from .models import Period

    checked = 0
    for period in Period._base_manager.select_related("framework").order_by("pk"):
        if not is_frozen(period):
            continue
        snap = period.snapshots.order_by("-version").first()
        if snap is None:
            continue
        frozen = json.loads(snap.payload).get("record")
        if frozen is None:
            continue  # a snapshot from before records were kept
        checked += 1
        now = record(period)
        for key, label in RECORD_LABELS.items():
            if canonical_json(now.get(key)) != canonical_json(frozen.get(key)):
                problems.append(
                    f"kỳ id={period.pk} ('{period.name}'): {label} đã bị sửa sau khi chốt (phiên bản {snap.version}): "
                    f"{_short(frozen.get(key))} → {_short(now.get(key))}."
                )
    return checked


def _short(value) -> str:
    from .integrity import canonical_json

    text = canonical_json(value)
    return text if len(text) <= 80 else text[:77] + "…"
