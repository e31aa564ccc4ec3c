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
    notes: list[str] = field(default_factory=list)  # findings that are not tampering (orphan files)
    orphans: list[str] = field(default_factory=list)

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
    for check in STATE_CHECKS:
        check(rep)
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


# ---------------------------------------------------------------------------------------------
# verify: the state the public relies on, beyond the hashes. Each check is its own function that
# appends to the report; ``verify`` runs them after the chain and the snapshots' hashes.


def utc_ms(dt) -> str:
    """A time to the millisecond (what every database and Django's serialiser keep), in UTC."""
    return _utc(dt)[:23] + "Z" if dt is not None else ""


def _snapshot_entries() -> dict:
    """(period id, version) -> the audit entry that recorded the snapshot's creation or publication."""
    from .models import AuditEntry

    out = {}
    for e in AuditEntry._base_manager.filter(action__in=("snapshot.create", "snapshot.publish")).order_by("id"):
        try:
            out[(e.period_id, int(str(e.subject).rsplit(" ", 1)[-1]))] = e
        except ValueError:
            continue
    return out


def check_snapshot_records(rep: Report) -> None:
    """Each snapshot's published flag, reason and creation time as its audit entry recorded them (a
    snapshot flipped to published by SQL, a rewritten reason or date)."""
    from .models import Snapshot

    entries = _snapshot_entries()
    for s in Snapshot._base_manager.order_by("period_id", "version"):
        e = entries.get((s.period_id, s.version))
        if e is None:
            continue  # reported by verify's hash check
        where = f"kết quả chốt id={s.id} (kỳ {s.period_id}, phiên bản {s.version})"
        after = e.after if isinstance(e.after, dict) else {}
        published = e.action == "snapshot.publish" or bool(after.get("published"))
        if s.published != published:
            rep.problems.append(f"{where}: cờ công bố là {'có' if s.published else 'không'} nhưng nhật ký (dòng id={e.id}) "
                                f"ghi {'đã công bố' if published else 'chưa công bố'} — trạng thái công bố đã bị sửa.")
        if (s.reason or "") != (e.reason or ""):
            rep.problems.append(f"{where}: lý do khác với lý do đã ghi trong nhật ký (dòng id={e.id}) — đã bị sửa.")
        if after.get("created_at") and after["created_at"] != utc_ms(s.created_at):
            rep.problems.append(f"{where}: thời điểm tạo {utc_ms(s.created_at)} khác với nhật ký ({after['created_at']}) — đã bị sửa.")


def check_publication(rep: Report) -> None:
    """A period in the published state holds a published snapshot (the flag of each snapshot is
    checked against the trail by ``check_snapshot_records``; a period published once stays public
    while a correction round reopens it)."""
    from .models import Period, Status

    for p in Period.objects.filter(status=Status.PUBLISHED).order_by("id"):
        if not p.snapshots.filter(published=True).exists():
            rep.problems.append(f"kỳ id={p.id} ('{p.name}'): trạng thái 'đã công bố' nhưng không có kết quả nào được công bố.")


def check_status_history(rep: Report) -> None:
    """A period's status is where its recorded transitions lead, each starting where the one before
    it ended; a period with no recorded transition is still a draft or open."""
    from .models import AuditEntry, Period, Status

    moves: dict[int, list] = {}
    for e in AuditEntry._base_manager.filter(action="period.transition").order_by("id"):
        moves.setdefault(e.period_id, []).append(e)
    for p in Period.objects.order_by("id"):
        where = f"kỳ id={p.id} ('{p.name}')"
        history = moves.get(p.id, [])
        for prev, e in zip(history, history[1:]):
            if (e.before or {}).get("status") != (prev.after or {}).get("status"):
                rep.problems.append(f"{where}: lần chuyển giai đoạn ở dòng nhật ký id={e.id} không bắt đầu từ giai đoạn "
                                    f"mà dòng id={prev.id} đã chuyển tới.")
        expected = (history[-1].after or {}).get("status") if history else None
        if expected is not None and p.status != expected:
            rep.problems.append(f"{where}: trạng thái '{p.status}' khác với lần chuyển cuối trong nhật ký ('{expected}', "
                                f"dòng id={history[-1].id}) — trạng thái đã bị sửa.")
        elif expected is None and p.status not in (Status.DRAFT, Status.OPEN):
            rep.problems.append(f"{where}: trạng thái '{p.status}' mà nhật ký không ghi lần chuyển giai đoạn nào.")


