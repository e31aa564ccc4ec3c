"""The cycle's state changes, each recorded in the audit trail: period transitions, saving and submitting
a report, evidence, appraisal adjustments, explanations and their decisions, freezing and publishing.

Views call these after ``permissions`` has allowed the action; these check the business rules
(a reason is required, nothing is saved from invalid figures) and raise ``WorkflowError`` with a
Vietnamese message otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from xephang.text import sort_key

from . import publication
from .frozen import is_frozen
from .models import (
    Adjustment,
    AuditEntry,
    Evidence,
    EvidenceLink,
    Explanation,
    Period,
    Profile,
    Role,
    Snapshot,
    Status,
    Submission,
    Unit,
    audit,
    refuse_frozen,
)
from .scoring import check_values

EVIDENCE_TYPES = {
    "pdf",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "webp",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "odt",
    "ods",
    "odp",
}


class WorkflowError(Exception):
    """A rule of the cycle was not met; the message says which, in Vietnamese."""


class ConflictError(WorkflowError):
    """Someone else saved the same record since this form was opened (optimistic locking)."""


def _seen(version) -> int | None:
    try:
        return int(version) if version not in (None, "") else None
    except (TypeError, ValueError):
        return -1  # a tampered form: never equal to a stored version


# --- periods ---------------------------------------------------------------------------------


@transaction.atomic
def transition(period: Period, user, to: str, note: str = "") -> None:
    if period.next_status != to:
        raise WorkflowError(
            f"Không thể chuyển từ '{period.get_status_display()}' sang '{Status(to).label}'; "
            f"bước kế tiếp là '{Status(period.next_status).label if period.next_status else 'không có'}'."
        )
    if to == Status.PUBLISHED:
        raise WorkflowError("Công bố cần số và ngày của quyết định đã ký: hãy dùng trang 'Công bố kết quả' của kỳ.")
    if to == Status.FINAL:
        _refuse_undecided_explanations(period)
        try:
            publication.freeze(period, user, note or "Chốt kết quả.")
        except publication.PublicationError as e:
            raise WorkflowError(str(e)) from None
    publication.set_status(period, user, to, note)
    notify_units(period, f"[xephang] {period.name}: {Status(to).label}", phase_text(period, to))


def _refuse_undecided_explanations(period: Period) -> None:
    """A unit's explanation is answered before the results are frozen: freezing over one still waiting
    would print the appraised figure as if the unit had never been heard."""
    waiting = Explanation.objects.filter(
        adjustment__submission__period=period, decision=Explanation.Decision.PENDING
    ).select_related("adjustment__submission__unit")
    units = sorted({e.adjustment.submission.unit.name for e in waiting}, key=sort_key)
    if units:
        raise WorkflowError(
            f"Chưa chốt được: còn {len(waiting)} giải trình chưa được xem xét ({', '.join(units)}). "
            "Thẩm định viên quyết định từng giải trình (chấp nhận hoặc giữ kết quả thẩm định, có lý do) "
            "trên trang thẩm định của đơn vị, rồi mới chốt kết quả."
        )


#: What units are asked to do in each phase (the phase e-mail).
PHASE_TASKS = {
    Status.OPEN: (
        "Đơn vị nhập số liệu, đính kèm tài liệu kiểm chứng và nộp báo cáo tự đánh giá.",
        "deadline",
        "Hạn nộp báo cáo",
    ),
    Status.APPRAISAL: ("Báo cáo đã khóa; Sở TTTT thẩm định số liệu của các đơn vị.", None, ""),
    Status.EXPLANATION: (
        "Đơn vị xem kết quả thẩm định và giải trình các số liệu bị điều chỉnh (nếu có).",
        "explanation_deadline",
        "Hạn giải trình",
    ),
    Status.FINAL: ("Kết quả đã được chốt và sẽ được công bố.", None, ""),
}


def phase_text(period: Period, to: str) -> str:
    """The phase e-mail: the new phase, what units do now, the deadline and the link."""
    task, deadline_field, deadline_label = PHASE_TASKS.get(to, ("", None, ""))
    lines = [f"Kỳ đánh giá '{period.name}' chuyển sang giai đoạn: {Status(to).label}."]
    if task:
        lines.append(task)
    deadline = getattr(period, deadline_field) if deadline_field else None
    if deadline:
        lines.append(f"{deadline_label}: {deadline:%d/%m/%Y}.")
    from django.urls import reverse

    lines += ["", f"Mở trang của kỳ: {settings.XEPHANG_SITE_URL.rstrip('/')}{reverse('web:period', args=[period.pk])}"]
    return "\n".join(lines)


@transaction.atomic
def set_params(period: Period, user, values: dict[str, str]) -> None:
    """Store the values of the set's period parameters (validated by ``forms_params``), audited; refused
    once the results are frozen (``models.refuse_frozen``: ``FrozenError``, audited)."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    if is_frozen(period):  # also refused by Period.save (meta is a frozen field); said and audited here first
        refuse_frozen(period, "tham số của kỳ", values)
    before = period.params
    if before == values:
        return
    period.meta = {**period.meta, "params": values}
    period.save(update_fields=["meta"])
    audit(
        user, "period.params", period=period, subject=period.name, before=before, after=values, reason="tham số của kỳ"
    )


