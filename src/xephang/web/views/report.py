"""Reporting by a unit: the report form with its live self-score, evidence, the offline Excel path,
and the unit's explanations (giải trình) of the appraiser's adjustments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xephang.errors import XephangError

from .. import workflow
from ..forms import build_sections, fill_blanks_for_preview, texts_from_post
from ..models import Adjustment, Evidence, Submission
from ..permissions import allow, can
from ..scoring import check_values, criteria_rows, score_period
from ..security import download, kind_of_stored, pending_draft
from ..workflow import WorkflowError


@allow("report.view")
def report(request, period, unit):
    sub = workflow.submission_for(period, unit) if can(request.user, "report.edit", period, unit) else \
        Submission.objects.filter(period=period, unit=unit).first() or Submission(period=period, unit=unit)
    fw = period.framework.load()
    group = unit.group.code
    editable = can(request.user, "report.edit", period, unit) and sub.state != Submission.State.SUBMITTED
    errors, values, na = {}, dict(sub.values), list(sub.not_applicable)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Báo cáo đã nộp hoặc kỳ không còn nhận báo cáo.")
        texts, na, confirm = texts_from_post(fw, group, request.POST)
        submit = "submit" in request.POST
        try:
            checked = workflow.save_report(sub, request.user, texts, na, confirm, submit,
                                           seen_version=request.POST.get("version"))
        except workflow.ConflictError as e:
            messages.error(request, str(e))
            return redirect("web:report", period_id=period.pk, unit_id=unit.pk)
        if checked.errors or (submit and checked.missing):
            errors = dict(checked.errors)
            for iid in checked.missing if submit else ():
                errors[iid] = "chưa nhập; cần nhập đủ trước khi nộp"
            values = texts
            messages.error(request, "Chưa lưu: có số liệu chưa hợp lệ. Xem các ô được đánh dấu bên dưới.")
        else:
            messages.success(request, "Đã nộp báo cáo." if submit else "Đã lưu bản nháp.")
            return redirect("web:report", period_id=period.pk, unit_id=unit.pk)
    elif editable and (kept := pending_draft(request)) is not None:
        # Typed before the session expired (security.keep_draft): shown again, not saved until confirmed.
        values, na, _ = texts_from_post(fw, group, kept)
    sections = build_sections(fw, group, values, errors, sub.carried if sub.pk else (), workflow.evidence_by_criterion(sub) if sub.pk else {}, na)
    live = _live_context(period, unit, values, na) if sub.pk else None
    return render(request, "web/report.html", {
        "period": period, "unit": unit, "sub": sub, "sections": sections, "editable": editable, "live": live,
        "fw": fw, "evidence": sub.evidence.prefetch_related("links") if sub.pk else [],
        "criteria_choices": [(c.id, c.title) for c in fw.all_criteria() if c.applies_to(group)],
    })



def _live_context(period, unit, texts, na):
    fw = period.framework.load()
    group = unit.group.code
    filled, blanks = fill_blanks_for_preview(fw, group, texts)
    checked = check_values(fw, group, filled, na)
    if checked.errors:
        return {"errors": [(fw.inputs[i].label, m) for i, m in checked.errors.items()], "blanks": blanks}
    ps = score_period(period, "reported", override=(unit.pk, filled, na))
    ru = ps.ranked(unit.pk)
    rows = [r for r in criteria_rows(ps, unit.pk) if r["depth"] == 0]
    return {"ranked": ru, "rows": rows, "blanks": blanks, "shown": ps.ranking.show(ru.shown),
            "others": len(ps.unit_ids) - 1}



@require_POST
@allow("report.edit")
def report_live(request, period, unit):
    fw = period.framework.load()
    texts, na, _ = texts_from_post(fw, unit.group.code, request.POST)
    return render(request, "web/_live.html", {"live": _live_context(period, unit, texts, na)})



@require_POST
@allow("report.edit")
def evidence_upload(request, period, unit):
    sub = workflow.submission_for(period, unit)
    if sub.state == Submission.State.SUBMITTED:
        raise PermissionDenied("Báo cáo đã nộp.")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Hãy chọn tệp tài liệu kiểm chứng.")
    else:
        try:
            workflow.add_evidence(sub, request.user, upload, request.POST.getlist("criteria"),
                                  request.POST.get("locator", ""), request.POST.get("summary", ""))
            messages.success(request, f"Đã tải lên '{upload.name}'.")
        except WorkflowError as e:
            messages.error(request, str(e))
    return redirect(reverse("web:report", args=[period.pk, unit.pk]) + "#minh-chung")



@allow("report.view")
def report_template(request, period, unit):
    from ..excel import template

    sub = Submission.objects.filter(period=period, unit=unit).first()
    resp = HttpResponse(template(period, unit, sub),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="bieu-mau-{period.year}-{unit.pk}.xlsx"'
    return resp



@require_POST
@allow("report.edit")
def report_upload(request, period, unit):

    from ..excel import read_upload

    upload = request.FILES.get("xlsx")
    if upload is None:
        messages.error(request, "Hãy chọn tệp Excel đã điền.")
        return redirect("web:report", period_id=period.pk, unit_id=unit.pk)
    try:
        texts, na = read_upload(period, unit, upload)
    except XephangError as e:
        messages.error(request, f"Không lưu gì từ tệp này: {e}")
        return redirect("web:report", period_id=period.pk, unit_id=unit.pk)
    sub = workflow.submission_for(period, unit)
    checked = workflow.save_report(sub, request.user, texts, na, set(), submit=False)
    if checked.errors:
        messages.error(request, "Không lưu gì từ tệp này: " + "; ".join(checked.errors.values()))
    else:
        messages.success(request, f"Đã nhập số liệu từ '{upload.name}' (bản nháp; kiểm tra rồi nộp).")
    return redirect("web:report", period_id=period.pk, unit_id=unit.pk)



@allow("report.view")
def evidence_download(request, period, unit, evidence_id):
    ev = get_object_or_404(Evidence, pk=evidence_id, submission__period=period, submission__unit=unit)
    return download(ev.file.open("rb"), ev.original_name, kind_of_stored(ev.file.name))



@allow("report.view")
def explanation_page(request, period, unit):
    sub = get_object_or_404(Submission, period=period, unit=unit)
    fw = period.framework.load()
    editable = can(request.user, "explanation.edit", period, unit)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Không trong giai đoạn giải trình.")
        adj = get_object_or_404(Adjustment, pk=request.POST.get("adjustment"), submission=sub, accepted=False)
        ev = None
        try:
            if request.FILES.get("file"):
                readers = [c.id for c in fw.readers_of(adj.input_id)]
                ev = workflow.add_evidence(sub, request.user, request.FILES["file"], readers[:1],
                                           request.POST.get("locator", ""), "Giải trình: " + fw.inputs[adj.input_id].label)
            workflow.explain(adj, request.user, request.POST.get("text", ""), ev)
            messages.success(request, "Đã gửi giải trình.")
        except WorkflowError as e:
            messages.error(request, str(e))
        return redirect("web:explanation", period_id=period.pk, unit_id=unit.pk)
    adjustments = sub.adjustments.filter(accepted=False).select_related("explanation")
    items = [(a, fw.inputs.get(a.input_id)) for a in adjustments]
    return render(request, "web/explanation.html", {"period": period, "unit": unit, "sub": sub, "items": items,
                                                     "editable": editable})

