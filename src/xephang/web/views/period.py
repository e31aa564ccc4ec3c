"""A period's administration: the dashboard, the period page, moving between stages, publication and
corrections, the decision's metadata."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import workflow
from ..forms_meta import DecisionMetaForm
from ..models import Period, Role, Status, audit
from ..permissions import Who, allow, can
from ..scoring import score_period
from ..workflow import WorkflowError


@allow("dashboard.view")
def dashboard(request):
    periods = []
    for p in Period.objects.exclude(status=Status.DRAFT).select_related("framework"):
        info = {"period": p, "progress": workflow.progress(p) if p.kind == Period.Kind.INPUTS else None}
        snap = p.latest_snapshot()
        dist: dict[str, int] = {}
        if snap:
            levels = [(lv["id"], lv["name"]) for lv in snap.summary["levels"]]
            for g in snap.summary["groups"]:
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
           "next": Status(period.next_status) if period.next_status else None,
           "params": params_shown(period) if period.kind == Period.Kind.INPUTS else [],
           "measured": bool(period.framework.load().measured_inputs()) if period.kind == Period.Kind.INPUTS else False}
    return render(request, "web/period.html", ctx)



@require_POST
@allow("period.manage")
def period_transition(request, period):
    try:
        workflow.transition(period, request.user, request.POST.get("to", ""), request.POST.get("note", ""))
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
def period_params(request, period):
    """The administrator sets the values of the criteria set's period parameters; read-only once frozen."""
    from ..forms_params import PeriodParamsForm

    fw = period.framework.load()
    editable = can(request.user, "period.params", period)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Kết quả của kỳ đã chốt: không sửa được tham số của kỳ.")
        form = PeriodParamsForm(request.POST, framework=fw, current=period.params)
        if form.is_valid():
            try:
                workflow.set_params(period, request.user, form.values())
                messages.success(request, "Đã lưu tham số của kỳ.")
                return redirect("web:period-params", period_id=period.pk)
            except WorkflowError as e:
                messages.error(request, str(e))
        else:
            messages.error(request, "Chưa lưu: có giá trị chưa hợp lệ. Xem các ô được đánh dấu bên dưới.")
    else:
        form = PeriodParamsForm(framework=fw, current=period.params)
    return render(request, "web/period_params.html", {"period": period, "form": form, "editable": editable,
                                                      "values": params_shown(period, fw)})


@allow("period.manage")
def measured_feed(request, period):
    """The administrator uploads a feed of system-measured and survey figures for every unit."""
    fw = period.framework.load()
    editable = can(request.user, "period.measured", period)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Kết quả của kỳ đã chốt: không nhập thêm số liệu đo.")
        upload = request.FILES.get("feed")
        if upload is None:
            messages.error(request, "Hãy chọn tệp số liệu đo (CSV hoặc Excel).")
        else:
            try:
                figures = workflow.import_measured(period, request.user, upload)
                messages.success(request, f"Đã nhập {len(figures)} số liệu từ '{upload.name}'.")
                return redirect("web:measured", period_id=period.pk)
            except WorkflowError as e:
                messages.error(request, str(e))
    measured = fw.measured_inputs()
    rows = []
    for sub in period.submissions.select_related("unit").order_by("unit__order", "unit__name"):
        for iid in measured:
            stamp = sub.measured.get(iid)
            if stamp:
                rows.append({"unit": sub.unit.name, "label": fw.inputs[iid].label, "value": sub.values.get(iid, ""),
                             **stamp})
    from xephang.framework.model import DATA_SOURCES

    return render(request, "web/measured.html", {
        "period": period, "editable": editable, "rows": rows,
        "indicators": [{"id": iid, "label": fw.inputs[iid].label, "source": DATA_SOURCES[src],
                        "survey": fw.inputs[iid].survey} for iid, src in measured.items()],
    })


def params_shown(period, fw=None) -> list[dict]:
    """The set's parameters with the period's values as pages show them (the default where not set)."""
    from xephang.framework.params import ParamError, param_text, parse_param

    fw = fw or period.framework.load()
    out = []
    for p in fw.params.values():
        text = period.params.get(p.id, "")
        try:
            value = param_text(p, parse_param(p, text)) if text else (
                param_text(p, p.default) + " (mặc định)" if p.default is not None else "")
        except ParamError:
            value = ""
        out.append({"id": p.id, "label": p.label, "value": value})
    return out


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

