"""Criteria assigned to verifying agencies, per period (verification.py): the administrator picks, for
each criterion that reads figures, the account of the agency that appraises them; audited."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from .. import verification
from ..permissions import allow


@allow("period.verifiers")
def period_verifiers(request, period):
    fw = period.framework.load()
    accounts = list(verification.verifier_accounts())
    by_pk = {str(u.pk): u for u in accounts}
    current = verification.assignments(period)
    criteria = verification.assignable(fw)
    errors = {}
    if request.method == "POST":
        wanted = {}
        for c in criteria:
            picked = request.POST.get(f"c_{c.id}", "")
            if picked and picked not in by_pk:
                errors[c.id] = "Hãy chọn một tài khoản cơ quan xác minh trong danh sách."
            else:
                wanted[c.id] = by_pk.get(picked)
        if not errors:
            changes = verification.assign(period, request.user, wanted)
            messages.success(request, f"Đã lưu: {len(changes)} tiêu chí thay đổi người xác minh." if changes
                             else "Không có gì thay đổi.")
            return redirect("web:period-verifiers", period_id=period.pk)
        messages.error(request, "Chưa lưu: có lựa chọn không hợp lệ. Xem các ô được đánh dấu bên dưới.")
    suggested = verification.suggested(fw, accounts)
    rows = [{"criterion": c, "current": current[c.id].user_id if c.id in current else None,
             "suggested": suggested.get(c.id), "error": errors.get(c.id),
             "picked": request.POST.get(f"c_{c.id}", "") if errors else None} for c in criteria]
    return render(request, "web/verifiers.html", {"period": period, "rows": rows, "accounts": accounts})
