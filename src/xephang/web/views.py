"""Pages. Each view is wrapped in ``permissions.allow``; scores come from ``scoring`` (the core) or from
a frozen snapshot, never from arithmetic here."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xephang.errors import FrameworkError
from xephang.framework.loader import parse_framework
from xephang.numbers import plain
from xephang.text import sort_key

from . import workflow
from .forms import build_sections, fill_blanks_for_preview, texts_from_post
from .models import (
    Adjustment, AuditEntry, Evidence, Explanation, Framework, Period, Role, Snapshot, Status, Submission,
)
from .analysis import quality_flags, road
from .permissions import Who, allow, can
from .scoring import check_values, criteria_rows, score_period, snapshot_payload
from .security import download, kind_of_stored, pending_draft
from .views_analysis import pdf_available
from .workflow import WorkflowError

#: A criteria set's YAML is a few dozen KB; anything far larger is a mistake or an attack.
FRAMEWORK_MAX_BYTES = 2 * 1024 * 1024

# ---------------------------------------------------------------------------------------------
# Public results (published snapshots only)


def _published_snapshot(period: Period, version: str | None = None) -> Snapshot:
    qs = period.snapshots.filter(published=True)
    if version:
        snap = qs.filter(version=version).first()
    else:
        snap = qs.order_by("-version").first()
    if snap is None:
        raise Http404("Không có kết quả đã công bố.")
    return snap


@allow("home")
def home(request):
    published = [p for p in Period.objects.filter(status=Status.PUBLISHED) if p.snapshots.filter(published=True).exists()]
    w = Who.of(request.user)
    work = []
    if w.role:
        for p in Period.objects.exclude(status=Status.PUBLISHED).select_related("framework"):
            if can(request.user, "period.view", p):
                work.append(p)
    return render(request, "web/home.html", {"published": published, "work": work, "who": w})


@allow("results.view")
def results(request, period):
    snap = _published_snapshot(period, request.GET.get("phien-ban"))
    data = snap.data
    versions = period.snapshots.filter(published=True).order_by("-version")
    return render(request, "web/results.html", {"period": period, "snap": snap, "data": data, "versions": versions})


@allow("results.view")
def unit_result(request, period, unit):
    snap = _published_snapshot(period, request.GET.get("phien-ban"))
    data = snap.data
    row = group = None
    for g in data["groups"]:
        for u in g["units"]:
            if u["unit_id"] == unit.pk:
                row, group = u, g
    if row is None:
        raise Http404("Đơn vị không có trong kết quả.")
    history = []
    ids = {unit.pk, *unit.merged_from.values_list("pk", flat=True)}
    for p in Period.objects.filter(status=Status.PUBLISHED).order_by("year"):
        s = p.snapshots.filter(published=True).order_by("-version").first()
        if s is None:
            continue
        for g in s.data["groups"]:
            for u in g["units"]:
                if u["unit_id"] in ids:
                    history.append({"period": p, "row": u, "group": g["name"], "count": len(g["units"])})
    tops = []
    for c in row["criteria"]:
        if c["depth"] == 0:
            tops.append({**c, "percent": _percent(c["points"], c["max"])})
    return render(request, "web/unit_result.html", {
        "period": period, "unit": unit, "snap": snap, "row": row, "group": group, "tops": tops, "history": history,
        "data": data, "road": road(period, unit) if snap.version == _published_snapshot(period).version else None,
        "pdf_available": pdf_available(),
    })


def _percent(points, maximum) -> int:
    """A bar's width only (display); the figures shown are the core's exact text."""
    m = Decimal(maximum or 0)
    return int(Decimal(points or 0) * 100 / m) if m else 0


@allow("results.view")
def open_data(request, period, fmt):
    snap = _published_snapshot(period, request.GET.get("phien-ban"))
    data = snap.data
    stem = f"xephang-{period.year}-{period.pk}-v{snap.version}"
    if fmt == "json":
        payload = {"sha256": snap.sha256, "version": snap.version, "published_at": snap.created_at.isoformat(),
                   "reason": snap.reason, "results": data, "framework_yaml": period.framework.yaml_text}
        resp = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 1})
        resp["Content-Disposition"] = f'attachment; filename="{stem}.json"'
        return resp
    rows = _flat_rows(data)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        for r in rows:
            w.writerow(r)
        resp = HttpResponse("\ufeff" + buf.getvalue(), content_type="text/csv; charset=utf-8")
        resp["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return resp
    if fmt == "xlsx":
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Kết quả"
        for r in rows:
            ws.append(r)
        fw_ws = wb.create_sheet("Bộ tiêu chí")
        fw_ws.append(["mã", "tiêu chí", "điểm tối đa", "cấp"])
        for c in period.framework.load().all_criteria():
            fw_ws.append([c.id, c.title, plain(c.max), c.depth])
        out = io.BytesIO()
        wb.save(out)
        resp = HttpResponse(out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        resp["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return resp
    raise Http404()


@allow("results.view")
def decision_document(request, period, kind):
    """The decision (DOCX or PDF) and its annex, written by ``xephang.documents`` from the core's ranking,
    which must equal the published snapshot (otherwise the figures changed since: refuse)."""
    import tempfile
    from pathlib import Path

    from xephang.documents.meta import build_meta
    from xephang.errors import XephangError

    snap = _published_snapshot(period)
    ps = score_period(period, "appraised")
    if ps.ranking is None or _ranks(snapshot_payload(ps)) != _ranks(snap.data):
        return render(request, "web/403.html", {"reason": "Số liệu đã thay đổi sau khi công bố; cần công bố phiên bản "
                                                "đính chính trước khi xuất quyết định."}, status=409)
    stem = f"quyet-dinh-{period.year}-v{snap.version}"
    with tempfile.TemporaryDirectory() as tmp:
        try:
            if kind == "annex":
                from xephang.documents.annex import write_annex

                path = write_annex(ps.ranking, Path(tmp) / f"phu-luc-{period.year}-v{snap.version}.xlsx")
            else:
                from xephang.documents.decision import write_decision

                meta = build_meta({**period.meta, "year": period.year}, source=period.name)
                paths = write_decision(ps.ranking, meta, Path(tmp) / f"{stem}.docx", pdf=kind == "pdf")
                path = paths[-1]
        except XephangError as e:
            return render(request, "web/403.html", {"reason": f"Không xuất được văn bản: {e}"}, status=409)
        content = Path(path).read_bytes()
    types = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             ".pdf": "application/pdf", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    resp = HttpResponse(content, content_type=types[Path(path).suffix])
    resp["Content-Disposition"] = f'attachment; filename="{Path(path).name}"'
    return resp


def _ranks(data: dict) -> list:
    return [[(u["name"], u["rank"], u["total"]) for u in g["units"]] for g in data["groups"]]


def _flat_rows(data: dict) -> list[list]:
    """One row per unit: group, rank, unit, total (exact), shown, level, then points per criterion."""
    ids: list[str] = []
    for g in data["groups"]:
        for u in g["units"]:
            for c in u["criteria"]:
                if c["id"] not in ids:
                    ids.append(c["id"])
    head = ["khối", "hạng", "đơn vị", "tổng điểm", "tổng điểm (làm tròn)", "mức", *ids]
    rows = [head]
    for g in data["groups"]:
        for u in g["units"]:
            pts = {c["id"]: c["points"] for c in u["criteria"]}
            rows.append([g["name"], u["rank"], u["name"], u["total"], u["shown"], u["level"] or "",
                         *[pts.get(i, "") if pts.get(i) is not None else "" for i in ids]])
    return rows


@allow("home")
def api_periods(request):
    out = []
    for p in Period.objects.filter(status=Status.PUBLISHED).order_by("-year"):
        s = p.snapshots.filter(published=True).order_by("-version").first()
        if s:
            out.append({"id": p.pk, "name": p.name, "year": p.year, "version": s.version, "sha256": s.sha256,
                        "url": request.build_absolute_uri(reverse("web:api-period", args=[p.pk]))})
    return JsonResponse({"periods": out}, json_dumps_params={"ensure_ascii": False})


@allow("results.view")
def api_period(request, period):
    snap = _published_snapshot(period, request.GET.get("version"))
    return JsonResponse({"sha256": snap.sha256, "version": snap.version, "results": snap.data},
                        json_dumps_params={"ensure_ascii": False})


# ---------------------------------------------------------------------------------------------
# Work: periods, dashboard


def _progress(period: Period) -> dict:
    subs = period.submissions.all()
    total_units = period.units.count()
    submitted = subs.filter(state=Submission.State.SUBMITTED).count()
    fw = period.framework.load()
    appraised = needed = 0
    per_unit = []
    for sub in subs.filter(state=Submission.State.SUBMITTED).select_related("unit", "unit__group").prefetch_related("adjustments"):
        done, total = _criteria_appraised(fw, sub)
        appraised += done
        needed += total
        per_unit.append((sub, done, total))
    return {"units": total_units, "submitted": submitted, "drafts": subs.filter(state=Submission.State.DRAFT).count(),
            "appraised": appraised, "needed": needed, "per_unit": per_unit}


def _criteria_appraised(fw, sub: Submission) -> tuple[int, int]:
    """Leaf criteria whose every figure the appraiser has decided on (accepted or adjusted)."""
    decided = {a.input_id for a in sub.adjustments.all()}
    group = sub.unit.group.code
    leaves = [c for c in fw.all_criteria() if c.rule is not None and c.applies_to(group) and c.rule.inputs()]
    done = sum(1 for c in leaves if set(c.rule.inputs()) <= decided)
    return done, len(leaves)


@allow("dashboard.view")
def dashboard(request):
    periods = []
    for p in Period.objects.exclude(status=Status.DRAFT).select_related("framework"):
        info = {"period": p, "progress": _progress(p) if p.kind == Period.Kind.INPUTS else None}
        snap = p.latest_snapshot()
        dist: dict[str, int] = {}
        if snap:
            levels = [(lv["id"], lv["name"]) for lv in snap.data["levels"]]
            for g in snap.data["groups"]:
                for u in g["units"]:
                    dist[u["level"] or "—"] = dist.get(u["level"] or "—", 0) + 1
        else:
            # Not frozen yet: the distribution of the scores so far (appraised figures where decided).
            ps = score_period(p, "appraised")
            levels = [(lv.id, lv.name) for lv in ps.framework.levels]
            info["provisional"] = ps.ranking is not None
            for u in ps.ranking.units() if ps.ranking else []:
                name = u.level.name if u.level else "—"
                dist[name] = dist.get(name, 0) + 1
        if dist:
            n = sum(dist.values())
            info["levels"] = [{"name": name, "id": lid, "count": dist.get(name, 0),
                               "percent": dist.get(name, 0) * 100 // n} for lid, name in levels]
        periods.append(info)
    return render(request, "web/dashboard.html", {"periods": periods})


@allow("period.view")
def period_page(request, period):
    w = Who.of(request.user)
    if w.role == Role.REPORTER:
        return redirect("web:report", period_id=period.pk, unit_id=w.unit_id)
    ctx = {"period": period, "progress": _progress(period) if period.kind == Period.Kind.INPUTS else None,
           "snapshots": period.snapshots.all(), "audit": workflow.audit_for(period)[:15],
           "next": Status(period.next_status) if period.next_status else None}
    return render(request, "web/period.html", ctx)


@require_POST
@allow("period.manage")
def period_transition(request, period):
    try:
        workflow.transition(period, request.user, request.POST.get("to", ""), request.POST.get("note", ""))
        messages.success(request, f"Đã chuyển kỳ sang giai đoạn: {period.get_status_display()}.")
    except WorkflowError as e:
        messages.error(request, str(e))
    return redirect("web:period", period_id=period.pk)


@require_POST
@allow("period.manage")
def period_correct(request, period):
    try:
        snap = workflow.publish(period, request.user, request.POST.get("reason", ""))
        messages.success(request, f"Đã công bố phiên bản {snap.version}.")
    except WorkflowError as e:
        messages.error(request, str(e))
    return redirect("web:period", period_id=period.pk)


# ---------------------------------------------------------------------------------------------
# Reporting


def _evidence_by_criterion(sub: Submission) -> dict:
    out: dict[str, list] = {}
    for ev in sub.evidence.prefetch_related("links"):
        for link in ev.links.all():
            out.setdefault(link.criterion_id, []).append((ev, link))
    return out


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
    sections = build_sections(fw, group, values, errors, sub.carried if sub.pk else (), _evidence_by_criterion(sub) if sub.pk else {}, na)
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
    from .excel import template

    sub = Submission.objects.filter(period=period, unit=unit).first()
    resp = HttpResponse(template(period, unit, sub),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="bieu-mau-{period.year}-{unit.pk}.xlsx"'
    return resp


@require_POST
@allow("report.edit")
def report_upload(request, period, unit):
    from xephang.errors import XephangError

    from .excel import read_upload

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


# ---------------------------------------------------------------------------------------------
# Appraisal and explanation


@allow("appraisal.view")
def appraisal_list(request, period):
    prog = _progress(period)
    rows = sorted(prog["per_unit"], key=lambda r: (r[0].unit.group.order, sort_key(r[0].unit.name)))
    return render(request, "web/appraisal_list.html", {"period": period, "progress": prog, "rows": rows})


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
            expl = get_object_or_404(Explanation, pk=request.POST["explanation"], adjustment__submission=sub)
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
    evidence = _evidence_by_criterion(sub)
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
    done, total = _criteria_appraised(fw, sub)
    return render(request, "web/appraisal_unit.html", {
        "period": period, "unit": unit, "sub": sub, "sections": sections, "editable": editable, "deciding": deciding,
        "reported": reported.ranked(unit.pk), "appraised": appraised.ranked(unit.pk), "done": done, "total": total,
        "reported_shown": _shown(reported, unit), "appraised_shown": _shown(appraised, unit),
        "quality": quality,
    })


def _shown(ps, unit):
    ru = ps.ranked(unit.pk)
    return ps.ranking.show(ru.shown) if ru else None


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


# ---------------------------------------------------------------------------------------------
# Administration: frameworks, audit


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
                from .models import audit

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
    if request.GET.get("ky"):
        qs = qs.filter(period_id=request.GET["ky"])
    return render(request, "web/audit.html", {"entries": qs[:300], "periods": Period.objects.all()})


def denied(request, exception=None):
    return render(request, "web/403.html", {"reason": str(exception) if exception else ""}, status=403)


def not_found(request, exception=None):
    return render(request, "web/404.html", {}, status=404)