#: Largest feed of measured figures accepted (a national feed of every commune is a few MB).
FEED_MAX_BYTES = 20 * 1024 * 1024


def import_measured(period: Period, user, upload) -> list:
    """Figures of system-measured and survey indicators for every unit, from a feed (CSV or .xlsx) read
    and checked by the core (``xephang.io.measured``): written into the units' reports, stamped with
    their source, date and feed, audited; all or nothing. Returns the figures written.

    Once the results are frozen, refused, except while a correction round is open: then only the figures
    of the round's units (and criteria, if it names some) are written; the feed may still hold the other
    units' figures unchanged (the Sở's whole corrected feed), but a changed figure of any other unit
    refuses the whole feed, audited, naming each unit and figure."""
    import tempfile
    from pathlib import Path

    from xephang.errors import XephangError
    from xephang.io.measured import read_feed
    from xephang.text import fold

    from .security import UploadRefused, check_spreadsheet, safe_name

    correction = publication.open_round(period)
    if is_frozen(period) and (correction is None or period.status != Status.APPRAISAL):
        refuse_frozen(period, "số liệu đo, điều tra", {"tệp": upload.name})
    name = safe_name(upload.name)
    if upload.size > FEED_MAX_BYTES:
        raise WorkflowError(f"Tệp '{name}' vượt giới hạn {FEED_MAX_BYTES // (1024 * 1024)} MB.")
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        try:
            check_spreadsheet(upload, name)
        except UploadRefused as e:
            raise WorkflowError(str(e)) from None
    elif suffix != ".csv":
        raise WorkflowError(f"Tệp '{name}': cần tệp CSV (.csv) hoặc Excel (.xlsx).")
    fw = period.framework.load()
    units = {fold(u.name): u for u in period.units.all()}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        with path.open("wb") as f:
            for chunk in upload.chunks():
                f.write(chunk)
        try:
            figures = read_feed(path, fw, {k: u.name for k, u in units.items()})
        except XephangError as e:
            raise WorkflowError(str(e)) from None
    if correction is not None:
        figures = _within_round(period, user, name, figures, units, fw)
    today = timezone.localdate().isoformat()
    reason = f"số liệu đo từ tệp {name}" + (f" (vòng đính chính: {correction.reason})" if correction else "")
    with transaction.atomic():
        for f in figures:
            unit = units[fold(f.unit)]
            sub = submission_for(period, unit)
            sub = Submission.objects.select_for_update().get(pk=sub.pk)
            before = sub.values.get(f.input_id)
            sub.values = {**sub.values, f.input_id: f.text}
            sub.measured = {
                **sub.measured,
                f.input_id: {
                    "source": f.source,
                    "date": f.date,
                    "feed": name,
                    "imported": today,
                    "detail": f.describe(fw.inputs[f.input_id]),
                    **({"answers": f.answers} if f.answers else {}),
                },
            }
            sub.carried = [i for i in sub.carried if i != f.input_id]
            sub.version += 1
            sub.save()
            audit(
                user,
                "measured.import",
                period=period,
                unit=unit,
                subject=f.input_id,
                before={f.input_id: before},
                after={f.input_id: f.text, "source": f.source, "date": f.date},
                reason=reason,
            )
    return figures


