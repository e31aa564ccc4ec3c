"""What no path may alter: frozen snapshots (immutable) and the audit trail (append-only and
hash-chained), with the hashes both are checked by. ``integrity.verify`` checks them and names every
tampered row.

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

import orjson
from django.core.exceptions import ValidationError
from django.db import connection, models
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


def utc_text(dt) -> str:
    """A moment in UTC to the microsecond, as the hash covers it ('' for none)."""
    if dt is None:
        return ""
    if timezone.is_naive(dt):
        dt = timezone.make_aware(dt, timezone.get_default_timezone())
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def utc_ms(dt) -> str:
    """A time to the millisecond (what every database and Django's serialiser keep), in UTC."""
    return utc_text(dt)[:23] + "Z" if dt is not None else ""


def entry_content(e) -> dict:
    """What the hash covers: every field a reader relies on. The user is covered by name (kept even
    if the account is deleted later); ids of period and unit as stored."""
    return {
        "at": utc_text(e.at),
        "user": e.user_name,
        "action": e.action,
        "period": e.period_id,
        "unit": e.unit_id,
        "subject": e.subject,
        "before": e.before,
        "after": e.after,
        "reason": e.reason,
    }


def canonical_json(obj) -> str:
    """The exact text that is hashed (audit rows, snapshots): keys sorted, no spaces, UTF-8 letters kept."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


#: The options that make orjson write what ``canonical_json`` writes: keys sorted, no spaces, UTF-8
#: letters kept; dates, dataclasses and subclasses go to ``default`` (``str``) as the standard
#: library's ``default=str`` does.
_CANONICAL = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def canonical_json_fast(obj) -> str:
    """``canonical_json`` of a large document (a snapshot's payload: tens of MB at national scale),
    written by orjson, about ten times faster. The same text for what a payload holds (strings, whole
    numbers, booleans, null, lists, objects with string keys; tests compare both on real payloads);
    what orjson cannot write as the standard library would (keys that are not strings, integers past
    64 bits) goes to ``canonical_json``. The hash covers the stored text, whichever wrote it."""
    try:
        return orjson.dumps(obj, option=_CANONICAL, default=str).decode()
    except TypeError:
        return canonical_json(obj)


def with_top_level(text: str, changes: dict, kept: tuple[str, str]) -> str | None:
    """The canonical JSON text of the object ``text`` (canonical itself) with its top-level keys set as
    ``changes`` says, the values of the keys from ``kept[0]`` up to ``kept[1]`` (excluded) copied as
    text, never parsed: publishing a national result changes a few small keys of a text of tens of MB.

    The two cuts are found without parsing what lies between them: ``,"kept[0]":`` and ``,"kept[1]":``
    can only be structure (a quote inside a string is escaped), and a cut is at the top level exactly
    when the text before it closes with one brace (or the text after it opens with one), which the small
    parts' own parsing checks. None when that does not hold (keys missing, a change falling between
    the cuts): the caller then parses the whole text."""
    start, end = f',"{kept[0]}":', f',"{kept[1]}":'
    if any(kept[0] <= k < kept[1] for k in changes):
        return None
    i = text.find(start)
    head = None
    while i != -1:
        try:
            head = orjson.loads(text[:i] + "}")
            break
        except orjson.JSONDecodeError:
            i = text.find(start, i + 1)
    j = text.rfind(end)
    tail = None
    while j > i != -1:
        try:
            tail = orjson.loads("{" + text[j + 1 :])
            break
        except orjson.JSONDecodeError:
            j = text.rfind(end, i, j)
    if not isinstance(head, dict) or not isinstance(tail, dict):
        return None
    for k, v in changes.items():
        (head if k < kept[0] else tail)[k] = v
    middle = text[i + 1 : j]  # '"kept[0]":…' up to the comma before kept[1]
    parts = [canonical_json_fast(head)[1:-1], middle, canonical_json_fast(tail)[1:-1]]
    return "{" + ",".join(p for p in parts if p) + "}"


def load_json(text: str):
    """A stored JSON text (a snapshot's payload) read back, by orjson: several times faster than the
    standard library on tens of MB, with the same result for what the payload holds."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)  # integers past 64 bits; or the standard library's own error


class FastJSONEncoder(json.JSONEncoder):
    """The encoder of a JSON field that holds large values (a snapshot unit's criteria rows): the
    field's text written by orjson (values it cannot write as the standard library does go to the
    standard library). Reading it back gives the same value."""

    def encode(self, o) -> str:
        try:
            return orjson.dumps(o, option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS).decode()
        except TypeError:
            return super().encode(o)  # what orjson does not write as the standard library would: its way


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
    if entry.user_id and not entry.user_name:
        entry.user_name = entry.user.get_username()
    if entry.at is None:
        entry.at = timezone.now()
    # Milliseconds: what every database and Django's JSON serialiser keep, so the hash survives them.
    entry.at = entry.at.replace(microsecond=entry.at.microsecond // 1000 * 1000)
    _lock_chain()
    last = type(entry)._base_manager.order_by("-id").values_list("hash", flat=True).first()
    entry.prev_hash = last or GENESIS
    entry.hash = entry_hash(entry.prev_hash, entry)


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


def connect(snapshot_model, audit_model) -> None:
    """Guard the two models' rows (called once ``models`` defines them; idempotent)."""
    pre_save.connect(_on_snapshot_save, sender=snapshot_model, dispatch_uid="xephang-snapshot-save")
    pre_delete.connect(_refuse_snapshot_delete, sender=snapshot_model, dispatch_uid="xephang-snapshot-delete")
    pre_save.connect(_on_audit_save, sender=audit_model, dispatch_uid="xephang-audit-save")
    pre_delete.connect(_refuse_audit_delete, sender=audit_model, dispatch_uid="xephang-audit-delete")
