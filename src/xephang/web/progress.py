"""Where each unit stands in a period, for the coordinator's progress board: its status, last activity,
figures filled, evidence, deadline (the period's, or the one the coordinator extended for it) and what is
still missing; reminders by e-mail and deadline extensions, both audited.

Reads are batched (a handful of queries for the whole period, whatever the number of units) so that the
board of 200 units stays fast (``benchmarks/web_board.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from xephang.text import sort_key

from .models import (
    AuditEntry,
    DeadlineExtension,
    Evidence,
    EvidenceLink,
    Period,
    Profile,
    Role,
    Status,
    Submission,
    Unit,
    audit,
)
from .scoring import check_values


class UnitStatus:
    """A unit's place in the cycle, as the coordinator names it (in the order of the cycle)."""

    NOT_STARTED = "chua-bat-dau"
    DRAFTING = "dang-soan"
    SUBMITTED = "da-nop"
    APPRAISING = "dang-tham-dinh"
    EXPLAINING = "cho-giai-trinh"
    DONE = "xong"
    LABELS = {
        NOT_STARTED: "Chưa bắt đầu",
        DRAFTING: "Đang soạn",
        SUBMITTED: "Đã nộp",
        APPRAISING: "Đang thẩm định",
        EXPLAINING: "Chờ giải trình",
        DONE: "Xong",
    }
    CHOICES = list(LABELS.items())


def _extensions(period: Period) -> dict:
    # Memoised on the period object: a request asks several times (permission, page, status bar).
    return period.__dict__.setdefault("_unit_deadlines", {})


def known_extension(period: Period, unit_id: int, until: dt.date | None) -> None:
    """Record the unit's extension (or None) read along with the period, so that ``deadline_for``
    does not ask the database again."""
    _extensions(period)[unit_id] = until


def deadline_for(period: Period, unit_id: int) -> dt.date | None:
    """The unit's report deadline: the extension granted to it, else the period's."""
    memo = _extensions(period)
    if unit_id not in memo:
        memo[unit_id] = (
            DeadlineExtension.objects.filter(period=period, unit_id=unit_id).values_list("until", flat=True).first()
        )
    return memo[unit_id] or period.deadline


def before_deadline(period: Period, unit_id: int, today: dt.date | None = None) -> bool:
    """Reports may be edited through the whole deadline day; from the next day they are locked."""
    deadline = deadline_for(period, unit_id)
    return deadline is None or (today or timezone.localdate()) <= deadline


def days_text(deadline: dt.date | None, today: dt.date | None = None) -> str:
    if deadline is None:
        return "không có hạn"
    return _left_text((deadline - (today or timezone.localdate())).days)


def _left_text(left: int) -> str:
    if left > 0:
        return f"còn {left} ngày"
    if left == 0:
        return "hạn là hôm nay"
    return f"quá hạn {-left} ngày"


# --- evidence a report still needs ------------------------------------------------------------


def missing_evidence(fw, group: str, texts: dict, not_applicable, linked_criteria: set[str]) -> list:
    """Criteria still lacking a document: for each figure that requires evidence (``evidence: true`` in the
    criteria set), claimed by the unit (non-zero, 'có', an option) and with no document linked to a
    criterion reading it (the appraisers' data-quality rule), the criterion where the form asks for it
    (the first that reads it). In the form's order, each once."""
    covered: set[str] = set()
    for cid in linked_criteria:
        try:
            covered.update(fw.criterion(cid).inputs())
        except KeyError:
            continue
    parsed = check_values(fw, group, texts, not_applicable).values
    out, asked = [], set()
    for c in fw.all_criteria():
        if c.rule is None or not c.applies_to(group):
            continue
        lacking = False
        for iid in c.own_inputs():  # as reported: through derived values, never a parameter
            if iid in asked:
                continue
            asked.add(iid)
            v = parsed.get(iid)
            if fw.inputs[iid].evidence and iid not in covered and v not in (None, False, 0, "", ()):
                lacking = True
        if lacking:
            out.append(c)
    return out


# --- the board ---------------------------------------------------------------------------------