def _within_round(period: Period, user, name: str, figures: list, units: dict, fw) -> list:
    """The figures of a feed an open correction round lets change (its units, its criteria); the others
    must equal what is stored. Any other change: the whole feed refused, audited (``measured.refused``)."""
    from xephang.text import fold, sorted_vi

    stored = {s.unit_id: s for s in period.submissions.filter(unit__in=[units[fold(f.unit)] for f in figures])}
    allowed, refused = [], []
    for f in figures:
        unit = units[fold(f.unit)]
        sub = stored.get(unit.pk)
        why_not = publication.round_allows(period, unit, f.input_id)
        if why_not is None:
            allowed.append(f)
        elif sub is None or sub.values.get(f.input_id) != f.text:
            was = sub.values.get(f.input_id) if sub is not None else None
            refused.append(f"{f.unit}: {fw.inputs[f.input_id].label} {was or '(trống)'} → {f.text}")
    if refused:
        r = publication.open_round(period)
        names = ", ".join(sorted_vi(Unit.objects.filter(pk__in=r.unit_ids).values_list("name", flat=True)))
        scope = f" (tiêu chí: {', '.join(r.criteria)})" if r.criteria else ""
        message = (
            ("Kết quả đã công bố; v" if r.after_publication else "V")
            + f"òng đính chính đang mở chỉ cho nhập lại số liệu đo của: {names}{scope}. "
            f"Tệp '{name}' đổi {len(refused)} số liệu ngoài vòng đính chính, nên không nhập gì: "
            + "; ".join(refused[:20])
            + (f"; và {len(refused) - 20} số liệu khác" if len(refused) > 20 else "")
            + ". Hãy bỏ các dòng đó (hoặc mở vòng đính chính cho các đơn vị đó) rồi nhập lại."
        )
        audit(
            user,
            "measured.refused",
            period=period,
            subject=name,
            after={"đổi ngoài vòng đính chính": refused},
            reason=message,
        )
        raise WorkflowError(message)
    return allowed


@transaction.atomic
def publish(
    period: Period, user, reason: str = "", *, number: str = "", date=None, scan=None, imported: dict | None = None
) -> Snapshot:
    """Publish the frozen draft with the signed decision's number and date (``publication.publish``);
    a period set to final without a draft (the demo's import) is frozen first."""
    try:
        if period.status == Status.FINAL and publication.draft_snapshot(period) is None:
            publication.freeze(period, user, reason or "Chốt kết quả.")
        return publication.publish(period, user, reason, number=number, date=date, scan=scan, imported=imported)
    except publication.PublicationError as e:
        raise WorkflowError(str(e)) from None


def notify_units(period: Period, subject: str, body: str) -> int:
    """E-mail the reporters of every unit of the period (Django's e-mail; the console in the demo)."""
    recipients = sorted(
        {
            p.user.email
            for p in Profile.objects.filter(role=Role.REPORTER, unit__in=period.units.all()).select_related("user")
            if p.user.email
        }
        | {u.email for u in period.units.all() if u.email}
    )
    if not recipients:
        return 0
    return send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [r]) for r in recipients], fail_silently=True)


