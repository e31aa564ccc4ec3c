"""Administration: criteria sets and the audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from xephang.errors import FrameworkError, XephangError
from xephang.framework.loader import parse_framework
from xephang.framework.table import TableImportError, criteria_rows
from xephang.numbers import plain, to_fixed

from ..forms import build_sections
from ..forms_admin import FRAMEWORK_MAX_BYTES, FrameworkForm
from ..models import AuditEntry, Framework, Period, audit
from ..permissions import allow
from ..security import int_param


@allow("framework.manage")
def frameworks(request):
    error = None
    problems: list[str] = []  # every unreadable cell of an uploaded table
    preview = None
    form = FrameworkForm()
    if request.method == "POST":
        form = FrameworkForm(request.POST, request.FILES)
        valid = form.is_valid()
        upload = form.cleaned_data.get("yaml")
        if upload is not None and upload.size > FRAMEWORK_MAX_BYTES:
            messages.error(
                request,
                f"Tệp '{upload.name}' quá lớn ({upload.size // 1024} KB); bộ tiêu chí tối đa "
                f"{FRAMEWORK_MAX_BYTES // 1024} KB.",
            )
            return redirect("web:frameworks")
        text, fw = None, None
        if upload is not None and upload.name.lower().endswith(".xlsx"):
            try:
                text = _table_to_yaml(upload)
            except TableImportError as e:
                error, problems = f"{len(e.problems)} lỗi khi đọc bảng chỉ số:", [str(x) for x in e.problems]
            except XephangError as e:
                error = str(e)
        elif upload is not None:
            text = upload.read().decode("utf-8", errors="replace")
        elif valid:  # pasted text, already checked by the form (its errors are beside it)
            text, fw = form.cleaned_data["text"], form.cleaned_data["framework"]
        if upload is not None and text is not None:
            try:
                fw = parse_framework(text, upload.name)
            except FrameworkError as e:
                error = str(e)
        if fw is not None and error is None:
            if "save" in request.POST:
                obj, created = Framework.objects.update_or_create(
                    code=fw.id, defaults={"title": fw.title, "yaml_text": text}
                )

                audit(
                    request.user,
                    "framework.save",
                    subject=fw.id,
                    after={"sha256": obj.sha256},
                    reason="tải lên bảng chỉ số (xlsx)"
                    if upload is not None and upload.name.lower().endswith(".xlsx")
                    else "tải lên",
                )
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
        shown = {
            "fw": preview,
            "group": gid,
            "sections": build_sections(preview, gid, {}),
            "table": _regulation_table(preview),
            "code": code,
        }
    return render(
        request,
        "web/frameworks.html",
        {"items": items, "error": error, "problems": problems, "shown": shown, "form": form},
    )


def _table_to_yaml(upload) -> str:
    """An uploaded annex table (xlsx, the columns of ``xephang framework export``) as the YAML of a
    criteria set; raises ``TableImportError`` listing every unreadable cell."""
    import tempfile
    from pathlib import Path

    from xephang.framework.table import import_workbook

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(upload.name).name  # messages name the file as the user knows it
        with path.open("wb") as f:
            for chunk in upload.chunks():
                f.write(chunk)
        return import_workbook(path).yaml()


def _regulation_table(fw) -> list[dict]:
    """The set as the regulation's annex prints it: STT, criterion, max points, how it is scored, the
    evidence, the data source and who verifies it (``framework.table.criteria_rows``)."""
    from xephang.documents.annex import rule_words  # the annex's wording; openpyxl loads only here

    groups = {g.id: g.name for g in fw.groups}
    rows = []
    for r in criteria_rows(fw):
        title = r["title"]
        if r["groups"]:
            title += " (" + ", ".join(groups.get(g.strip(), g.strip()) for g in r["groups"].split(",")) + ")"
        if "trừ điểm" in r["flags"]:
            title += " (trừ điểm)"
        # A set typed without the regulation's wording still says how each criterion is scored.
        how = r["description"] or rule_words(fw, fw.criterion(r["id"]))
        rows.append({**r, "title": title, "max": plain(to_fixed(r["max"])), "description": how})
    return rows


@allow("framework.manage")
def framework_table(request, code, fmt):
    """An installed set as the annex table: XLSX (readable back by the upload) or DOCX (as printed)."""
    import tempfile
    from pathlib import Path

    from django.http import FileResponse, Http404

    from xephang.framework.table import export_docx, export_workbook

    obj = get_object_or_404(Framework, code=code)
    if fmt not in ("xlsx", "docx"):
        raise Http404("Không có định dạng này.")
    fw = obj.load()
    out = tempfile.TemporaryFile()
    if fmt == "docx":
        export_docx(fw, out)
        ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        with tempfile.TemporaryDirectory() as tmp:
            out.write(export_workbook(fw, Path(tmp) / "bang.xlsx").read_bytes())
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=f"bang-chi-so-{obj.code}.{fmt}", content_type=ctype)


@allow("audit.view")
def audit_log(request):
    qs = AuditEntry.objects.select_related("user", "period__framework", "unit")
    period_id = int_param(request.GET.get("ky"), "kỳ (ky)", required=False)
    if period_id is not None:
        qs = qs.filter(period_id=period_id)
    return render(request, "web/audit.html", {"entries": qs[:300], "periods": Period.objects.all()})
