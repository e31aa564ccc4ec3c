"""Administration: criteria sets and the audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from xephang.errors import FrameworkError
from xephang.framework.loader import parse_framework

from ..forms import build_sections
from ..models import AuditEntry, Framework, Period, audit
from ..permissions import allow
from ..security import int_param

#: A criteria set's YAML is a few dozen KB; anything far larger is a mistake or an attack.
FRAMEWORK_MAX_BYTES = 2 * 1024 * 1024



@allow("framework.manage")
def frameworks(request):
    error = None
    preview = None
    if request.method == "POST":
        upload = request.FILES.get("yaml")
        if upload is not None and upload.size > FRAMEWORK_MAX_BYTES:
            messages.error(request, f"Tệp '{upload.name}' quá lớn ({upload.size // 1024} KB); bộ tiêu chí tối đa "
                                    f"{FRAMEWORK_MAX_BYTES // 1024} KB.")
            return redirect("web:frameworks")
        text = upload.read().decode("utf-8", errors="replace") if upload else request.POST.get("text", "")
        try:
            fw = parse_framework(text, upload.name if upload else "bo-tieu-chi.yaml")
        except FrameworkError as e:
            error = str(e)
        else:
            if "save" in request.POST:
                obj, created = Framework.objects.update_or_create(code=fw.id, defaults={"title": fw.title, "yaml_text": text})

                audit(request.user, "framework.save", subject=fw.id, after={"sha256": obj.sha256}, reason="tải lên")
                messages.success(request, f"Đã lưu bộ tiêu chí '{fw.id}'.")
                return redirect("web:frameworks")
            preview = fw
    items = Framework.objects.all()
    group = request.GET.get("khoi")
    shown = None
    code = request.GET.get("xem")
    if code:
        obj = get_object_or_404(Framework, code=code)
        preview = obj.load()
    if preview is not None:
        gid = group if group and preview.group(group) else preview.groups[0].id
        shown = {"fw": preview, "group": gid, "sections": build_sections(preview, gid, {})}
    return render(request, "web/frameworks.html", {"items": items, "error": error, "shown": shown})



@allow("audit.view")
def audit_log(request):
    qs = AuditEntry.objects.select_related("user", "period", "unit")
    period_id = int_param(request.GET.get("ky"), "kỳ (ky)", required=False)
    if period_id is not None:
        qs = qs.filter(period_id=period_id)
    return render(request, "web/audit.html", {"entries": qs[:300], "periods": Period.objects.all()})