def send_deadline_reminders(today=None, days_before: int = 3) -> int:
    """Remind units that have not submitted when a deadline is ``days_before`` days away."""
    today = today or timezone.localdate()
    sent = 0
    for period in Period.objects.filter(status=Status.OPEN, deadline__isnull=False):
        left = (period.deadline - today).days
        if 0 <= left <= days_before:
            done = set(period.submissions.filter(state=Submission.State.SUBMITTED).values_list("unit_id", flat=True))
            for unit in period.units.exclude(pk__in=done):
                emails = [p.user.email for p in unit.profile_set.select_related("user") if p.user.email]
                if unit.email:
                    emails.append(unit.email)
                if emails:
                    from django.core.mail import send_mail

                    sent += send_mail(
                        f"[xephang] Nhắc hạn báo cáo: {period.name}",
                        f"Đơn vị {unit.name} chưa nộp báo cáo kỳ '{period.name}'. Hạn nộp: "
                        f"{period.deadline:%d/%m/%Y} (còn {left} ngày).",
                        settings.DEFAULT_FROM_EMAIL,
                        emails,
                        fail_silently=True,
                    )
    return sent


# --- reporting -------------------------------------------------------------------------------


def submission_for(period: Period, unit) -> Submission:
    """The unit's report for the period, created (carrying last year's figures, marked) on first use."""
    sub = Submission.objects.filter(period=period, unit=unit).first()
    if sub is not None:
        return sub
    sub = Submission(period=period, unit=unit)
    previous = (
        Submission.objects.filter(
            unit=unit, period__year__lt=period.year, period__kind=Period.Kind.INPUTS, period__framework=period.framework
        )
        .exclude(values={})
        .order_by("-period__year")
        .first()
    )
    if previous is not None:
        sub.values = dict(previous.values)
        sub.not_applicable = list(previous.not_applicable)
        sub.carried = sorted(previous.values)
    sub.save()
    if previous is not None:
        for ev in previous.evidence.all():
            copy = Evidence.objects.create(
                submission=sub,
                file=ev.file.name,
                original_name=ev.original_name,
                size=ev.size,
                summary=ev.summary,
                carried=True,
            )
            for link in ev.links.all():
                EvidenceLink.objects.create(evidence=copy, criterion_id=link.criterion_id, locator=link.locator)
    return sub


@transaction.atomic
def save_report(
    sub: Submission, user, texts: dict, not_applicable: list, confirm: set, submit: bool, seen_version=None
):
    """Save the figures as a draft (blanks allowed, but never an invalid figure) or submit (complete).
    ``seen_version``: the report's version when the form was opened; ``ConflictError`` if it changed since."""
    seen = _seen(seen_version)
    if seen is not None and sub.pk is not None:
        current = Submission.objects.select_for_update().filter(pk=sub.pk).values_list("version", flat=True).first()
        if current != seen:
            raise ConflictError(
                "Báo cáo vừa được lưu ở nơi khác (một cửa sổ hoặc một cán bộ khác) sau khi bạn mở trang; "
                "số liệu của bạn chưa được lưu để không ghi đè. Trang dưới đây hiện số liệu mới nhất; hãy xem lại rồi nhập lại nếu cần."
            )
    fw = sub.period.framework.load()
    group = sub.unit.group.code
    # Measured figures (system-measured, survey) come from the Sở's feed, never from the unit's form:
    # what it posts for them is ignored, and their absence does not hold its submission back.
    measured = fw.measured_inputs()
    texts = {
        **{k: v for k, v in texts.items() if k not in measured},
        **{k: v for k, v in sub.values.items() if k in measured},
    }
    checked = check_values(fw, group, texts, not_applicable)
    checked.missing = [i for i in checked.missing if i not in measured]
    if checked.errors:
        return checked
    if submit and checked.missing:
        return checked
    before = {"values": sub.values, "not_applicable": sub.not_applicable, "state": sub.state}
    known = {i.id for i in fw.inputs_for(group)}
    sub.values = {k: str(v).strip() for k, v in texts.items() if k in known and str(v).strip()}
    sub.not_applicable = sorted(set(not_applicable))
    sub.carried = [i for i in sub.carried if i not in confirm and sub.values.get(i) == before["values"].get(i)]
    if submit:
        sub.state = Submission.State.SUBMITTED
        sub.submitted_at = timezone.now()
        sub.returned_reason = ""
    sub.version += 1
    sub.save()
    changed = {k: v for k, v in sub.values.items() if before["values"].get(k) != v}
    removed = {k: None for k in before["values"] if k not in sub.values}
    if changed or removed or before["not_applicable"] != sub.not_applicable or submit:
        audit(
            user,
            "report.submit" if submit else "report.save",
            period=sub.period,
            unit=sub.unit,
            subject=sub.unit.name,
            before={k: before["values"].get(k) for k in {**changed, **removed}},
            after={**changed, **removed, **({"state": sub.state} if submit else {})},
        )
    return checked


