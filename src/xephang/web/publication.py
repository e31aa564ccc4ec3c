"""From appraisal to a published decision: completeness (units that did not report), freezing into a
snapshot that holds everything the pages and documents print, the draft for review, publication with
the signed decision's number and date, and corrections in the open (a report returned to its unit,
appraisal reopened for named units, a correction published as the next version).

The snapshot (``Snapshot.payload``, its SHA-256 covering all of it) holds: the period as it was
(``period``, ``record``), every unit and group as they were, the criteria set's hash, the figures
that were scored (``figures``: enough for the core to rebuild the ranking without the live rows),
totals, levels, ranks and criteria points (``groups``), the units that did not report and the rule
applied (``non_reporting``), the decision's metadata (``decision``), and once published its
``edition`` (1, 2, … as the public sees versions), reason and signed scan's hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from xephang.bulk import collector_paused
from xephang.documents.decision import Absent
from xephang.numbers import format_number, plain
from xephang.period import PeriodData, UnitEntry
from xephang.ranking import rank
from xephang.scoring.engine import score

from . import frozen
from .immutable import canonical_json_fast, sha256_text, utc_ms, with_top_level
from .models import (
    CorrectionRound,
    NonReporting,
    Period,
    SignedScan,
    Snapshot,
    Status,
    Submission,
    Unit,
    assessed_units,
    audit,
    refuse_frozen,
)
from .scoring import PeriodScores, check_values, effective_texts, score_period, snapshot_payload


class PublicationError(Exception):
    """A rule of freezing, publication or correction was not met (Vietnamese message)."""


RULE_TEXT = {
    "zero": "0 điểm, xếp cuối khối",
    "unranked": "không báo cáo / không xếp hạng",
}


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


def set_status(period: Period, user, to: str, reason: str, **recorded) -> None:
    """Move the period to stage ``to`` and audit it as ``period.transition`` (``recorded``: what else
    the entry keeps, e.g. a publication's edition and decision). Callers check that the move is allowed."""
    before = period.status
    period.status = to
    period.save(update_fields=["status"])
    audit(
        user,
        "period.transition",
        period=period,
        subject=period.name,
        before={"status": before},
        after={"status": to, **recorded},
        reason=reason,
    )


# ---------------------------------------------------------------------------------------------
# Completeness


def reporting_unit_ids(period: Period) -> set[int]:
    """Units with a submitted report (a total, for a totals-only period)."""
    subs = Submission.objects.filter(period=period)
    if period.kind == Period.Kind.TOTALS:
        return set(subs.exclude(total="").values_list("unit_id", flat=True))
    return set(subs.filter(state=Submission.State.SUBMITTED).values_list("unit_id", flat=True))


def non_reporting_units(period: Period) -> list[Unit]:
    """Participating units without a report, in the order of the period's groups."""
    done = reporting_unit_ids(period)
    return list(period.units.exclude(pk__in=done).select_related("group"))


def missing_units(period: Period) -> list[Unit]:
    """Units without a report for which no non-reporting record exists yet: these block freezing."""
    recorded = set(NonReporting.objects.filter(period=period).values_list("unit_id", flat=True))
    return [u for u in non_reporting_units(period) if u.pk not in recorded]


@transaction.atomic
def record_non_reporting(period: Period, user, units, reason: str) -> list[NonReporting]:
    """Record that the criteria set's ``non_reporting`` rule applies to these units, with the reason."""
    if frozen.is_frozen(period):
        refuse_frozen(period, "danh sách đơn vị không báo cáo", {"units": [u.pk for u in units]})
    if not reason.strip():
        raise PublicationError("Hãy ghi lý do (ví dụ: quá hạn báo cáo, đã nhắc ngày …).")
    rule = period.framework.load().non_reporting
    without = {u.pk for u in non_reporting_units(period)}
    rows = []
    for unit in units:
        if unit.pk not in without:
            raise PublicationError(f"{unit.name} đã gửi báo cáo; không ghi là đơn vị không báo cáo.")
        row, _ = NonReporting.objects.update_or_create(
            period=period,
            unit=unit,
            defaults={"rule": rule, "reason": reason.strip(), "recorded_by": _user(user), "at": timezone.now()},
        )
        audit(
            user,
            "non_reporting.record",
            period=period,
            unit=unit,
            subject=unit.name,
            after={"rule": rule, "rule_text": RULE_TEXT[rule]},
            reason=reason.strip(),
        )
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------------
# Freezing


def _figures(ps: PeriodScores) -> list[dict]:
    """The figures the core scored, per unit, in the order it scored them (ties by input order)."""
    period = ps.period
    subs = {
        s.unit_id: s
        for s in period.submissions.filter(unit_id__in=ps.unit_ids).prefetch_related("adjustments__explanation")
    }
    out = []
    for su, uid in zip(ps.scored.units, ps.unit_ids):
        sub = subs[uid]
        row = {"unit_id": uid, "name": su.name, "group": su.group}
        if period.kind == Period.Kind.TOTALS:
            row["total"] = sub.total
        else:
            row["texts"] = effective_texts(sub, "appraised")
            row["not_applicable"] = list(sub.not_applicable)
        out.append(row)
    return out


def build_payload(period: Period, ps: PeriodScores) -> dict:
    payload = snapshot_payload(ps)
    fw = ps.framework
    payload["period"]["sample"] = period.sample
    payload["record"] = frozen.record(period)
    payload["units"] = [
        {"unit_id": u.pk, "name": u.name, "group": u.group.code, "group_name": u.group.name}
        for u in period.units.select_related("group")
    ]
    payload["figures"] = _figures(ps)
    _stamp_measured(period, payload)
    payload["decision"] = dict(period.meta.get("decision") or {})
    payload["state"] = "draft"
    records = {r.unit_id: r for r in NonReporting.objects.filter(period=period)}
    rule = fw.non_reporting
    absent = []
    by_group = {g["id"]: g for g in payload["groups"]}
    ranked_in: dict[str, int] = {}  # units the core ranked, per group (the rows added here are not)
    for unit in non_reporting_units(period):
        rec = records[unit.pk]
        core_group = fw.group(unit.group.code)
        gid = core_group.id if core_group else unit.group.code
        group = by_group.get(gid)
        if group is None:  # no unit of this group reported: the group is still listed
            group = {"id": gid, "name": core_group.name if core_group else unit.group.name, "units": []}
            by_group[gid] = group
            payload["groups"].append(group)
        if gid not in ranked_in:
            ranked_in[gid] = sum(1 for u in group["units"] if not u.get("non_reporting"))
        row = {
            "unit_id": unit.pk,
            "name": unit.name,
            "non_reporting": True,
            "rule": rec.rule,
            "reason": rec.reason,
            "criteria": [],
            "position": len(group["units"]) + 1,
        }
        if rec.rule == "zero":
            level = fw.level_of(0)
            row.update(
                {
                    "rank": ranked_in[gid] + 1,
                    "total": "0",
                    "shown": format_number(0, fw.decimals),
                    "level": level.name if level else None,
                    "level_id": level.id if level else None,
                }
            )
        else:
            row.update({"rank": None, "total": None, "shown": "—", "level": None, "level_id": None})
        group["units"].append(row)
        absent.append(
            {
                "unit_id": unit.pk,
                "name": unit.name,
                "group": gid,
                "rule": rec.rule,
                "reason": rec.reason,
                "rank": row["rank"],
                "shown": row["shown"] if rec.rule == "zero" else None,
            }
        )
    order = [g.id for g in fw.groups]
    payload["groups"].sort(key=lambda g: order.index(g["id"]) if g["id"] in order else len(order))
    payload["non_reporting"] = {"rule": rule, "rule_text": RULE_TEXT[rule], "units": absent}
    payload["left_out"] = [x for x in payload["left_out"] if x[1] != "chưa nộp báo cáo" and x[1] != "chưa có tổng điểm"]
    return payload


def _stamp_measured(period: Period, payload: dict) -> None:
    """Beside each figure imported from a feed of measured figures, in the units' criteria rows: its source,
    date and feed (``[id, label, value, 'hệ thống đo tự động, ngày 30/11/2025, tệp do-luong.csv']``), and
    the measured figure when appraisal changed it."""
    from xephang.io.measured import stamp_text

    stamped = {
        uid: (measured, values)
        for uid, measured, values in period.submissions.exclude(measured={}).values_list(
            "unit_id", "measured", "values"
        )
        if measured
    }
    if not stamped:
        return
    appraised = {row["unit_id"]: row.get("texts") or {} for row in payload["figures"]}
    for g in payload["groups"]:
        for u in assessed_units(g):
            if u["unit_id"] not in stamped:
                continue
            measured, values = stamped[u["unit_id"]]
            for c in u.get("criteria", ()):
                for k, inp in enumerate(c["inputs"]):
                    stamp = measured.get(inp[0])
                    if stamp is None:
                        continue
                    note = stamp_text(stamp)
                    own, now = values.get(inp[0]), appraised[u["unit_id"]].get(inp[0])
                    if own is not None and now is not None and now != own:
                        note = f"thẩm định điều chỉnh từ số liệu đo {own} ({note})"
                    c["inputs"][k] = [*inp, note]


def _store(
    period: Period,
    user,
    payload: dict | None,
    reason: str,
    published: bool,
    *,
    text: str | None = None,
    summary: dict | None = None,
    units_from: Snapshot | None = None,
) -> Snapshot:
    """Store a snapshot of ``payload``; or of ``text`` (its canonical JSON already written) with its
    ``summary``, its units' rows copied from ``units_from`` (publication of the draft)."""
    if text is None:
        text = canonical_json_fast(payload)
    last = period.snapshots.order_by("-version").only("version").first()
    snap = Snapshot(
        period=period,
        version=(last.version + 1) if last else 1,
        payload=text,
        sha256=sha256_text(text),
        reason=reason,
        created_by=_user(user),
        published=published,
    )
    if payload is not None:
        snap.content = payload  # its units' rows are copied from this, not from the text parsed again
    else:
        snap.summary_content, snap.units_from = summary, units_from
    snap.save(force_insert=True)
    audit(
        user,
        "snapshot.publish" if published else "snapshot.create",
        period=period,
        subject=f"phiên bản {snap.version}",
        after={
            "sha256": snap.sha256,
            "published": published,
            "created_at": utc_ms(snap.created_at),
            **({"edition": (payload or summary)["edition"]} if published else {}),
        },
        reason=reason,
    )
    return snap


# Building or reading back a snapshot makes millions of small objects (every unit's criteria rows),
# none in a cycle, that live until it is stored: the cycle collector waits (at national scale it took
# about 40% of a freeze walking them again and again).
@collector_paused()
def freeze(period: Period, user, reason: str) -> Snapshot:
    """The draft snapshot: refused while a unit has neither a report nor a non-reporting record."""
    missing = missing_units(period)
    if missing:
        names = ", ".join(u.name for u in missing[:10]) + (
            f" và {len(missing) - 10} đơn vị khác" if len(missing) > 10 else ""
        )
        raise PublicationError(
            f"Chưa chốt được: {len(missing)} đơn vị chưa có báo cáo và chưa được ghi nhận là đơn vị không báo cáo "
            f"({names}). Hãy ghi nhận từng đơn vị, kèm lý do, theo quy định của bộ tiêu chí."
        )
    ps = score_period(period, "appraised")
    if ps.error:  # a period parameter not set
        raise PublicationError(f"Chưa chốt được kết quả: {ps.error}.")
    if ps.ranking is None:
        raise PublicationError("Chưa có đơn vị nào có số liệu đầy đủ để chốt kết quả.")
    payload = build_payload(period, ps)
    payload["frozen_at"] = timezone.now().isoformat(timespec="seconds")
    open_round = period.corrections.filter(closed_at__isnull=True).first()
    if open_round is not None:
        payload["correction"] = {
            "reason": open_round.reason,
            "units": _names(open_round.unit_ids),
            "criteria": open_round.criteria,
        }
    return _store(period, user, payload, reason, published=False)


def _names(unit_ids) -> list[str]:
    names = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    return [names.get(i, str(i)) for i in unit_ids]


# ---------------------------------------------------------------------------------------------
# Publication


def editions(period: Period) -> list[tuple[int, Snapshot]]:
    """Published versions, oldest first, numbered from 1 as the public sees them.

    Without their payload: a national result's frozen JSON is tens of MB, and the pages that list
    versions read only the cached summary (``Snapshot.summary``); the payload is read when first used
    (the JSON API, documents, a summary not cached yet), one query for that snapshot."""
    out = []
    # Without their payloads (tens of MB at national scale): the summary is cached by SHA-256, and a
    # payload is read only when a page asks for it.
    for n, snap in enumerate(period.snapshots.filter(published=True).order_by("version").defer("payload"), start=1):
        out.append((snap.summary.get("edition") or n, snap))
    return out


def edition_of(period: Period, number: str | int | None) -> tuple[int, Snapshot] | None:
    return _edition_in(editions(period), number)


def _edition_in(eds: list[tuple[int, Snapshot]], number: str | int | None) -> tuple[int, Snapshot] | None:
    if not eds:
        return None
    if number in (None, ""):
        return eds[-1]
    try:
        n = int(number)
    except (TypeError, ValueError):
        return None
    return next(((e, s) for e, s in eds if e == n), None)


def draft_snapshot(period: Period) -> Snapshot | None:
    """The frozen, not yet published snapshot (status final)."""
    if period.status != Status.FINAL:
        return None
    last = period.snapshots.order_by("-version").defer("payload").first()
    return last if last is not None and not last.published else None


def store_scan(period: Period, user, upload) -> SignedScan:
    """The signed decision's scan: a PDF (checked by its content, ``security.sniff``), kept as evidence."""
    from .security import PDF, UploadRefused, safe_name, sniff

    name = safe_name(upload.name)
    try:
        kind = sniff(upload, name)
    except UploadRefused as e:
        raise PublicationError(str(e)) from None
    if kind is not PDF:
        raise PublicationError(f"Bản quét quyết định đã ký phải là tệp PDF; '{name}' là {kind.label}.")
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    upload.name = "quyet-dinh.pdf"
    return SignedScan.objects.create(
        period=period,
        file=upload,
        original_name=safe_name(name, "pdf"),
        sha256=digest.hexdigest(),
        size=upload.size,
        uploaded_by=_user(user),
    )


#: The run of a draft's top-level keys that publication copies as text (``immutable.with_top_level``):
#: from the figures scored to the groups with every unit's criteria rows, the bulk of the payload.
#: Publication changes only keys outside it (decision, edition, published_at, reason, signed_scan,
#: state); ``imported`` falls inside, and an imported result is read and written whole.
PUBLICATION_KEPT = ("figures", "left_out")


@collector_paused()  # as freezing: a draft's content may be read back and written again
def publish(
    period: Period, user, reason: str = "", *, number: str = "", date=None, scan=None, imported: dict | None = None
) -> Snapshot:
    """Publish the draft with the signed decision's number and date (and its scan, if given).

    ``imported``: results brought in from a decision already issued (the demo's), with what is known
    of it (``{"source": ..., "date": ISO date or None}``); no number is asked then, and the page says
    the results were imported instead of giving the loading moment as a publication date."""
    draft = draft_snapshot(period)
    if draft is None:
        raise PublicationError("Chỉ công bố được kết quả đã chốt (giai đoạn 'Đã chốt kết quả').")
    eds = editions(period)
    if eds and not reason.strip():
        raise PublicationError("Công bố phiên bản đính chính phải ghi lý do đính chính.")
    if imported is None and (not str(number).strip() or date is None):
        raise PublicationError("Công bố cần số và ngày của quyết định đã ký.")
    sid = transaction.savepoint()
    stored_scan = None
    try:
        # What publication adds to the draft: top-level keys only; the units, their ranks and criteria
        # rows are the draft's, unchanged (its text and rows are copied, never scored or encoded again).
        before = draft.summary
        decision = dict(before.get("decision") or {})
        if imported is None:
            decision["number"] = str(number).strip()
            decision["date"] = date.isoformat()
        added = {"state": "published", "edition": len(eds) + 1, "reason": reason.strip(), "decision": decision}
        if imported is not None:
            added["imported"] = imported
        else:
            added["published_at"] = timezone.now().isoformat(timespec="seconds")
        if scan is not None:
            stored_scan = store_scan(period, user, scan)
            added["signed_scan"] = {
                "id": stored_scan.pk,
                "sha256": stored_scan.sha256,
                "name": stored_scan.original_name,
            }
        why = reason.strip() or "Công bố kết quả."
        text = with_top_level(draft.payload, added, PUBLICATION_KEPT)
        if text is None:  # a draft whose text cannot be cut there: read whole and written again
            payload = {**draft.data, **added}
            snap = _store(period, user, payload, why, published=True)
        else:
            snap = _store(period, user, None, why, True, text=text, summary={**before, **added}, units_from=draft)
        period.corrections.filter(closed_at__isnull=True).update(closed_at=timezone.now())
        set_status(
            period,
            user,
            Status.PUBLISHED,
            reason,
            edition=added["edition"],
            number=decision.get("number"),
            date=decision.get("date"),
        )
    except BaseException:
        transaction.savepoint_rollback(sid)
        if stored_scan is not None and stored_scan.file:
            stored_scan.file.storage.delete(stored_scan.file.name)  # nothing half-written: nor the file
        raise
    transaction.savepoint_commit(sid)
    return snap


# ---------------------------------------------------------------------------------------------
# Corrections


@transaction.atomic
def reopen(
    period: Period, user, units, reason: str, *, criteria=(), return_reports: bool = False
) -> CorrectionRound | None:
    """Return the named units' reports to them, and/or reopen their appraisal (of the named criteria, or
    all), with a reason. Before publication from any stage; after it, a correction round whose results
    are published as the next version. Only the named units may change until the next freeze."""
    units = list(units)
    if not reason.strip():
        raise PublicationError("Hãy ghi lý do trả lại báo cáo / mở lại thẩm định.")
    if not units:
        raise PublicationError("Hãy chọn ít nhất một đơn vị.")
    if period.status == Status.DRAFT:
        raise PublicationError("Kỳ chưa nhận báo cáo.")
    reason = reason.strip()
    if return_reports:
        for unit in units:
            sub = Submission.objects.filter(period=period, unit=unit).first()
            if sub is None or sub.state != Submission.State.SUBMITTED:
                raise PublicationError(f"{unit.name} chưa nộp báo cáo nên không có báo cáo để trả lại.")
            sub.state, sub.returned_reason = Submission.State.DRAFT, reason
            sub.version += 1
            sub.save(update_fields=["state", "returned_reason", "version", "updated_at"])
            audit(
                user,
                "report.return",
                period=period,
                unit=unit,
                subject=unit.name,
                before={"state": Submission.State.SUBMITTED},
                after={"state": Submission.State.DRAFT},
                reason=reason,
            )
    elif period.status in (Status.OPEN, Status.APPRAISAL):
        raise PublicationError("Thẩm định đang mở cho mọi đơn vị; chỉ cần trả lại báo cáo (đánh dấu ô trả lại).")
    round_ = None
    if (
        period.status in (Status.EXPLANATION, Status.FINAL, Status.PUBLISHED)
        or return_reports
        and period.status != Status.OPEN
    ):
        after = period.status == Status.PUBLISHED
        period.corrections.filter(closed_at__isnull=True).update(closed_at=timezone.now())
        round_ = CorrectionRound.objects.create(
            period=period,
            unit_ids=[u.pk for u in units],
            criteria=list(criteria),
            reason=reason,
            after_publication=after,
            opened_by=_user(user),
        )
        if period.status != Status.APPRAISAL:
            set_status(period, user, Status.APPRAISAL, reason)
        audit(
            user,
            "correction.open",
            period=period,
            subject=", ".join(u.name for u in units),
            after={
                "units": [u.pk for u in units],
                "criteria": list(criteria),
                "after_publication": after,
                "return_reports": return_reports,
            },
            reason=reason,
        )
    return round_


def open_round(period: Period) -> CorrectionRound | None:
    return period.corrections.filter(closed_at__isnull=True).first()


def round_allows(period: Period, unit, input_id: str | None = None) -> str | None:
    """None if the open correction round (if any) lets this unit's figure be appraised; else why not."""
    r = open_round(period)
    if r is None:
        return None
    if unit.pk not in r.unit_ids:
        return f"Vòng đính chính hiện tại chỉ thẩm định lại: {', '.join(_names(r.unit_ids))}."
    if input_id and r.criteria:
        fw = period.framework.load()
        allowed = set()
        for cid in r.criteria:
            try:
                allowed.update(fw.criterion(cid).inputs())
            except KeyError:
                continue
        if input_id not in allowed:
            return "Vòng đính chính hiện tại chỉ thẩm định lại các tiêu chí: " + ", ".join(r.criteria) + "."
    return None


# ---------------------------------------------------------------------------------------------
# Reading a snapshot back


def changes(old: dict, new: dict) -> list[dict]:
    """Units whose total, level or rank differ between two snapshots' data (old → new)."""

    def rows(data):
        out = {}
        for g in data["groups"]:
            for u in assessed_units(g):
                out[u["unit_id"]] = (g["name"], u)
        return out

    before, after = rows(old), rows(new)
    out = []
    for uid, (group, u) in after.items():
        o = before.get(uid, (group, None))[1]
        if o is None or (o.get("total"), o.get("level"), o.get("rank")) != (
            u.get("total"),
            u.get("level"),
            u.get("rank"),
        ):
            out.append(
                {
                    "unit_id": uid,
                    "name": u["name"],
                    "group": group,
                    "old": o and {"shown": o["shown"], "level": o.get("level"), "rank": o.get("rank")},
                    "new": {"shown": u["shown"], "level": u.get("level"), "rank": u.get("rank")},
                }
            )
    return out


def absent_of(data: dict) -> list[Absent]:
    return [
        Absent(group=a["group"], name=a["name"], rank=a["rank"], shown=a.get("shown"))
        for a in (data.get("non_reporting") or {}).get("units", [])
    ]


def scores_of_snapshot(period: Period, snap: Snapshot) -> PeriodScores:
    """The core's ranking rebuilt from the snapshot's own figures (never the live rows), checked
    against the snapshot's ranks: what documents are written from. Shared between requests (read-only)."""
    from .cache import SNAPSHOT_RANKINGS

    key = (snap.pk, snap.sha256, period.framework.sha256)
    return SNAPSHOT_RANKINGS.get(key, lambda: _scores_of_snapshot(period, snap))


def _scores_of_snapshot(period: Period, snap: Snapshot) -> PeriodScores:
    data = snap.summary  # the figures, ranks and totals: all but the criteria rows, never needed here
    if "figures" not in data:
        raise PublicationError("Kết quả này được chốt trước khi lưu số liệu kèm theo; không dựng lại được văn bản.")
    if period.framework.sha256 != data["framework"]["sha256"]:
        raise PublicationError("Bộ tiêu chí đã khác với bộ tiêu chí khi chốt (mã SHA-256 khác); không xuất văn bản.")
    fw = period.framework.load()
    units, ids, checked = [], [], []
    na: dict[str, set[int]] = {}
    kind = data["period"]["kind"]
    for i, row in enumerate(data["figures"]):
        if kind == Period.Kind.TOTALS:
            from xephang.io import reader as core_reader

            units.append(
                UnitEntry(row["name"], row["group"], total=core_reader.parse_total(fw, row["total"], "kết quả đã chốt"))
            )
        else:
            c = check_values(fw, row["group"], row["texts"], row["not_applicable"])
            if not c.complete:
                raise PublicationError(f"Số liệu đã chốt của {row['name']} không còn hợp lệ với bộ tiêu chí.")
            checked.append(c)
            units.append(UnitEntry(row["name"], row["group"]))
            for cid in row["not_applicable"]:
                na.setdefault(cid, set()).add(i)
        ids.append(row["unit_id"])
    columns = {iid: [c.values.get(iid) for c in checked] for iid in fw.inputs} if kind == Period.Kind.INPUTS else {}
    pdata = PeriodData(
        source=data["period"]["name"],
        kind=kind,
        units=units,
        values=columns,
        not_applicable=na,
        params={p["id"]: p["value"] for p in data.get("params", [])},
    )  # the values frozen
    scored = score(fw, pdata)
    ranking = rank(scored, Period(ties=data["record"]["ties"]).tie_rule())
    ps = PeriodScores(period, fw, scored, ranking, ids, [])
    # Units assessed but not ranked count too (their totals are frozen under ``unranked``).
    got = [[(u.name, u.rank, plain(u.total)) for u in (*g.units, *g.unranked)] for g in ranking.groups]
    want = [
        [(u["name"], u["rank"], u["total"]) for u in assessed_units(g) if not u.get("non_reporting")]
        for g in data["groups"]
    ]
    if [x for x in got if x] != [w for w in want if w]:
        raise PublicationError("Xếp hạng dựng lại từ số liệu đã chốt không khớp kết quả đã chốt; không xuất văn bản.")
    return ps


@dataclass
class Shown:
    """What a results page shows: the snapshot, its edition (None for a draft), earlier editions and the
    changes from the previous edition."""

    snap: Snapshot
    edition: int | None
    editions: list
    changes: list
    previous: int | None


def shown(period: Period, number=None, *, draft: bool = False) -> Shown | None:
    if draft:
        snap = draft_snapshot(period)
        if snap is None:
            return None
        eds = editions(period)
        prev = eds[-1] if eds else None
        return Shown(snap, None, eds, changes(prev[1].summary, snap.summary) if prev else [], prev[0] if prev else None)
    eds = editions(period)
    found = _edition_in(eds, number)
    if found is None:
        return None
    n, snap = found
    prev = next(((e, s) for e, s in reversed(eds) if e < n), None)
    return Shown(snap, n, eds, changes(prev[1].summary, snap.summary) if prev else [], prev[0] if prev else None)


def decision_meta_of(data: dict) -> dict:
    """The decision section as the snapshot holds it, for ``documents.meta.build_meta``."""
    return {
        **{k: v for k, v in data["record"]["meta"].items() if k != "decision"},
        "decision": data.get("decision") or {},
        "year": data["period"]["year"],
    }


def json_of(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False)
