"""The province's settings, set once by the administrator in the application; audited."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render

from ..forms_admin import ProvinceSettingsForm
from ..models import ProvinceSettings, audit
from ..permissions import allow

FIELDS = ("province", "parent_agency", "department", "decimal_separator")


@allow("settings.manage")
def province_settings(request):
    current = ProvinceSettings.load()
    before = {f: getattr(current, f) for f in FIELDS}
    if request.method == "POST":
        form = ProvinceSettingsForm(request.POST, instance=current)
        if form.is_valid():
            with transaction.atomic():
                saved = form.save()
                after = {f: getattr(saved, f) for f in FIELDS}
                changed = [f for f in FIELDS if before[f] != after[f]]
                if changed:
                    audit(
                        request.user,
                        "settings.update",
                        subject=str(saved),
                        before={f: before[f] for f in changed},
                        after={f: after[f] for f in changed},
                    )
            messages.success(request, "Đã lưu thông tin tỉnh." if changed else "Không có gì thay đổi.")
            return redirect("web:province-settings")
        messages.error(request, "Chưa lưu: có thông tin chưa hợp lệ. Xem các ô được đánh dấu bên dưới.")
    else:
        form = ProvinceSettingsForm(instance=current)
    return render(request, "web/province_settings.html", {"form": form})