def add_evidence(sub: Submission, user, upload, criteria: list[str], locator: str, summary: str) -> Evidence:
    """Store one evidence document, checked by its content (security.sniff), under a generated name;
    all or nothing: if any step fails, neither the rows nor the stored file remain."""
    from .security import UploadRefused, safe_name, sniff

    name = safe_name(upload.name)
    limit = settings.XEPHANG_EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise WorkflowError(
            f"Tệp '{name}' có dung lượng {upload.size // 1024} KB, vượt giới hạn {limit // (1024 * 1024)} MB."
        )
    try:
        kind = sniff(upload, name)
    except UploadRefused as e:
        raise WorkflowError(str(e)) from None
    fw = sub.period.framework.load()
    known = {c.id for c in fw.all_criteria() if c.applies_to(sub.unit.group.code)}
    criteria = [c for c in dict.fromkeys(criteria) if c in known]
    if not criteria:
        raise WorkflowError("Hãy chọn ít nhất một tiêu chí mà tài liệu này chứng minh.")
    upload.name = f"tai-lieu.{kind.ext}"  # the stored name's extension follows the content
    ev = None
    try:
        with transaction.atomic():
            ev = Evidence.objects.create(
                submission=sub,
                file=upload,
                original_name=safe_name(name, kind.ext),
                size=upload.size,
                summary=summary.strip()[:500],
                uploaded_by=user,
            )
            for cid in criteria:
                EvidenceLink.objects.create(evidence=ev, criterion_id=cid, locator=locator.strip()[:200])
            audit(
                user,
                "evidence.add",
                period=sub.period,
                unit=sub.unit,
                subject=ev.original_name,
                after={"criteria": criteria, "locator": locator, "summary": summary, "type": kind.ext},
            )
    except BaseException:
        if ev is not None and ev.file:
            ev.file.storage.delete(ev.file.name)  # the rows rolled back; the file must not stay behind
        raise
    return ev


def _linkable(sub: Submission, criteria) -> list[str]:
    fw = sub.period.framework.load()
    known = {c.id for c in fw.all_criteria() if c.applies_to(sub.unit.group.code)}
    return [c for c in dict.fromkeys(criteria) if c in known]


@transaction.atomic
def relink_evidence(ev: Evidence, user, criteria: list[str], locator: str, summary: str) -> Evidence:
    """Set which criteria a document supports (and where in it), replacing its links; audited with the
    criteria before and after. A document keeps at least one criterion (otherwise delete it)."""
    criteria = _linkable(ev.submission, criteria)
    if not criteria:
        raise WorkflowError("Hãy chọn ít nhất một tiêu chí mà tài liệu này chứng minh (hoặc xóa tài liệu).")
    before = {"criteria": sorted(ev.links.values_list("criterion_id", flat=True)), "summary": ev.summary}
    ev.links.all().delete()
    for cid in criteria:
        EvidenceLink.objects.create(evidence=ev, criterion_id=cid, locator=locator.strip()[:200])
    ev.summary = summary.strip()[:500]
    ev.carried = False  # looked at and linked again by the unit: no longer an unconfirmed carry-over
    ev.save(update_fields=["summary", "carried"])
    audit(
        user,
        "evidence.relink",
        period=ev.submission.period,
        unit=ev.submission.unit,
        subject=ev.original_name,
        before=before,
        after={"criteria": criteria, "summary": ev.summary, "locator": locator.strip()},
    )
    return ev


