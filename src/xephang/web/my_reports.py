"""What a reporter sees under the header of every page: his unit's report status and deadline in each
period taking reports or explanations (a template context processor, named in the settings)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .models import DeadlineExtension, Period, Role, Status, Submission
from .permissions import Who
from .progress import days_text, deadline_for, known_extension


def reporter_status(request) -> dict:
    """Template context: for a reporter, his unit's report status and deadline in each period that is
    taking reports or explanations (shown under the header of every page). Read only when a template
    shows it: the page fragments htmx swaps in (the live score, an evidence block) never do."""
    w = Who.of(getattr(request, "user", None))
    if w.role != Role.REPORTER or w.unit_id is None:
        return {}
    return {"my_reports": SimpleLazyObject(lambda: _statuses(w))}


def _statuses(w) -> list[dict]:
    today = timezone.localdate()
    out = []
    # One query on every page of a reporter, whatever the number of periods: his unit's report state,
    # whether it has figures, and its deadline extension come with each period.
    own = Submission.objects.filter(period=OuterRef("pk"), unit_id=w.unit_id)
    extension = DeadlineExtension.objects.filter(period=OuterRef("pk"), unit_id=w.unit_id).order_by("pk")
    periods = Period.objects.filter(units=w.unit_id, status__in=(Status.OPEN, Status.EXPLANATION)).annotate(
        own_state=Subquery(own.values("state")[:1]),
        own_started=Exists(own.exclude(values={})),
        own_extension=Subquery(extension.values("until")[:1]),
    )
    for p in periods:
        known_extension(p, w.unit_id, p.own_extension)
        if p.status == Status.OPEN:
            deadline = deadline_for(p, w.unit_id)
            submitted = p.own_state == Submission.State.SUBMITTED
            label = (
                "Đã nộp"
                if submitted
                else ("Đang soạn" if p.own_state is not None and p.own_started else "Chưa bắt đầu")
            )
            out.append(
                {
                    "period": p,
                    "label": label,
                    "deadline": deadline,
                    "days": days_text(deadline, today),
                    "late": not submitted and deadline is not None and deadline < today,
                    "submitted": submitted,
                    "url": reverse("web:report", args=[p.pk, w.unit_id]),
                }
            )
        else:
            deadline = p.explanation_deadline
            out.append(
                {
                    "period": p,
                    "label": "Giải trình",
                    "deadline": deadline,
                    "days": days_text(deadline, today),
                    "late": deadline is not None and deadline < today,
                    "submitted": False,
                    "url": reverse("web:explanation", args=[p.pk, w.unit_id]),
                }
            )
    return out
