"""Setting up a year: a new period (from a criteria set, or copied from last year), in Vietnamese."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render

from xephang.text import sort_key

from ..forms_setup import PeriodSetupForm, initial_from
from ..models import Period, Status, audit
from ..permissions import allow


@allow("period.create")
def period_new(request):
    if request.method == "POST":
        form = PeriodSetupForm(request.POST)
        if form.is_valid():
            period = _create(form.cleaned_data, request.user)
            messages.success(
                request,
                f"Đã tạo kỳ '{period.name}' (dự thảo) với {period.units.count()} đơn vị. "
                "Kiểm tra rồi chuyển sang 'Đang nhận báo cáo' để các đơn vị bắt đầu.",
            )
            return redirect("web:period", period_id=period.pk)
        messages.error(request, "Chưa tạo: có thông tin chưa hợp lệ. Xem các ô được đánh dấu bên dưới.")
    else:
        source = (
            Period.objects.filter(pk=request.GET.get("tu") or 0, kind=Period.Kind.INPUTS).first()
            if (request.GET.get("tu") or "").isdigit()
            else None
        )
        form = PeriodSetupForm(initial=initial_from(source) if source else {})
    chosen = {str(v) for v in (form["units"].value() or [])}
    groups: dict = {}
    for unit in form.fields["units"].queryset:
        groups.setdefault(unit.group, []).append((unit, str(unit.pk) in chosen))
    by_group = [
        (g, sorted(units, key=lambda x: sort_key(x[0].name)))
        for g, units in sorted(groups.items(), key=lambda kv: (kv[0].order, kv[0].code))
    ]
    return render(
        request,
        "web/period_new.html",
        {
            "form": form,
            "by_group": by_group,
            "drafts": Period.objects.filter(status=Status.DRAFT),
            "sources": Period.objects.filter(kind=Period.Kind.INPUTS).order_by("-year"),
        },
    )


@transaction.atomic
def _create(d: dict, user) -> Period:
    period = Period.objects.create(
        name=d["name"].strip(),
        year=d["year"],
        framework=d["framework"],
        kind=Period.Kind.INPUTS,
        status=Status.DRAFT,
        ties=d["ties"] or "",
        deadline=d["deadline"],
        explanation_deadline=d["explanation_deadline"],
    )
    period.units.set(d["units"])
    period.appraisers.set(d["appraisers"])
    audit(
        user,
        "period.create",
        period=period,
        subject=period.name,
        after={
            "year": period.year,
            "framework": period.framework.code,
            "units": len(d["units"]),
            "appraisers": [u.get_username() for u in d["appraisers"]],
            "deadline": period.deadline.isoformat() if period.deadline else None,
            "explanation_deadline": period.explanation_deadline.isoformat() if period.explanation_deadline else None,
            "copied_from": d["copy_from"].name if d["copy_from"] else None,
        },
    )
    return period