@dataclass
class BoardRow:
    unit: Unit
    status: str
    deadline: dt.date | None
    days_left: int | None  # negative: overdue
    extended: DeadlineExtension | None
    filled: int | None  # None: not read yet (a submitted report; ``complete``)
    needed: int
    evidence: int
    last_activity: dt.datetime | None
    reminded_at: dt.datetime | None
    missing_evidence: list = field(default_factory=list)  # criteria
    appraised: tuple[int, int] | None = None  # criteria appraised / to appraise (from the appraisal stage)
    submission_id: int | None = None

    @property
    def status_label(self) -> str:
        return UnitStatus.LABELS[self.status]

    @property
    def submitted(self) -> bool:
        return self.status not in (UnitStatus.NOT_STARTED, UnitStatus.DRAFTING)

    @property
    def late(self) -> bool:
        """Not submitted and the deadline has passed."""
        return not self.submitted and self.days_left is not None and self.days_left < 0

    @property
    def days_text(self) -> str:
        return "không có hạn" if self.days_left is None else _left_text(self.days_left)

    @property
    def missing_figures(self) -> int:
        return self.needed - self.filled

    # Texts and links for the board's rows, made here once rather than by template tags per row (the board
    # of 200 units renders in well under 300 ms: benchmarks/web_board.py).
    @property
    def missing_titles(self) -> str:
        return "; ".join(c.title for c in self.missing_evidence)

    @property
    def activity_text(self) -> str:
        return timezone.localtime(self.last_activity).strftime("%d/%m/%Y %H:%M") if self.last_activity else "—"

    @property
    def reminded_text(self) -> str:
        return timezone.localtime(self.reminded_at).strftime("%d/%m %H:%M") if self.reminded_at else ""

    @property
    def deadline_text(self) -> str:
        return self.deadline.strftime("%d/%m/%Y") if self.deadline else ""

    @property
    def report_url(self) -> str:
        return reverse("web:report", args=[self.unit.period_id, self.unit.pk])

    @property
    def extend_url(self) -> str:
        return reverse("web:deadline-extend", args=[self.unit.period_id, self.unit.pk])


def board(period: Period, today: dt.date | None = None) -> list[BoardRow]:
    """One row per unit of the period, sorted by group then the Vietnamese way."""
    from .workflow import criteria_appraised

    today = today or timezone.localdate()
    fw = period.framework.load()
    units = list(period.units.select_related("group"))
    for unit in units:
        unit.period_id = period.pk  # for the rows' links
    # Submitted reports without their figures: their status does not depend on them, and the figures
    # filled are counted for the rows shown (``complete``); drafts with them (their status does).
    subs = {
        s.unit_id: s
        for s in period.submissions.only(
            "id", "period_id", "unit_id", "state", "updated_at", "values", "not_applicable"
        ).exclude(state=Submission.State.SUBMITTED)
    }
    subs.update(
        (s.unit_id, s)
        for s in period.submissions.only("id", "period_id", "unit_id", "state", "updated_at").filter(
            state=Submission.State.SUBMITTED
        )
    )
    stage_appraisal = period.status in (Status.APPRAISAL, Status.EXPLANATION, Status.FINAL, Status.PUBLISHED)
    adjustments: dict[int, list] = {}
    if stage_appraisal and period.kind == Period.Kind.INPUTS:
        from .models import Adjustment

        for adj in Adjustment.objects.filter(submission__period=period).select_related("explanation"):
            adjustments.setdefault(adj.submission_id, []).append(adj)
    ev_count = dict(
        Evidence.objects.filter(submission__period=period)
        .values("submission_id")
        .annotate(n=Count("id"))
        .values_list("submission_id", "n")
    )
    ev_last = dict(
        Evidence.objects.filter(submission__period=period)
        .values("submission_id")
        .annotate(at=Max("uploaded_at"))
        .values_list("submission_id", "at")
    )
    links: dict[int, set[str]] = {}
    for sid, cid in EvidenceLink.objects.filter(evidence__submission__period=period).values_list(
        "evidence__submission_id", "criterion_id"
    ):
        links.setdefault(sid, set()).add(cid)
    extensions = {e.unit_id: e for e in DeadlineExtension.objects.filter(period=period)}
    reminded = dict(
        AuditEntry.objects.filter(period=period, action="report.remind")
        .values("unit_id")
        .annotate(at=Max("at"))
        .values_list("unit_id", "at")
    )
    needed_by_group = {}
    leaves: dict = {}  # group -> the figures each appraised criterion reads (criteria_appraised)
    rows = []
    for unit in units:
        group = unit.group.code
        if group not in needed_by_group:
            needed_by_group[group] = [i.id for i in fw.inputs_for(group)] if fw.group(group) else []
        inputs = needed_by_group[group]
        sub = subs.get(unit.pk)
        ext = extensions.get(unit.pk)
        deadline = ext.until if ext else period.deadline
        filled = None if not not_submitted(sub) else _filled(inputs, sub.values) if sub else 0
        n_ev = ev_count.get(sub.pk, 0) if sub else 0
        status = _status(period, sub, filled, n_ev, adjustments.get(sub.pk, []) if sub else [])
        appraised = None
        if (
            sub is not None
            and stage_appraisal
            and period.kind == Period.Kind.INPUTS
            and status != UnitStatus.DRAFTING
            and sub.state == Submission.State.SUBMITTED
        ):
            sub.unit = unit
            appraised = criteria_appraised(fw, sub, {a.input_id for a in adjustments.get(sub.pk, [])}, leaves)
        last = None
        if sub is not None and (filled or n_ev or sub.state == Submission.State.SUBMITTED):
            last = max(t for t in (sub.updated_at, ev_last.get(sub.pk)) if t is not None)
        missing = []
        if sub is not None and not_submitted(sub) and inputs and period.kind == Period.Kind.INPUTS:
            missing = missing_evidence(fw, group, sub.values, sub.not_applicable, links.get(sub.pk, set()))
        rows.append(
            BoardRow(
                unit=unit,
                status=status,
                deadline=deadline,
                days_left=(deadline - today).days if deadline else None,
                extended=ext,
                filled=filled,
                needed=len(inputs),
                evidence=n_ev,
                last_activity=last,
                reminded_at=reminded.get(unit.pk),
                missing_evidence=missing,
                appraised=appraised,
                submission_id=sub.pk if sub else None,
            )
        )
    rows.sort(key=lambda r: (r.unit.group.order, r.unit.group.code, sort_key(r.unit.name)))
    return rows