@transaction.atomic
def unlink_evidence(ev: Evidence, user, criterion_id: str) -> bool:
    """Remove one criterion from a document's links; the document itself stays (deleted with the last
    link, since a document proving nothing has no place in the report). Returns whether it was deleted."""
    link = ev.links.filter(criterion_id=criterion_id).first()
    if link is None:
        raise WorkflowError("Tài liệu không gắn với tiêu chí này.")
    if ev.links.count() == 1:
        delete_evidence(ev, user)
        return True
    link.delete()
    audit(
        user,
        "evidence.unlink",
        period=ev.submission.period,
        unit=ev.submission.unit,
        subject=ev.original_name,
        before={"criteria": [criterion_id]},
        after=None,
    )
    return False


def delete_evidence(ev: Evidence, user) -> None:
    """Delete a document and its links (audited). The stored file goes too unless another row still
    points to it (last year's report, from which it was carried over)."""
    sub, name, path = ev.submission, ev.original_name, ev.file.name
    criteria = sorted(ev.links.values_list("criterion_id", flat=True))
    storage = ev.file.storage
    with transaction.atomic():
        ev.delete()
        audit(
            user,
            "evidence.delete",
            period=sub.period,
            unit=sub.unit,
            subject=name,
            before={"criteria": criteria},
            after=None,
        )
        shared = Evidence.objects.filter(file=path).exists()
    if path and not shared:
        transaction.on_commit(lambda: storage.delete(path))


# --- appraisal and explanation ------------------------------------------------------------------


@transaction.atomic
def appraise(
    sub: Submission, user, input_id: str, accepted: bool, value: str, reason: str, seen_version=None
) -> Adjustment:
    """``seen_version``: the decision's version shown in the form (0: none yet); if another appraiser
    decided since, ``ConflictError`` and nothing is written."""
    fw = sub.period.framework.load()
    if input_id not in {i.id for i in fw.inputs_for(sub.unit.group.code)}:
        raise WorkflowError(f"Chỉ tiêu '{input_id}' không thuộc biểu mẫu của đơn vị này.")
    why_not = publication.round_allows(sub.period, sub.unit, input_id)
    if why_not:
        raise WorkflowError(why_not)
    if not accepted:
        if not reason.strip():
            raise WorkflowError("Điều chỉnh số liệu phải ghi rõ lý do.")
        texts = dict(sub.values)
        texts[input_id] = value
        checked = check_values(fw, sub.unit.group.code, texts, sub.not_applicable)
        if input_id in checked.errors:
            raise WorkflowError(checked.errors[input_id])
        if input_id in checked.missing:
            raise WorkflowError("Hãy nhập số liệu thẩm định.")
    adj = (
        Adjustment.objects.select_for_update(of=("self",))
        .filter(submission=sub, input_id=input_id)
        .select_related("appraiser")
        .first()
    )
    seen = _seen(seen_version)
    if seen is not None and seen != (adj.version if adj else 0):
        who = (adj.appraiser.get_full_name() or adj.appraiser.get_username()) if adj and adj.appraiser else "người khác"
        when = timezone.localtime(adj.at).strftime("%H:%M %d/%m/%Y") if adj else ""
        raise ConflictError(
            f"Chỉ tiêu này vừa được {who} quyết định lúc {when} sau khi bạn mở trang; quyết định của bạn chưa được "
            "lưu để không ghi đè. Hãy xem quyết định mới ở dưới rồi làm lại nếu vẫn cần."
        )
    before = None if adj is None else {"accepted": adj.accepted, "value": adj.value, "reason": adj.reason}
    if adj is None:
        adj = Adjustment(submission=sub, input_id=input_id, version=0)
    adj.accepted, adj.value, adj.reason = accepted, ("" if accepted else value.strip()), reason.strip()
    adj.appraiser, adj.at = user, timezone.now()
    adj.version += 1
    try:
        with transaction.atomic():
            adj.save()
    except IntegrityError:
        # Two first decisions at once: the unique (submission, input) lets one in.
        raise ConflictError(
            "Chỉ tiêu này vừa được người khác quyết định cùng lúc; quyết định của bạn chưa được lưu. Hãy tải lại trang."
        ) from None
    audit(
        user,
        "appraisal.accept" if accepted else "appraisal.adjust",
        period=sub.period,
        unit=sub.unit,
        subject=input_id,
        before=before,
        after={"reported": sub.values.get(input_id), "accepted": accepted, "value": adj.value},
        reason=adj.reason,
    )
    return adj


