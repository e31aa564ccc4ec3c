"""Integrity of what the province publishes: frozen snapshots that no path can alter, an audit trail
that is append-only and hash-chained, and ``verify`` that checks both and names every tampered row.

The chain: each audit entry stores ``prev_hash`` (the hash of the entry before it, by id; "0"*64 for
the first) and ``hash`` = SHA-256 of ``prev_hash`` and the entry's canonical JSON (``entry_hash``, the
only place it is computed). ``prev_hash`` is unique, so two writers can never fork the chain.
Altering, inserting or deleting a row by SQL breaks the chain at that row; the snapshots' own SHA-256
and the one their audit entry recorded catch a snapshot rewritten together with its hash.

Guards (each raises ``ImmutableError``): model save/delete (signals, so ``loaddata`` and cascades are
covered), queryset ``update``/``delete`` (the default managers), the admin (read-only). The database
itself is trusted to the server's administrators; ``verify`` is what catches them.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models.signals import pre_delete, pre_save
from django.utils import timezone

GENESIS = "0" * 64


class ImmutableError(ValidationError):
    pass


SNAPSHOT_IMMUTABLE = "Kết quả đã chốt/công bố không được sửa hay xóa; hãy tạo phiên bản đính chính kèm lý do."
AUDIT_APPEND_ONLY = "Nhật ký thay đổi chỉ được ghi thêm, không được sửa hay xóa."


class SnapshotQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError(SNAPSHOT_IMMUTABLE)

    def delete(self):
        raise ImmutableError(SNAPSHOT_IMMUTABLE)


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError(AUDIT_APPEND_ONLY)

    def delete(self):
        raise ImmutableError(AUDIT_APPEND_ONLY)


# ---------------------------------------------------------------------------------------------
# The hash of one audit entry


def _utc(dt) -> str:
    if dt is None:
        return ""
    if timezone.is_naive(dt):
        dt = timezone.make_aware(dt, timezone.get_default_timezone())
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_content(e) -> dict:
    """What the hash covers: every field a reader relies on. The user is covered by name (kept even
    if the account is deleted later); ids of period and unit as stored."""
    return {
        "at": _utc(e.at), "user": e.user_name, "action": e.action, "period": e.period_id, "unit": e.unit_id,
        "subject": e.subject, "before": e.before, "after": e.after, "reason": e.reason,
    }


def canonical_json(obj) -> str:
    """The exact text that is hashed (audit rows, snapshots): keys sorted, no spaces, UTF-8 letters kept."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_hash(prev_hash: str, e) -> str:
    return sha256_text(prev_hash + "\n" + canonical_json(entry_content(e)))


def _lock_chain() -> None:
    # PostgreSQL: one writer extends the chain at a time (released at commit). SQLite serialises
    # writers itself; the unique prev_hash is the last line of defence on both.
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("SELECT pg_advisory_xact_lock(7318005)")