def _filled(inputs: list[str], values: dict) -> int:
    return sum(1 for iid in inputs if str(values.get(iid, "")).strip())


def complete(period: Period, rows: list[BoardRow]) -> list[BoardRow]:
    """The figures filled of the submitted reports among ``rows`` (``board`` leaves them out: a page
    shows a few hundred of a period's thousands), read in one query. Returns ``rows``."""
    todo = {r.submission_id: r for r in rows if r.filled is None}
    if todo:
        fw = period.framework.load()
        for sid, values in Submission.objects.filter(pk__in=list(todo)).values_list("id", "values"):
            row = todo[sid]
            row.filled = _filled(
                [i.id for i in fw.inputs_for(row.unit.group.code)] if fw.group(row.unit.group.code) else [], values
            )
    return rows


def not_submitted(sub: Submission | None) -> bool:
    return sub is None or sub.state != Submission.State.SUBMITTED


def _status(period: Period, sub: Submission | None, filled: int, n_ev: int, adjustments: list) -> str:
    if not_submitted(sub):
        return UnitStatus.DRAFTING if sub is not None and (filled or n_ev) else UnitStatus.NOT_STARTED
    if period.status in (Status.DRAFT, Status.OPEN) or period.kind == Period.Kind.TOTALS:
        return UnitStatus.SUBMITTED if period.status in (Status.DRAFT, Status.OPEN) else UnitStatus.DONE
    if period.status == Status.APPRAISAL:
        return UnitStatus.APPRAISING
    if period.status == Status.EXPLANATION:
        adjusted = [a for a in adjustments if not a.accepted]
        if any(getattr(a, "explanation", None) is None for a in adjusted):
            return UnitStatus.EXPLAINING
        if any(a.explanation.decision == a.explanation.Decision.PENDING for a in adjusted):
            return UnitStatus.APPRAISING
    return UnitStatus.DONE


def filter_rows(rows: list[BoardRow], group: str = "", status: str = "", late_only: bool = False) -> list[BoardRow]:
    return [
        r
        for r in rows
        if (not group or r.unit.group.code == group)
        and (not status or r.status == status)
        and (not late_only or r.late)
    ]


CSV_HEADER = [
    "khối",
    "đơn vị",
    "trạng thái",
    "hoạt động gần nhất",
    "chỉ tiêu đã nhập",
    "tổng số chỉ tiêu",
    "tài liệu kiểm chứng",
    "tiêu chí thiếu tài liệu",
    "hạn báo cáo",
    "số ngày còn lại (âm: quá hạn)",
    "gia hạn (lý do)",
    "nhắc gần nhất",
]