@transaction.atomic
def accept_remaining(sub: Submission, user, only: set[str] | None = None) -> int:
    """Accept, as reported, every figure of the unit not yet decided (of ``only``, where given: a
    verifying agency's figures): one action, one audit entry listing them. Figures already accepted or
    adjusted keep their decision. Returns how many were accepted."""
    fw = sub.period.framework.load()
    decided = set(Adjustment.objects.select_for_update().filter(submission=sub).values_list("input_id", flat=True))
    remaining = [
        i.id for i in fw.inputs_for(sub.unit.group.code) if i.id not in decided and (only is None or i.id in only)
    ]
    if not remaining:
        return 0
    now = timezone.now()
    try:
        with transaction.atomic():
            Adjustment.objects.bulk_create(
                [
                    Adjustment(submission=sub, input_id=iid, accepted=True, appraiser=user, at=now, version=1)
                    for iid in remaining
                ]
            )
    except IntegrityError:
        raise ConflictError(
            "Một số chỉ tiêu vừa được người khác quyết định cùng lúc; chưa chấp nhận gì. Hãy tải lại trang rồi làm lại."
        ) from None
    audit(
        user,
        "appraisal.accept_all",
        period=sub.period,
        unit=sub.unit,
        subject=sub.unit.name,
        after={"accepted": remaining},
    )
    return len(remaining)


@transaction.atomic
def explain(adj: Adjustment, user, text: str, evidence: Evidence | None = None) -> Explanation:
    if not text.strip():
        raise WorkflowError("Hãy nhập nội dung giải trình.")
    expl = Explanation.objects.filter(adjustment=adj).first()
    if expl is not None and expl.decision != Explanation.Decision.PENDING:
        raise WorkflowError("Giải trình này đã được xem xét.")
    before = None if expl is None else {"text": expl.text}
    if expl is None:
        expl = Explanation(adjustment=adj)
    expl.text, expl.author, expl.at = text.strip(), user, timezone.now()
    if evidence is not None:
        expl.evidence = evidence
    expl.save()
    audit(
        user,
        "explanation.add",
        period=adj.submission.period,
        unit=adj.submission.unit,
        subject=adj.input_id,
        before=before,
        after={"text": expl.text, "evidence": evidence.original_name if evidence else None},
    )
    return expl


@transaction.atomic
def decide(expl: Explanation, user, accept: bool, reason: str) -> Explanation:
    if not reason.strip():
        raise WorkflowError("Quyết định về giải trình phải có lý do.")
    before = expl.decision
    expl.decision = Explanation.Decision.ACCEPTED if accept else Explanation.Decision.REJECTED
    expl.decision_reason, expl.decided_by, expl.decided_at = reason.strip(), user, timezone.now()
    expl.save()
    sub = expl.adjustment.submission
    audit(
        user,
        "explanation.decide",
        period=sub.period,
        unit=sub.unit,
        subject=expl.adjustment.input_id,
        before={"decision": before},
        after={"decision": expl.decision},
        reason=expl.decision_reason,
    )
    return expl


def audit_for(period: Period):
    return AuditEntry.objects.filter(period=period).select_related("user", "unit", "period__framework")


# ---------------------------------------------------------------------------------------------
# Where a period stands (read-only queries the pages share)


