"""The coordinator's progress board: every unit's status, activity, figures, evidence and deadline;
reminders (one unit, or every late unit) and deadline extensions; the board as CSV."""

from __future__ import annotations

import csv
import io
from collections import Counter

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import progress
from ..forms_progress import BoardFilterForm, ExtensionForm
from ..models import Unit
from ..permissions import allow
from ..workflow import WorkflowError


def _filtered(request, period):
    """(the filter form, every row, the rows the filter keeps)."""
    form = BoardFilterForm(request.GET or None, period=period)
    everyone = progress.board(period)
    rows = everyone
    if form.is_valid():
        d = form.cleaned_data
        rows = progress.filter_rows(everyone, d["khoi"], d["trang_thai"], d["qua_han"])
    return form, everyone, rows


#: Units shown on one page of the board (a national roll-up has thousands; the counts, the filters,
#: the CSV and "remind every late unit" still cover them all).
BOARD_ROWS_PER_PAGE = 200


@allow("progress.view")
def board(request, period):
    from django.core.paginator import Paginator

    form, everyone, rows = _filtered(request, period)
    counts = Counter(r.status for r in everyone)
    page = Paginator(rows, BOARD_ROWS_PER_PAGE).get_page(request.GET.get("trang"))
    progress.complete(period, page.object_list)
    filters = request.GET.copy()
    filters.pop("trang", None)
    return render(
        request,
        "web/progress.html",
        {
            "period": period,
            "form": form,
            "rows": page.object_list,
            "page": page,
            "matching": len(rows),
            "total": len(everyone),
            "counts": [(key, label, counts[key]) for key, label in progress.UnitStatus.CHOICES],
            "late": sum(1 for r in everyone if r.late),
            "query": filters.urlencode(),
        },
    )


@allow("progress.view")
def board_csv(request, period):
    _, _, rows = _filtered(request, period)
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(progress.CSV_HEADER)
    out.writerows(progress.csv_rows(progress.complete(period, rows)))
    resp = HttpResponse("\ufeff" + buf.getvalue(), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="tien-do-{period.year}-{period.pk}.csv"'
    return resp


@require_POST
@allow("progress.remind")
def remind(request, period):
    """``unit``: remind that unit; ``late``: every unit not submitted whose deadline has passed."""
    rows = progress.board(period)
    if request.POST.get("unit"):
        rows = [r for r in rows if str(r.unit.pk) == request.POST["unit"]]
    elif request.POST.get("late"):
        rows = [r for r in rows if r.late]
    else:
        rows = []
    if not rows:
        messages.warning(request, "Không có đơn vị nào cần nhắc.")
    else:
        sent, no_address = progress.remind(
            period, progress.complete(period, rows), request.user, request.build_absolute_uri("/")
        )
        if sent:
            messages.success(request, f"Đã gửi thư nhắc {len(sent)} đơn vị: " + ", ".join(sent) + ".")
        if no_address:
            messages.warning(
                request, "Chưa gửi được (đơn vị chưa có địa chỉ thư điện tử nào): " + ", ".join(no_address) + "."
            )
    return redirect(
        reverse("web:progress", args=[period.pk]) + (f"?{request.POST['q']}" if request.POST.get("q") else "")
    )


@allow("deadline.extend")
def extend(request, period, unit: Unit):
    current = progress.deadline_for(period, unit.pk)
    if request.method == "POST":
        form = ExtensionForm(request.POST, period=period)
        if form.is_valid():
            try:
                progress.extend_deadline(
                    period, unit, form.cleaned_data["until"], form.cleaned_data["reason"], request.user
                )
            except WorkflowError as e:
                form.add_error("reason", str(e))
            else:
                messages.success(request, f"Đã gia hạn cho {unit.name} đến {form.cleaned_data['until']:%d/%m/%Y}.")
                return redirect("web:progress", period_id=period.pk)
    else:
        form = ExtensionForm(period=period)
    return render(request, "web/extension.html", {"period": period, "unit": unit, "form": form, "current": current})
