"""A period's administration: the dashboard, the period page, moving between stages, publication and
corrections, the decision's metadata."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import workflow
from ..forms_meta import DecisionMetaForm
from ..models import (
    Period,
    Role,
    Status,
    audit,
)
from ..permissions import Who, allow, can
from ..scoring import score_period
from ..workflow import WorkflowError


@allow("dashboard.view")
def dashboard(request):
    periods = []
    for p in Period.objects.exclude(status=Status.DRAFT).select_related("framework"):
        if not can(request.user, "period.view", p):
            continue  # an appraiser sees only the periods he is assigned to
        info = {"period": p, "progress": workflow.progress(p) if p.kind == Period.Kind.INPUTS else None}
        snap = p.latest_snapshot()
        dist: dict[str, int] = {}
        if snap:
            levels = [(lv["id"], lv["name"]) for lv in snap.data["levels"]]
            for g in snap.data["groups"]:
                for u in g["units"]:
                    dist[u["level"] or "—"] = dist.get(u["level"] or "—", 0) + 1
        else:
            # Not frozen yet: the distribution of the scores so far (appraised figures where decided).
            ps = score_period(p, "appraised")
            levels = [(lv.id, lv.name) for lv in ps.framework.levels]
            info["provisional"] = ps.ranking is not None
            for u in ps.ranking.units() if ps.ranking else []:
                name = u.level.name if u.level else "—"
                dist[name] = dist.get(name, 0) + 1
        if dist:
            n = sum(dist.values())
            info["levels"] = [{"name": name, "id": lid, "count": dist.get(name, 0),
                               "percent": dist.get(name, 0) * 100 // n} for lid, name in levels]
        periods.append(info)
    return render(request, "web/dashboard.html", {"periods": periods})



@allow("period.view")
def period_page(request, period):
    w = Who.of(request.user)
    if w.role == Role.REPORTER:
        return redirect("web:report", period_id=period.pk, unit_id=w.unit_id)
    ctx = {"period": period, "progress": workflow.progress(period) if period.kind == Period.Kind.INPUTS else None,
           "snapshots": period.snapshots.all(), "audit": workflow.audit_for(period)[:15],
           "next": Status(period.next_status) if period.next_status else None}
    return render(request, "web/period.html", ctx)



@require_POST
@allow("period.manage")
def period_transition(request, period):
    to = request.POST.get("to", "")
    if to not in Status.values:
        from django.core.exceptions import BadRequest

        raise BadRequest(f"Giai đoạn '{to[:40]}' không tồn tại; các giai đoạn: {', '.join(Status.labels)}.")
    try:
        workflow.transition(period, request.user, to, request.POST.get("note", ""))
        messages.success(request, f"Đã chuyển kỳ sang giai đoạn: {period.get_status_display()}.")
    except WorkflowError as e:
        messages.error(request, str(e))
    return redirect("web:period", period_id=period.pk)



@require_POST
@allow("period.manage")
def period_correct(request, period):
    try:
        snap = workflow.publish(period, request.user, request.POST.get("reason", ""))
        messages.success(request, f"Đã công bố phiên bản {snap.version}.")
    except WorkflowError as e:
        messages.error(request, str(e))
    return redirect("web:period", period_id=period.pk)



@allow("period.manage")
def decision_meta(request, period):
    """The administrator sets the decision's number, date, signer, legal bases, report and recipients."""
    if request.method == "POST":
        form = DecisionMetaForm(request.POST, period=period)
        if form.is_valid():
            before = period.meta.get("decision") or {}
            period.meta = {**period.meta, "decision": form.decision_fields()}
            period.save(update_fields=["meta"])
            audit(request.user, "period.decision_meta", period=period, subject=period.name, before=before,
                  after=period.meta["decision"], reason="thông tin quyết định")
            messages.success(request, "Đã lưu thông tin quyết định.")
            return redirect("web:decision-meta", period_id=period.pk)
        messages.error(request, "Chưa lưu: có thông tin chưa hợp lệ. Xem các ô được đánh dấu bên dưới.")
    else:
        form = DecisionMetaForm(period=period)
    return render(request, "web/decision_meta.html", {"period": period, "form": form})