def check_published_figures(rep: Report) -> None:
    """The figures of a frozen or published period still give its latest snapshot: the core's scores,
    levels and ranks unchanged (a report's figure edited in the database after the results were
    frozen). The period's own row (criteria set, units…) is ``frozen.verify_frozen_rows``'s."""
    from .models import Period, Status
    from .publication import build_payload
    from .scoring import score_period

    recorded = {k: (e.after or {}).get("sha256") for k, e in _snapshot_entries().items()}
    for p in Period.objects.filter(status__in=(Status.FINAL, Status.PUBLISHED)).select_related("framework").order_by("id"):
        s = p.latest_snapshot()
        if s is None or sha256_text(s.payload) != s.sha256 or recorded.get((p.id, s.version)) != s.sha256:
            continue  # no trusted snapshot to compare with: reported by the hash checks
        data = s.data
        if data.get("framework", {}).get("sha256") != p.framework.sha256:
            continue  # a switched criteria set: reported by verify_frozen_rows
        ps = score_period(p, "appraised")
        now = build_payload(p, ps) if ps.ranking is not None else {"groups": []}

        def figures(d):
            return {u["unit_id"]: (u.get("total"), u.get("rank"), u.get("level_id"),
                                   [(c["id"], c["points"]) for c in u.get("criteria", [])])
                    for g in d["groups"] for u in g["units"]}

        then, current = figures(data), figures(now)
        changed = sorted(uid for uid in then.keys() | current.keys() if then.get(uid) != current.get(uid))
        if changed:
            rep.problems.append(f"kỳ id={p.id} ('{p.name}', phiên bản {s.version}): số liệu hiện tại không còn cho kết quả "
                                f"đã chốt (đơn vị id {', '.join(map(str, changed[:10]))}{'…' if len(changed) > 10 else ''})"
                                " — số liệu đã bị sửa sau khi chốt.")


def check_admin_edits(rep: Report) -> None:
    """Every change made in the admin site has its row in the audit chain (``admin.AuditedAdmin``):
    an admin log entry without one is a change that bypassed the trail. Checked from the first
    audited admin change on (earlier installations had none)."""
    from django.contrib.admin.models import LogEntry

    from .models import AuditEntry

    logged = set()
    for after in AuditEntry._base_manager.filter(action__startswith="admin.").values_list("after", flat=True):
        if isinstance(after, dict) and isinstance(after.get("admin_log"), int):
            logged.add(after["admin_log"])
    if not logged:
        return
    for le in LogEntry.objects.filter(pk__gte=min(logged)).exclude(pk__in=logged).select_related("content_type").order_by("pk"):
        rep.problems.append(f"trang quản trị, nhật ký id={le.pk} ({le.content_type.app_label}.{le.content_type.model} "
                            f"'{le.object_repr}', {_utc(le.action_time)}): thay đổi không có dòng trong nhật ký có chuỗi băm.")


def check_media(rep: Report) -> None:
    """Every evidence row has its file; files no row refers to (an upload cut off by a crash) are
    noted, and removed by ``xephang verify --xoa-tep-thua``."""
    from .models import Evidence

    stored = set(_media_files())
    referenced = set(Evidence.objects.values_list("file", flat=True))
    for name in sorted(referenced - stored):
        rep.problems.append(f"tệp minh chứng '{name}' không còn trong thư mục lưu trữ.")
    rep.orphans = sorted(stored - referenced)
    for name in rep.orphans:
        rep.notes.append(f"tệp '{name}' không thuộc tài liệu kiểm chứng nào (tải lên bị ngắt giữa chừng).")


def _media_files():
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for p in root.rglob("*"):
        if p.is_file() and not p.is_symlink():
            yield p.relative_to(root).as_posix()


def remove_orphans(names, older_than_seconds: int = 3600) -> list[str]:
    """Delete the orphan files (from ``check_media``) not touched for an hour (an upload in progress
    is left alone); returns those removed."""
    import time
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.MEDIA_ROOT).resolve()
    removed = []
    for name in names:
        p = (root / name).resolve()
        if root not in p.parents or not p.is_file():
            continue
        if time.time() - p.stat().st_mtime >= older_than_seconds:
            p.unlink()
            removed.append(name)
    return removed


#: Run by ``verify`` after the chain and the snapshots' hashes, in this order.
STATE_CHECKS = (check_snapshot_records, check_publication, check_status_history, check_published_figures,
                check_admin_edits, check_media)
