"""Appraisal by the Sở TTTT: the list of submitted units and one unit's figures to accept or adjust,
and the decisions on explanations."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from xephang.text import search, sort_key

from .. import verification, workflow
from ..analysis import quality_flags
from ..forms import build_sections
from ..forms_appraisal import AdjustmentForm, ExplanationDecisionForm
from ..models import Explanation, Submission
from ..permissions import allow, can
from ..scoring import compare_criteria, score_period, total_text
from ..workflow import WorkflowError


@allow("appraisal.view")
def appraisal_list(request, period):
    """Submitted units with their appraisal progress; filtered by group, name and what is left to do, a
    page at a time (a national roll-up has thousands)."""
    from django.core.paginator import Paginator

    prog = workflow.progress(period)
    rows = prog["per_unit"]
    own = None
    if verification.is_verifier(request.user):
        # A verifying agency counts its own work: the figures assigned to it, decided by it.
        own = verification.own_progress(period, period.framework.load(), request.user, rows)
        rows = own.per_unit
    rows = sorted(rows, key=lambda r: (r.group_order, sort_key(r.unit_name)))
    groups = sorted({(r.group_order, r.group_code, r.group_name) for r in rows})
    group = request.GET.get("khoi", "")
    query = request.GET.get("tim", "").strip()[:100]
    unfinished = request.GET.get("con-lai") == "1"
    if group:
        rows = [r for r in rows if r.group_code == group]
    if query:
        rows = search(rows, query, lambda r: r.unit_name)
    if unfinished:
        rows = [r for r in rows if r.done < r.total]
    page = Paginator(rows, APPRAISAL_ROWS_PER_PAGE).get_page(request.GET.get("trang"))
    filters = request.GET.copy()
    filters.pop("trang", None)
    return render(
        request,
        "web/appraisal_list.html",
        {
            "period": period,
            "progress": prog,
            "own": own,
            "rows": page.object_list,
            "page": page,
            "matching": len(rows),
            "groups": [(code, name) for _, code, name in groups],
            "group": group,
            "query": query,
            "unfinished": unfinished,
            "filters": filters.urlencode(),
        },
    )


#: Units listed on one page of the appraisal list.
APPRAISAL_ROWS_PER_PAGE = 100


@allow("appraisal.view")
def appraisal_unit(request, period, unit):
    sub = get_object_or_404(Submission, period=period, unit=unit)
    fw = period.framework.load()
    # The period's appraisers decide every figure; an account of a verifying agency only the figures of
    # the criteria assigned to it (``allowed``: None means every figure).
    allowed = None
    editable = can(request.user, "appraisal.edit", period, unit)
    if not editable and can(request.user, "appraisal.verify", period, unit):
        allowed = verification.inputs_for_user(period, fw, request.user)
        editable = bool(allowed)
    deciding = can(request.user, "explanation.decide", period, unit)
    bound = {}  # input id -> the form posted with errors, shown again with what was typed
    deciding_bound = None  # the decision on an explanation posted with errors
    if request.method == "POST":
        if "explanation" in request.POST:
            if not deciding:
                raise PermissionDenied("Không trong giai đoạn xem xét giải trình.")
            decision = ExplanationDecisionForm(request.POST, submission=sub)
            if "explanation" in decision.errors:  # a tampered id: no form on the page to show it beside
                raise BadRequest(f"Giải trình (explanation): {' '.join(decision.errors['explanation'])}")
            if decision.is_valid():
                expl = decision.cleaned_data["explanation"]
                try:
                    workflow.decide(expl, request.user, decision.accepted, decision.cleaned_data["reason"])
                except WorkflowError as e:
                    decision.add_error("reason", str(e))
            if decision.is_valid():
                return redirect(
                    reverse("web:appraisal-unit", args=[period.pk, unit.pk]) + f"#i-{expl.adjustment.input_id}"
                )
            deciding_bound = decision
            messages.error(request, "Chưa lưu quyết định về giải trình: xem lỗi ngay dưới giải trình.")
        elif not editable:
            raise PermissionDenied("Không trong giai đoạn thẩm định hoặc bạn không được phân công.")
        elif "accept_all" in request.POST:
            try:
                n = workflow.accept_remaining(sub, request.user, only=allowed)
                messages.success(
                    request,
                    f"Đã chấp nhận {n} số liệu còn lại của {unit.name}."
                    if n
                    else "Không còn số liệu nào chưa quyết định.",
                )
            except WorkflowError as e:
                messages.error(request, str(e))
            return redirect("web:appraisal-unit", period_id=period.pk, unit_id=unit.pk)
        else:  # the decision on one figure
            inp = fw.inputs.get(request.POST.get("input", ""))
            if inp is None or inp.id not in {i.id for i in fw.inputs_for(unit.group.code)}:
                messages.error(request, "Chỉ tiêu không thuộc biểu mẫu của đơn vị này.")
                return redirect("web:appraisal-unit", period_id=period.pk, unit_id=unit.pk)
            if allowed is not None and inp.id not in allowed:
                raise PermissionDenied(f"Số liệu '{inp.label}' không thuộc tiêu chí được giao cho cơ quan của bạn.")
            form = AdjustmentForm(request.POST, inp=inp)
            if form.is_valid():
                try:
                    workflow.appraise(
                        sub,
                        request.user,
                        inp.id,
                        form.accepted,
                        form.cleaned_data["value"],
                        form.cleaned_data["reason"],
                        seen_version=form.cleaned_data["version"],
                    )
                except workflow.ConflictError as e:
                    form.add_error(None, str(e))
                except WorkflowError as e:
                    form.add_error("value", str(e))
            if form.is_valid():
                return redirect(reverse("web:appraisal-unit", args=[period.pk, unit.pk]) + f"#i-{inp.id}")
            bound[inp.id] = form
            messages.error(request, f"Chưa lưu quyết định về '{inp.label}': xem lỗi ngay dưới số liệu.")
    evidence = workflow.evidence_by_criterion(sub)
    reported = score_period(period, "reported", only_submitted=False)
    quality = quality_flags(period, sub, reported)
    adjustments = {a.input_id: a for a in sub.adjustments.select_related("explanation", "appraiser__profile__unit")}
    sections = build_sections(
        fw, unit.group.code, sub.values, {}, sub.carried, evidence, sub.not_applicable, measured=sub.measured
    )
    appraised = score_period(period, "appraised", only_submitted=False)
    compared = compare_criteria(reported, appraised, unit.pk)
    assigned = verification.assignments(period)
    verifier_of = {}  # input id -> who verifies it
    for cid, a in assigned.items():
        for iid in verification.inputs_of(fw, [cid]):
            verifier_of.setdefault(iid, verification.who(a.user))
    for s in sections:
        s.verifier = verification.who(assigned[s.criterion.id].user) if s.criterion.id in assigned else None
        for r in s.rows:
            r.compare = compared.get(r.criterion.id)
            # Said once under the section's title when the section itself is assigned.
            r.verifier = (
                verification.who(assigned[r.criterion.id].user)
                if r.criterion.id in assigned and r.criterion.id != s.criterion.id
                else None
            )
            for f in r.fields:
                f.flags = quality.by_input.get(f.input.id, [])
                f.adjustment = adjustments.get(f.input.id)
                f.verifier = verifier_of.get(f.input.id)
                f.editable = editable and (allowed is None or f.input.id in allowed)
                expl = getattr(f.adjustment, "explanation", None) if f.adjustment else None
                if deciding and expl is not None and expl.decision == Explanation.Decision.PENDING:
                    posted = deciding_bound is not None and deciding_bound.data.get("explanation") == str(expl.pk)
                    f.decision = deciding_bound if posted else ExplanationDecisionForm(submission=sub, explanation=expl)
                if f.editable:
                    # A list starts from the unit's own items, one per line: the appraiser strikes or adds.
                    start = {"value": "\n".join(f.items)} if f.input.type == "list" and f.items else {}
                    f.form = bound.get(f.input.id) or AdjustmentForm(
                        inp=f.input, adjustment=f.adjustment, initial=start
                    )
    done, total = workflow.criteria_appraised(fw, sub)
    remaining = sum(
        1 for i in fw.inputs_for(unit.group.code) if i.id not in adjustments and (allowed is None or i.id in allowed)
    )
    return render(
        request,
        "web/appraisal_unit.html",
        {
            "period": period,
            "unit": unit,
            "sub": sub,
            "sections": sections,
            "editable": editable,
            "deciding": deciding,
            "reported": reported.ranked(unit.pk),
            "appraised": appraised.ranked(unit.pk),
            "done": done,
            "total": total,
            "reported_shown": _shown(reported, unit),
            "appraised_shown": _shown(appraised, unit),
            "quality": quality,
            "remaining": remaining,
            "verifying": allowed is not None,
        },
    )


def _shown(ps, unit):
    ru = ps.ranked(unit.pk)
    return total_text(ps, ru) if ru else None
