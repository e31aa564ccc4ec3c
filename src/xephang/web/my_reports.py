"""What a reporter sees under the header of every page: his unit's report status and deadline in each
period taking reports or explanations (a template context processor, named in the settings)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from .models import Period, Role, Status, Submission
from .permissions import Who
from .progress import days_text, deadline_for, not_submitted


def reporter_status(request) -> dict:
    """Template context: for a reporter, his unit's report status and deadline in each period that is
    taking reports or explanations (shown under the header of every page)."""
    w = Who.of(getattr(request, "user", None))
    if w.role != Role.REPORTER or w.unit_id is None:
        return {}
    today = timezone.localdate()
    out = []
    periods = Period.objects.filter(units=w.unit_id, status__in=(Status.OPEN, Status.EXPLANATION))
    for p in periods:
        sub = Submission.objects.filter(period=p, unit_id=w.unit_id).only("state", "values").first()
        if p.status == Status.OPEN:
            deadline = deadline_for(p, w.unit_id)
            submitted = not not_submitted(sub)
            label = "Đã nộp" if submitted else ("Đang soạn" if sub is not None and sub.values else "Chưa bắt đầu")
            out.append({"period": p, "label": label, "deadline": deadline, "days": days_text(deadline, today),
                        "late": not submitted and deadline is not None and deadline < today, "submitted": submitted,
                        "url": reverse("web:report", args=[p.pk, w.unit_id])})
        else:
            deadline = p.explanation_deadline
            out.append({"period": p, "label": "Giải trình", "deadline": deadline, "days": days_text(deadline, today),
                        "late": deadline is not None and deadline < today, "submitted": False,
                        "url": reverse("web:explanation", args=[p.pk, w.unit_id])})
    return {"my_reports": out}
