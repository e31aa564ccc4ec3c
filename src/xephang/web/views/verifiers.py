"""Criteria assigned to verifying agencies, per period (verification.py): the administrator picks, for
each criterion that reads figures, the account of the agency that appraises them; audited."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from .. import verification
from ..forms_verification import VerifiersForm
from ..permissions import allow


@allow("period.verifiers")
def period_verifiers(request, period):
    fw = period.framework.load()
    accounts = list(verification.verifier_accounts())
    current = verification.assignments(period)
    criteria = verification.assignable(fw)
    form = VerifiersForm(request.POST or None, criteria=criteria, accounts=accounts, current=current)
    if request.method == "POST":
        if form.is_valid():
            changes = verification.assign(period, request.user, form.wanted)
            messages.success(
                request,
                f"Đã lưu: {len(changes)} tiêu chí thay đổi người xác minh." if changes else "Không có gì thay đổi.",
            )
            return redirect("web:period-verifiers", period_id=period.pk)
        messages.error(request, "Chưa lưu: có lựa chọn không hợp lệ. Xem các ô được đánh dấu bên dưới.")
    suggested = verification.suggested(fw, accounts)
    rows = [
        {
            "criterion": c,
            "current": current[c.id].user_id if c.id in current else None,
            "suggested": suggested.get(c.id),
            "field": form[form.name_of(c)],
        }
        for c in criteria
    ]
    return render(request, "web/verifiers.html", {"period": period, "rows": rows, "accounts": accounts})
