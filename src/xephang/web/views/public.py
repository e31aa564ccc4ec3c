"""Public results and open data: pages and downloads of published snapshots only, the JSON API,
and the error pages."""

from __future__ import annotations

import csv
import io
import tempfile
from decimal import Decimal
from pathlib import Path

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from xephang.errors import XephangError
from xephang.io.cells import neutralise_workbook, safe_row
from xephang.numbers import plain

from ..analysis import (
    published_scores,
    road,
)
from ..models import (
    Period,
    Snapshot,
    Status,
)
from ..permissions import Who, allow, can
from ..scoring import score_period, snapshot_payload


def _published_snapshot(period: Period, version: str | None = None) -> Snapshot:
    from ..security import int_param

    qs = period.snapshots.filter(published=True)
    version = int_param(version, "phiên bản (phien-ban / version)", required=False)
    if version is not None:
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
            w.writerow(safe_row(r))
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
        neutralise_workbook(wb)  # unit names and criterion titles never become formulas
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



@allow("results.view")
def scorecard(request, period, unit, fmt):
    """A unit's result sheet (phiếu kết quả), DOCX or PDF, from the core's ranking of the published
    results (refused if the figures changed after publication)."""
    from xephang.documents.scorecard import slug, write_scorecard

    if fmt not in ("docx", "pdf") or (fmt == "pdf" and not pdf_available()):
        raise Http404("Không có định dạng này.")
    ps = published_scores(period)
    if ps is None:
        return render(request, "web/403.html", {"reason": "Số liệu đã thay đổi sau khi công bố; cần công bố phiên bản "
                                                "đính chính trước khi xuất phiếu kết quả."}, status=409)
    ru = ps.ranked(unit.pk)
    if ru is None:
        raise Http404("Đơn vị không có trong kết quả.")
    name = f"phieu-ket-qua-{period.year}-{slug(unit.name)}.{fmt}"
    with tempfile.TemporaryDirectory() as tmp:
        try:
            path = write_scorecard(ps.ranking, ru, Path(tmp) / name)[-1]
        except XephangError as e:
            return render(request, "web/403.html", {"reason": f"Không xuất được phiếu kết quả: {e}"}, status=409)
        content = path.read_bytes()
    resp = HttpResponse(content, content_type=DOCX if fmt == "docx" else "application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp



def pdf_available() -> bool:
    from xephang.documents.pdf import soffice

    return soffice() is not None



DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"



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
    from django.core.exceptions import BadRequest

    try:
        snap = _published_snapshot(period, request.GET.get("version"))
    except BadRequest as e:
        return JsonResponse({"error": str(e)}, status=400, json_dumps_params={"ensure_ascii": False})
    return JsonResponse({"sha256": snap.sha256, "version": snap.version, "results": snap.data},
                        json_dumps_params={"ensure_ascii": False})



def denied(request, exception=None):
    return render(request, "web/403.html", {"reason": str(exception) if exception else ""}, status=403)



def bad_request(request, exception=None):
    from django.core.exceptions import BadRequest

    # Only our own messages are shown (Django's other 400s may name internals).
    reason = str(exception) if isinstance(exception, BadRequest) and type(exception) is BadRequest else ""
    return render(request, "web/400.html", {"reason": reason}, status=400)


def not_found(request, exception=None):
    return render(request, "web/404.html", {}, status=404)