def csv_rows(rows: list[BoardRow]) -> list[list]:
    def when(t):
        return timezone.localtime(t).strftime("%d/%m/%Y %H:%M") if t else ""

    return [
        [
            r.unit.group.name,
            r.unit.name,
            r.status_label,
            when(r.last_activity),
            r.filled,
            r.needed,
            r.evidence,
            "; ".join(c.title for c in r.missing_evidence),
            r.deadline.strftime("%d/%m/%Y") if r.deadline else "",
            "" if r.days_left is None else r.days_left,
            r.extended.reason if r.extended else "",
            when(r.reminded_at),
        ]
        for r in rows
    ]


# --- reminders and extensions ------------------------------------------------------------------


def recipients(unit: Unit) -> list[str]:
    """The unit's reporters' addresses and the unit's own, once each, sorted."""
    emails = {
        p.user.email
        for p in Profile.objects.filter(role=Role.REPORTER, unit=unit).select_related("user")
        if p.user.email
    }
    if unit.email:
        emails.add(unit.email)
    return sorted(emails)


def reminder_text(period: Period, row: BoardRow, link: str) -> tuple[str, str]:
    """(subject, body) of a reminder: the link, the deadline and what is still missing."""
    subject = f"[xephang] Nhắc báo cáo {period.name}: {row.unit.name}"
    lines = [
        f"Kính gửi {row.unit.name},",
        "",
        f"Báo cáo của đơn vị trong kỳ đánh giá '{period.name}' hiện ở trạng thái: {row.status_label}.",
    ]
    if row.deadline:
        lines.append(
            f"Hạn nộp: {row.deadline:%d/%m/%Y} ({row.days_text})"
            + (f", đã gia hạn: {row.extended.reason}" if row.extended else "")
            + "."
        )
    missing = []
    if row.missing_figures:
        missing.append(f"- còn {row.missing_figures}/{row.needed} chỉ tiêu chưa nhập số liệu;")
    for c in row.missing_evidence[:15]:
        missing.append(f"- thiếu tài liệu kiểm chứng cho tiêu chí: {c.title};")
    if len(row.missing_evidence) > 15:
        missing.append(f"- và {len(row.missing_evidence) - 15} tiêu chí khác thiếu tài liệu kiểm chứng;")
    if not row.submitted:
        missing.append("- báo cáo chưa được nộp.")
    if missing:
        lines += ["", "Còn thiếu:", *missing]
    lines += ["", f"Mở báo cáo: {link}", "", "Sở Thông tin và Truyền thông (hệ thống xephang)"]
    return subject, "\n".join(lines)


def remind(period: Period, rows: list[BoardRow], user, base_url: str) -> tuple[list[str], list[str]]:
    """E-mail each row's unit a reminder; audited per unit. Returns (units reminded, units without any
    e-mail address)."""
    sent, no_address = [], []
    for row in rows:
        to = recipients(row.unit)
        if not to:
            no_address.append(row.unit.name)
            continue
        link = base_url.rstrip("/") + reverse("web:report", args=[period.pk, row.unit.pk])
        subject, body = reminder_text(period, row, link)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=True)
        audit(
            user,
            "report.remind",
            period=period,
            unit=row.unit,
            subject=row.unit.name,
            after={"to": to, "status": row.status, "deadline": row.deadline.isoformat() if row.deadline else None},
        )
        sent.append(row.unit.name)
    return sent, no_address


@transaction.atomic
def extend_deadline(period: Period, unit: Unit, until: dt.date, reason: str, user) -> DeadlineExtension:
    """Give one unit a later report deadline, with a reason; audited with the deadline before."""
    from .workflow import WorkflowError

    if not reason.strip():
        raise WorkflowError("Gia hạn phải có lý do.")
    ext = DeadlineExtension.objects.select_for_update().filter(period=period, unit=unit).first()
    before = ext.until if ext else period.deadline
    if ext is None:
        ext = DeadlineExtension(period=period, unit=unit)
    ext.until, ext.reason = until, reason.strip()
    ext.granted_by = user if getattr(user, "is_authenticated", False) else None
    ext.granted_at = timezone.now()
    ext.save()
    period.__dict__.pop("_unit_deadlines", None)
    audit(
        user,
        "deadline.extend",
        period=period,
        unit=unit,
        subject=unit.name,
        before={"deadline": before.isoformat() if before else None},
        after={"deadline": until.isoformat()},
        reason=ext.reason,
    )
    return ext