def chain_new_entry(entry) -> None:
    """Fill ``user_name``, ``prev_hash`` and ``hash`` of an entry about to be inserted."""
    from .models import AuditEntry

    if entry.user_id and not entry.user_name:
        entry.user_name = entry.user.get_username()
    if entry.at is None:
        entry.at = timezone.now()
    # Milliseconds: what every database and Django's JSON serialiser keep, so the hash survives them.
    entry.at = entry.at.replace(microsecond=entry.at.microsecond // 1000 * 1000)
    _lock_chain()
    last = AuditEntry._base_manager.order_by("-id").values_list("hash", flat=True).first()
    entry.prev_hash = last or GENESIS
    entry.hash = entry_hash(entry.prev_hash, entry)


def append(**fields):
    """Create one audit entry, chained (the one way entries are written)."""
    from .models import AuditEntry

    with transaction.atomic():
        entry = AuditEntry(**fields)
        entry.save()
    return entry


# ---------------------------------------------------------------------------------------------
# Guards


def _changes_stored_row(model, instance, raw: bool) -> bool:
    """True if saving would overwrite an existing row. A raw save (loaddata, Django's test database
    reload) that writes back exactly the stored values changes nothing and is let through."""
    if instance.pk is None:
        return False
    stored = model._base_manager.filter(pk=instance.pk).first()
    if stored is None:
        return False
    if not raw:
        return True
    return any(getattr(stored, f) != getattr(instance, f) for f in IMMUTABLE_FIELDS[model.__name__])


#: What a raw save must leave as it is (other fields, e.g. dates, lose precision in Django's JSON
#: serialisation; the audit entry's hash covers its content, the snapshot's sha256 its payload).
IMMUTABLE_FIELDS = {
    "Snapshot": ("payload", "sha256", "version", "period_id", "published", "reason"),
    "AuditEntry": ("hash", "prev_hash", "action", "subject", "reason", "before", "after", "user_name"),
}


def _on_snapshot_save(sender, instance, raw=False, **kwargs):
    if _changes_stored_row(sender, instance, raw):
        raise ImmutableError(SNAPSHOT_IMMUTABLE)


def _on_audit_save(sender, instance, raw=False, **kwargs):
    if _changes_stored_row(sender, instance, raw):
        raise ImmutableError(AUDIT_APPEND_ONLY)
    if instance.pk is not None and raw:
        return
    if not raw:  # a fixture or a restore brings its own chain, which verify checks
        chain_new_entry(instance)


def _refuse_snapshot_delete(sender, instance, **kwargs):
    raise ImmutableError(SNAPSHOT_IMMUTABLE)


def _refuse_audit_delete(sender, instance, **kwargs):
    raise ImmutableError(AUDIT_APPEND_ONLY)


def connect() -> None:
    """Called from the app's ``ready``... or at import of ``models`` (idempotent)."""
    from .models import AuditEntry, Snapshot

    pre_save.connect(_on_snapshot_save, sender=Snapshot, dispatch_uid="xephang-snapshot-save")
    pre_delete.connect(_refuse_snapshot_delete, sender=Snapshot, dispatch_uid="xephang-snapshot-delete")
    pre_save.connect(_on_audit_save, sender=AuditEntry, dispatch_uid="xephang-audit-save")
    pre_delete.connect(_refuse_audit_delete, sender=AuditEntry, dispatch_uid="xephang-audit-delete")


# ---------------------------------------------------------------------------------------------
# verify


@dataclass
class Report:
    entries: int = 0
    snapshots: int = 0
    head: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify() -> Report:
    """Check the audit chain row by row and every snapshot's hash; name each row that fails."""
    from django.contrib.auth import get_user_model

    from .models import AuditEntry, Snapshot

    rep = Report()
    prev = GENESIS
    users = dict(get_user_model()._base_manager.values_list("pk", get_user_model().USERNAME_FIELD))
    recorded: dict[tuple[int, str], set[str]] = {}
    for e in AuditEntry._base_manager.order_by("id").iterator(chunk_size=2000):
        rep.entries += 1
        where = f"nhật ký, dòng id={e.id} ({e.action}, {_utc(e.at)})"
        if e.prev_hash != prev:
            rep.problems.append(f"{where}: chuỗi băm bị đứt — dòng trước nó đã bị xóa, chèn hoặc sửa "
                                f"(prev_hash {e.prev_hash[:12]}…, cần {prev[:12]}…).")
        if entry_hash(e.prev_hash, e) != e.hash:
            rep.problems.append(f"{where}: nội dung không khớp mã băm — dòng này đã bị sửa.")
        if e.user_id is not None and users.get(e.user_id) != e.user_name:
            rep.problems.append(f"{where}: người thực hiện (user_id={e.user_id}) không khớp tên đã ghi '{e.user_name}'.")
        if e.action in ("snapshot.create", "snapshot.publish") and isinstance(e.after, dict) and e.after.get("sha256"):
            try:
                version = int(str(e.subject).rsplit(" ", 1)[-1])
            except ValueError:
                version = -1
            recorded.setdefault((e.period_id, version), set()).add(e.after["sha256"])
        prev = e.hash
    rep.head = prev
    for s in Snapshot._base_manager.order_by("period_id", "version").iterator():
        rep.snapshots += 1
        where = f"kết quả chốt id={s.id} (kỳ {s.period_id}, phiên bản {s.version})"
        actual = sha256_text(s.payload)
        if actual != s.sha256:
            rep.problems.append(f"{where}: nội dung không khớp SHA-256 đã lưu — đã bị sửa.")
        seen = recorded.get((s.period_id, s.version))
        if seen is not None and s.sha256 not in seen:
            rep.problems.append(f"{where}: SHA-256 khác với mã đã ghi trong nhật ký khi chốt — kết quả và mã đã bị thay.")
        elif seen is None:
            rep.problems.append(f"{where}: không có dòng nhật ký ghi việc chốt/công bố phiên bản này.")
        if actual == s.sha256:
            rep.problems.extend(f"{where}: {p}" for p in snapshot_units_problems(s))
    from .frozen import verify_frozen_rows

    verify_frozen_rows(rep.problems)
    return rep


def snapshot_units_problems(snap) -> list[str]:
    """The per-unit rows (``SnapshotUnit``) that pages and exports read must equal the snapshot's
    payload, unit by unit: a row changed, added or removed in the database is named."""
    from .models import SnapshotUnit, unit_rows

    want = {r.unit_id: (r.group, r.order, r.criteria) for r in unit_rows(snap)}
    have = {r.unit_id: (r.group, r.order, r.criteria)
            for r in SnapshotUnit._base_manager.filter(snapshot_id=snap.pk).iterator(chunk_size=500)}
    problems = []
    for unit_id in sorted(set(want) | set(have)):
        if unit_id not in have:
            problems.append(f"thiếu dòng điểm của đơn vị id={unit_id} (đã bị xóa).")
        elif unit_id not in want:
            problems.append(f"dòng điểm của đơn vị id={unit_id} không có trong kết quả đã chốt (đã bị chèn).")
        elif have[unit_id] != want[unit_id]:
            problems.append(f"dòng điểm của đơn vị id={unit_id} khác với kết quả đã chốt (đã bị sửa).")
    return problems
