"""``verify``: checks the integrity of what the province publishes and names every tampered row: the
audit trail's hash chain and every snapshot's hash (``immutable``), each frozen period's row against
what its snapshot recorded (``frozen``), and the state the public relies on beyond the hashes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .frozen import RECORD_LABELS, is_frozen, record
from .immutable import GENESIS, canonical_json, canonical_json_fast, entry_hash, sha256_text, utc_ms, utc_text
from .models import AuditEntry, Evidence, Period, Snapshot, SnapshotSummary, SnapshotUnit, Status, summarise, unit_rows
from .publication import build_payload
from .scoring import score_period


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

    rep = Report()
    prev = GENESIS
    users = dict(get_user_model()._base_manager.values_list("pk", get_user_model().USERNAME_FIELD))
    recorded: dict[tuple[int, str], set[str]] = {}
    for e in AuditEntry._base_manager.order_by("id").iterator(chunk_size=2000):
        rep.entries += 1
        where = f"nhật ký, dòng id={e.id} ({e.action}, {utc_text(e.at)})"
        if e.prev_hash != prev:
            rep.problems.append(
                f"{where}: chuỗi băm bị đứt — dòng trước nó đã bị xóa, chèn hoặc sửa "
                f"(prev_hash {e.prev_hash[:12]}…, cần {prev[:12]}…)."
            )
        if entry_hash(e.prev_hash, e) != e.hash:
            rep.problems.append(f"{where}: nội dung không khớp mã băm — dòng này đã bị sửa.")
        if e.user_id is not None and users.get(e.user_id) != e.user_name:
            rep.problems.append(
                f"{where}: người thực hiện (user_id={e.user_id}) không khớp tên đã ghi '{e.user_name}'."
            )
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
            rep.problems.append(
                f"{where}: SHA-256 khác với mã đã ghi trong nhật ký khi chốt — kết quả và mã đã bị thay."
            )
        elif seen is None:
            rep.problems.append(f"{where}: không có dòng nhật ký ghi việc chốt/công bố phiên bản này.")
        if actual == s.sha256 and (seen is None or s.sha256 in seen):  # rows checked against a trusted payload
            rep.problems.extend(f"{where}: {p}" for p in snapshot_units_problems(s))
    verify_frozen_rows(rep.problems)
    for check in STATE_CHECKS:
        check(rep)
    return rep


def snapshot_units_problems(snap) -> list[str]:
    """The per-unit rows (``SnapshotUnit``) that pages and exports read must equal the snapshot's
    payload, unit by unit: a row changed, added or removed in the database is named; so must its
    summary (``SnapshotSummary``)."""
    snap.content = data = snap.data  # parsed once, for the units' rows and the summary
    want = {r.unit_id: (r.group, r.order, r.criteria) for r in unit_rows(snap)}
    have = {
        r.unit_id: (r.group, r.order, r.criteria)
        for r in SnapshotUnit._base_manager.filter(snapshot_id=snap.pk).iterator(chunk_size=500)
    }
    problems = []
    for unit_id in sorted(set(want) | set(have)):
        if unit_id not in have:
            problems.append(f"thiếu dòng điểm của đơn vị id={unit_id} (đã bị xóa).")
        elif unit_id not in want:
            problems.append(f"dòng điểm của đơn vị id={unit_id} không có trong kết quả đã chốt (đã bị chèn).")
        elif have[unit_id] != want[unit_id]:
            problems.append(f"dòng điểm của đơn vị id={unit_id} khác với kết quả đã chốt (đã bị sửa).")
    # The summary the list pages read; none for a snapshot restored from before summaries were kept
    # (the pages then read the payload itself).
    short = SnapshotSummary._base_manager.filter(snapshot_id=snap.pk).values_list("text", flat=True).first()
    if short is not None and short != canonical_json_fast(summarise(data)):
        problems.append("bản tóm tắt mà các trang danh sách đọc khác với kết quả đã chốt (đã bị sửa).")
    return problems


# ---------------------------------------------------------------------------------------------
# verify: a frozen period's own row


def verify_frozen_rows(problems: list[str]) -> int:
    """Compare each frozen period's row with what its latest snapshot recorded; append one problem
    per changed field, naming the row. Returns the number of periods checked."""
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
    text = canonical_json(value)
    return text if len(text) <= 80 else text[:77] + "…"


# ---------------------------------------------------------------------------------------------
# verify: the state the public relies on, beyond the hashes. Each check is its own function that
# appends to the report; ``verify`` runs them after the chain and the snapshots' hashes.


def _snapshot_entries() -> dict:
    """(period id, version) -> the audit entry that recorded the snapshot's creation or publication."""
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
    entries = _snapshot_entries()
    for s in Snapshot._base_manager.order_by("period_id", "version"):
        e = entries.get((s.period_id, s.version))
        if e is None:
            continue  # reported by verify's hash check
        where = f"kết quả chốt id={s.id} (kỳ {s.period_id}, phiên bản {s.version})"
        after = e.after if isinstance(e.after, dict) else {}
        published = e.action == "snapshot.publish" or bool(after.get("published"))
        if s.published != published:
            rep.problems.append(
                f"{where}: cờ công bố là {'có' if s.published else 'không'} nhưng nhật ký (dòng id={e.id}) "
                f"ghi {'đã công bố' if published else 'chưa công bố'} — trạng thái công bố đã bị sửa."
            )
        if (s.reason or "") != (e.reason or ""):
            rep.problems.append(f"{where}: lý do khác với lý do đã ghi trong nhật ký (dòng id={e.id}) — đã bị sửa.")
        if after.get("created_at") and after["created_at"] != utc_ms(s.created_at):
            rep.problems.append(
                f"{where}: thời điểm tạo {utc_ms(s.created_at)} khác với nhật ký ({after['created_at']}) — đã bị sửa."
            )


