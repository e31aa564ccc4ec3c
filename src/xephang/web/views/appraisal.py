"""Appraisal by the Sở TTTT: the list of submitted units and one unit's figures to accept or adjust,
and the decisions on explanations."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from xephang.text import sort_key

from .. import workflow
from ..analysis import quality_flags
from ..forms import build_sections
from ..models import Explanation, Submission
from ..permissions import allow, can
from ..security import int_param
from ..scoring import score_period
from ..workflow import WorkflowError


@allow("appraisal.view")
def appraisal_list(request, period):
    """Submitted units with their appraisal progress; filtered by group, name and what is left to do, a
    page at a time (a national roll-up has thousands)."""
    from django.core.paginator import Paginator

    from xephang.text import fold

    prog = workflow.progress(period)
    rows = sorted(prog["per_unit"], key=lambda r: (r[0].unit.group.order, sort_key(r[0].unit.name)))
    groups = sorted({(r[0].unit.group.order, r[0].unit.group.code, r[0].unit.group.name) for r in rows})
    group = request.GET.get("khoi", "")
    query = request.GET.get("tim", "").strip()[:100]
    unfinished = request.GET.get("con-lai") == "1"
    if group:
        rows = [r for r in rows if r[0].unit.group.code == group]
    if query:
        wanted = fold(query)
        rows = [r for r in rows if wanted in fold(r[0].unit.name)]
    if unfinished:
        rows = [r for r in rows if r[1] < r[2]]
    page = Paginator(rows, APPRAISAL_ROWS_PER_PAGE).get_page(request.GET.get("trang"))
    filters = request.GET.copy()
    filters.pop("trang", None)
    return render(request, "web/appraisal_list.html", {
        "period": period, "progress": prog, "rows": page.object_list, "page": page, "matching": len(rows),
        "groups": [(code, name) for _, code, name in groups], "group": group, "query": query,
        "unfinished": unfinished, "filters": filters.urlencode(),
    })


#: Units listed on one page of the appraisal list.
APPRAISAL_ROWS_PER_PAGE = 100



@allow("appraisal.view")
def appraisal_unit(request, period, unit):
    sub = get_object_or_404(Submission, period=period, unit=unit)
    fw = period.framework.load()
    editable = can(request.user, "appraisal.edit", period, unit)
    deciding = can(request.user, "explanation.decide", period, unit)
    if request.method == "POST":
        if "explanation" in request.POST:
            if not deciding:
                raise PermissionDenied("Không trong giai đoạn xem xét giải trình.")
            expl = get_object_or_404(Explanation, pk=int_param(request.POST["explanation"], "giải trình (explanation)"),
                                     adjustment__submission=sub)
            try:
                workflow.decide(expl, request.user, request.POST.get("decision") == "accept", request.POST.get("reason", ""))
            except WorkflowError as e:
                messages.error(request, str(e))
        else:
            if not editable:
                raise PermissionDenied("Không trong giai đoạn thẩm định hoặc bạn không được phân công.")
            try:
                workflow.appraise(sub, request.user, request.POST.get("input", ""), request.POST.get("action") == "accept",
                                  request.POST.get("value", ""), request.POST.get("reason", ""),
                                  seen_version=request.POST.get("version"))
            except WorkflowError as e:
                inp = fw.inputs.get(request.POST.get("input", ""))
                messages.error(request, f"{inp.label}: {e}" if inp else str(e))
        return redirect(reverse("web:appraisal-unit", args=[period.pk, unit.pk]) + f"#i-{request.POST.get('input', '')}")
    evidence = workflow.evidence_by_criterion(sub)
    reported = score_period(period, "reported", only_submitted=False)
    quality = quality_flags(period, sub, reported)
    adjustments = {a.input_id: a for a in sub.adjustments.select_related("explanation")}
    sections = build_sections(fw, unit.group.code, sub.values, {}, sub.carried, evidence, sub.not_applicable)
    for s in sections:
        for r in s.rows:
            for f in r.fields:
                f.flags = quality.by_input.get(f.input.id, [])
                f.adjustment = adjustments.get(f.input.id)
    appraised = score_period(period, "appraised", only_submitted=False)
    done, total = workflow.criteria_appraised(fw, sub)
    return render(request, "web/appraisal_unit.html", {
        "period": period, "unit": unit, "sub": sub, "sections": sections, "editable": editable, "deciding": deciding,
        "reported": reported.ranked(unit.pk), "appraised": appraised.ranked(unit.pk), "done": done, "total": total,
        "reported_shown": _shown(reported, unit), "appraised_shown": _shown(appraised, unit),
        "quality": quality,
    })



def _shown(ps, unit):
    ru = ps.ranked(unit.pk)
    return ps.ranking.show(ru.shown) if ru else None