def criteria_appraised(
    fw, sub: Submission, decided: set[str] | None = None, _leaves: dict | None = None
) -> tuple[int, int]:
    """Leaf criteria whose every figure the appraiser has decided on (accepted or adjusted), of those
    that read a figure at all. ``decided``: the figures decided on, when the caller has read them."""
    if decided is None:
        decided = {a.input_id for a in sub.adjustments.all()}
    group = sub.unit.group.code
    if _leaves is None:
        leaves = _appraisable_leaves(fw, group)
    else:
        if group not in _leaves:
            _leaves[group] = _appraisable_leaves(fw, group)
        leaves = _leaves[group]
    done = sum(1 for inputs in leaves if inputs <= decided)
    return done, len(leaves)


def _appraisable_leaves(fw, group: str) -> list[set[str]]:
    """The figures each leaf criterion of a group reads as the unit reported them, directly, in its
    condition or through derived values (leaves that read none, e.g. only parameters, are not appraised)."""
    return [
        set(c.own_inputs()) for c in fw.all_criteria() if c.rule is not None and c.applies_to(group) and c.own_inputs()
    ]


@dataclass(frozen=True)
class UnitProgress:
    """One submitted unit's appraisal progress, as the appraisal list shows it."""

    submission_id: int
    unit_id: int
    unit_name: str
    group_code: str
    group_name: str
    group_order: int
    done: int  # leaf criteria whose every figure has been decided on
    total: int  # leaf criteria that read a figure


def progress(period: Period) -> dict:
    """Units, submissions and appraisal progress of a period (the period page, the appraisal list, the
    dashboard). Everything but the number of units is computed once per revision of the period's
    reports and adjustments (``cache.APPRAISAL_PROGRESS``): a request reads two small rows."""
    from .cache import APPRAISAL_PROGRESS, framework_key
    from .models import ScoringRevision

    fw = period.framework.load()
    fkey = framework_key(fw)
    key = None if fkey is None else (period.pk, ScoringRevision.of(period.pk), fkey)
    out = dict(APPRAISAL_PROGRESS.get(key, lambda: _progress(period, fw)))
    out["units"] = period.units.count()  # the period's units are not a source of scores: read each time
    return out


def _progress(period: Period, fw) -> dict:
    subs = period.submissions.all()
    counts = dict(subs.order_by().values_list("state").annotate(n=models.Count("id")))
    decided: dict[int, set[str]] = {}
    for sub_id, input_id in Adjustment.objects.filter(submission__period=period).values_list(
        "submission_id", "input_id"
    ):
        decided.setdefault(sub_id, set()).add(input_id)
    appraised = needed = 0
    per_unit = []
    leaves: dict[str, list] = {}
    rows = subs.filter(state=Submission.State.SUBMITTED).values_list(
        "pk", "unit_id", "unit__name", "unit__group__code", "unit__group__name", "unit__group__order"
    )
    for sub_id, unit_id, name, code, group_name, group_order in rows:  # rows, not models: 3,000 of them
        if code not in leaves:
            leaves[code] = _appraisable_leaves(fw, code)
        done = sum(1 for inputs in leaves[code] if inputs <= decided.get(sub_id, set()))
        total = len(leaves[code])
        appraised += done
        needed += total
        per_unit.append(UnitProgress(sub_id, unit_id, name, code, group_name, group_order, done, total))
    return {
        "submitted": counts.get(Submission.State.SUBMITTED, 0),
        "drafts": counts.get(Submission.State.DRAFT, 0),
        "appraised": appraised,
        "needed": needed,
        "per_unit": tuple(per_unit),
    }


def evidence_by_criterion(sub: Submission) -> dict:
    """Criterion id -> [(evidence, link)] of a submission's documents."""
    out: dict[str, list] = {}
    for ev in sub.evidence.prefetch_related("links"):
        for link in ev.links.all():
            out.setdefault(link.criterion_id, []).append((ev, link))
    return out