def check_publication(rep: Report) -> None:
    """A period in the published state holds a published snapshot (the flag of each snapshot is
    checked against the trail by ``check_snapshot_records``; a period published once stays public
    while a correction round reopens it)."""
    for p in Period.objects.filter(status=Status.PUBLISHED).order_by("id"):
        if not p.snapshots.filter(published=True).exists():
            rep.problems.append(
                f"kỳ id={p.id} ('{p.name}'): trạng thái 'đã công bố' nhưng không có kết quả nào được công bố."
            )


def check_status_history(rep: Report) -> None:
    """A period's status is where its recorded transitions lead, each starting where the one before
    it ended; a period with no recorded transition is still a draft or open."""
    moves: dict[int, list] = {}
    for e in AuditEntry._base_manager.filter(action="period.transition").order_by("id"):
        moves.setdefault(e.period_id, []).append(e)
    for p in Period.objects.order_by("id"):
        where = f"kỳ id={p.id} ('{p.name}')"
        history = moves.get(p.id, [])
        for prev, e in zip(history, history[1:]):
            if (e.before or {}).get("status") != (prev.after or {}).get("status"):
                rep.problems.append(
                    f"{where}: lần chuyển giai đoạn ở dòng nhật ký id={e.id} không bắt đầu từ giai đoạn "
                    f"mà dòng id={prev.id} đã chuyển tới."
                )
        expected = (history[-1].after or {}).get("status") if history else None
        if expected is not None and p.status != expected:
            rep.problems.append(
                f"{where}: trạng thái '{p.status}' khác với lần chuyển cuối trong nhật ký ('{expected}', "
                f"dòng id={history[-1].id}) — trạng thái đã bị sửa."
            )
        elif expected is None and p.status not in (Status.DRAFT, Status.OPEN):
            rep.problems.append(f"{where}: trạng thái '{p.status}' mà nhật ký không ghi lần chuyển giai đoạn nào.")


def check_published_figures(rep: Report) -> None:
    """The figures of a frozen or published period still give its latest snapshot: the core's scores,
    levels and ranks unchanged (a report's figure edited in the database after the results were
    frozen). The period's own row (criteria set, units…) is ``frozen.verify_frozen_rows``'s."""
    recorded = {k: (e.after or {}).get("sha256") for k, e in _snapshot_entries().items()}
    for p in (
        Period.objects.filter(status__in=(Status.FINAL, Status.PUBLISHED)).select_related("framework").order_by("id")
    ):
        s = p.latest_snapshot()
        if s is None or sha256_text(s.payload) != s.sha256 or recorded.get((p.id, s.version)) != s.sha256:
            continue  # no trusted snapshot to compare with: reported by the hash checks
        data = s.data
        if data.get("framework", {}).get("sha256") != p.framework.sha256:
            continue  # a switched criteria set: reported by verify_frozen_rows
        ps = score_period(p, "appraised")
        now = build_payload(p, ps) if ps.ranking is not None else {"groups": []}

        def figures(d):
            return {
                u["unit_id"]: (
                    u.get("total"),
                    u.get("rank"),
                    u.get("level_id"),
                    [(c["id"], c["points"]) for c in u.get("criteria", [])],
                )
                for g in d["groups"]
                for u in g["units"]
            }

        then, current = figures(data), figures(now)
        changed = sorted(uid for uid in then.keys() | current.keys() if then.get(uid) != current.get(uid))
        if changed:
            rep.problems.append(
                f"kỳ id={p.id} ('{p.name}', phiên bản {s.version}): số liệu hiện tại không còn cho kết quả "
                f"đã chốt (đơn vị id {', '.join(map(str, changed[:10]))}{'…' if len(changed) > 10 else ''})"
                " — số liệu đã bị sửa sau khi chốt."
            )


def check_admin_edits(rep: Report) -> None:
    """Every change made in the admin site has its row in the audit chain (``admin.AuditedAdmin``):
    an admin log entry without one is a change that bypassed the trail. Checked from the first
    audited admin change on (earlier installations had none)."""
    from django.contrib.admin.models import LogEntry

    logged = set()
    for after in AuditEntry._base_manager.filter(action__startswith="admin.").values_list("after", flat=True):
        if isinstance(after, dict) and isinstance(after.get("admin_log"), int):
            logged.add(after["admin_log"])
    if not logged:
        return
    for le in (
        LogEntry.objects.filter(pk__gte=min(logged))
        .exclude(pk__in=logged)
        .select_related("content_type")
        .order_by("pk")
    ):
        rep.problems.append(
            f"trang quản trị, nhật ký id={le.pk} ({le.content_type.app_label}.{le.content_type.model} "
            f"'{le.object_repr}', {utc_text(le.action_time)}): thay đổi không có dòng trong nhật ký có chuỗi băm."
        )


def check_media(rep: Report) -> None:
    """Every evidence row has its file; files no row refers to (an upload cut off by a crash) are
    noted, and removed by ``xephang verify --xoa-tep-thua``."""
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
STATE_CHECKS = (
    check_snapshot_records,
    check_publication,
    check_status_history,
    check_published_figures,
    check_admin_edits,
    check_media,
)
