"""Public results and open data: pages and downloads of published snapshots only, the JSON API,
and the error pages."""

from __future__ import annotations

import csv
import itertools
import json
import re
import tempfile
from decimal import Decimal
from pathlib import Path

from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse

from xephang.errors import XephangError
from xephang.io.cells import safe_row
from xephang.numbers import plain
from xephang.text import search

from .. import publication
from ..analysis import published_scores, road
from ..models import Period, Snapshot, Status, assessed_units
from ..permissions import Who, allow, can


def _published_snapshot(period: Period, version: str | None = None) -> Snapshot:
    """A published version by the number the public sees (1, 2, …); the current one by default."""
    from ..security import int_param

    version = int_param(version, "phiên bản (phien-ban / version)", required=False)
    found = publication.edition_of(period, version)
    if found is None:
        raise Http404("Không có kết quả đã công bố.")
    return found[1]


@allow("home")
def home(request):
    published = Period.objects.filter(pk__in=Snapshot.objects.filter(published=True).values("period_id"))  # one query
    w = Who.of(request.user)
    work = []
    if w.role:
        for p in Period.objects.exclude(status=Status.PUBLISHED).select_related("framework"):
            if can(request.user, "period.view", p):
                work.append(p)
    return render(request, "web/home.html", {"published": published, "work": work, "who": w})


@allow("results.view")
def results(request, period):
    """The published results as frozen: the version asked for (the current one by default), every
    published version, and what changed from the version before."""
    from ..security import int_param

    shown = publication.shown(period, int_param(request.GET.get("phien-ban"), "phiên bản (phien-ban)", required=False))
    if shown is None:
        raise Http404("Không có phiên bản này.")
    return render(request, "web/results.html", results_context(request, period, shown, draft=False))


def results_context(request, period, shown, draft: bool) -> dict:
    """What the results page shows of a snapshot (published, or the draft for leaders)."""
    data = shown.snap.summary
    query = request.GET.get("tim", "").strip()[:100]
    groups = [_group_page(g, request, query) for g in data["groups"]]
    # The legend: the set's levels, or each group's where a group has levels of its own.
    if any("levels" in g for g in data["groups"]):
        legends = [(g["name"], g.get("levels", data["levels"])) for g in data["groups"]]
    else:
        legends = [(None, data["levels"])]
    return {
        "period": period,
        "shown": shown,
        "snap": shown.snap,
        "data": data,
        "draft": draft,
        "groups": groups,
        "query": query,
        "legends": legends,
        "percent": data.get("report") == "points-percent",
        "searchable": query or any(g["count"] > 50 for g in groups),
    }


#: Units listed on one page of a group: a province's groups fit on one page; a national roll-up of
#: thousands of communes is read a page at a time, or searched by name.
UNITS_PER_PAGE = 200


def _group_page(g: dict, request, query: str) -> dict:
    """One group of a result, as its table shows it: the units matching the search, one page of them."""
    from django.core.paginator import Paginator

    units, unranked = g["units"], g.get("unranked", [])
    if query:
        units = search(units, query, lambda u: u["name"])
        unranked = search(unranked, query, lambda u: u["name"])
    page = Paginator(units, UNITS_PER_PAGE).get_page(request.GET.get(f"trang-{g['id']}"))
    pillars = g.get("pillars", [])
    rows = [{**u, "pillar_cells": _pillar_cells(u, pillars)} for u in page.object_list]
    apart = [{**u, "pillar_cells": _pillar_cells(u, pillars)} for u in unranked]
    percent = "earned" in (g["units"] or g.get("unranked") or [{}])[0]
    return {
        **g,
        "units": rows,
        "unranked": apart,
        "count": len(g["units"]),
        "matching": len(units),
        "page": page,
        "unranked_count": len(g.get("unranked", [])),
        "columns": 4 + percent + len(pillars),
    }


def _pillar_cells(u: dict, pillars: list) -> list:
    """A unit's frozen pillar values in the order of its group's pillar columns."""
    mine = {x["id"]: x for x in u.get("pillars", ())}
    return [mine.get(p["id"]) for p in pillars]


@allow("results.view")
def unit_result(request, period, unit):
    snap = _published_snapshot(period, request.GET.get("phien-ban"))
    data = snap.summary
    row = group = None
    for g in data["groups"]:
        for u in assessed_units(g):
            if u["unit_id"] == unit.pk:
                row, group = {**u, "criteria": snap.criteria_of(unit.pk)}, g
    if row is None:
        raise Http404("Đơn vị không có trong kết quả.")
    history = []
    ids = {unit.pk, *unit.merged_from.values_list("pk", flat=True)}
    for p in Period.objects.order_by("year"):
        found = publication.edition_of(p, None)
        if found is None:
            continue
        s = found[1]
        for g in s.summary["groups"]:
            for u in assessed_units(g):
                if u["unit_id"] in ids:
                    history.append({"period": p, "row": u, "group": g["name"], "count": len(g["units"])})
    pillars = [
        {**p, **(_pillar_cells(row, [p])[0] or {}), "id": p["id"], "name": p["name"], "group_max": p["max"]}
        for p in group.get("pillars", [])
    ]
    tops = []
    for c in row["criteria"]:
        if c["depth"] == 0:
            tops.append({**c, "percent": _percent(c["points"], c["max"])})
    return render(
        request,
        "web/unit_result.html",
        {
            "period": period,
            "unit": unit,
            "snap": snap,
            "row": row,
            "group": group,
            "tops": tops,
            "history": history,
            "pillars": pillars,
            "levels": group.get("levels"),
            "data": data,
            "edition": data.get("edition"),
            "road": road(period, unit)
            if snap.version == _published_snapshot(period).version and not row.get("non_reporting")
            else None,
            "pdf_available": pdf_available(),
        },
    )


def _percent(points, maximum) -> int:
    """A bar's width only (display); the figures shown are the core's exact text."""
    m = Decimal(maximum or 0)
    return int(Decimal(points or 0) * 100 / m) if m else 0


#: The heading of a refusal to write a document (409): the reader has the right, the document cannot be written.
_NOT_WRITTEN = "Chưa xuất được văn bản"


@allow("results.view")
def open_data(request, period, fmt):
    """The published results as open data: CSV and Excel one row per unit (points per criterion), JSON the
    frozen content itself. Written row by row from ``SnapshotUnit``, so a national result (thousands of
    units) is streamed, never held whole in memory."""
    snap = _published_snapshot(period, request.GET.get("phien-ban"))
    summary = snap.summary
    edition = summary.get("edition") or snap.version
    stem = f"xephang-{summary['period']['year']}-{period.pk}-v{edition}"
    if fmt == "json":
        # The payload is the canonical JSON text whose SHA-256 is published: sent as it is, not re-encoded.
        head = {
            "framework_yaml": period.framework.yaml_text,
            "published_at": summary.get("published_at"),
            "imported": summary.get("imported"),
            "decision": summary.get("decision"),
            "reason": summary.get("reason", snap.reason),
        }
        tail = {"sha256": snap.sha256, "version": edition}
        text = (
            json.dumps(head, ensure_ascii=False)[:-1]
            + ', "results": '
            + snap.payload
            + ", "
            + json.dumps(tail, ensure_ascii=False)[1:]
        )
        resp = HttpResponse(text, content_type="application/json; charset=utf-8")
        resp["Content-Disposition"] = f'attachment; filename="{stem}.json"'
        return resp
    if fmt == "csv":
        writer = csv.writer(_Echo())
        lines = (writer.writerow(safe_row(r)) for r in _flat_rows(snap, period))  # never a formula
        resp = StreamingHttpResponse(itertools.chain(["\ufeff"], lines), content_type="text/csv; charset=utf-8")
        resp["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return resp
    if fmt == "xlsx":
        import openpyxl
        from openpyxl.utils import get_column_letter

        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("Kết quả")
        rows = _flat_rows(snap, period)
        head = next(rows)
        # Opened as it is, a reader sees whole names and totals, and the header and names stay in view
        # while scrolling (a write-only sheet takes these before its first row).
        widths = {"khối": 34, "hạng": 7, "đơn vị": 42, "tổng điểm (làm tròn)": 21, "mức": 12, "ghi chú": 30}
        for i, title in enumerate(head, start=1):
            ws.column_dimensions[get_column_letter(i)].width = widths.get(title, 16)
        ws.freeze_panes = "D2"
        ws.append(safe_row(head))
        shown = head.index("tổng điểm (làm tròn)")
        for r in rows:
            cells = [_figure(x) for x in safe_row(r)]  # unit names never become formulas
            cells[shown] = _shown_cell(ws, cells[shown], r[shown])
            ws.append(cells)
        fw_ws = wb.create_sheet("Bộ tiêu chí")
        for letter, width in zip("ABCD", (28, 80, 12, 6), strict=True):
            fw_ws.column_dimensions[letter].width = width
        fw_ws.append(["mã", "tiêu chí", "điểm tối đa", "cấp"])
        for c in period.framework.load().all_criteria():
            fw_ws.append(safe_row([c.id, c.title, plain(c.max), c.depth]))
        out = tempfile.TemporaryFile()
        wb.save(out)
        out.seek(0)
        return FileResponse(
            out,
            as_attachment=True,
            filename=f"{stem}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    raise Http404()


#: A figure as the snapshot writes it (exact decimal text): a number in the spreadsheet.
_FIGURE = re.compile(r"-?\d+(?:\.\d+)?")


def _figure(value):
    """``value`` as a spreadsheet number where it is a figure (totals, points, rates), so that a reader
    can sort and sum them (the exact decimal is what the file stores); text stays text. The CSV and
    JSON keep the exact text."""
    if isinstance(value, str) and _FIGURE.fullmatch(value):
        return Decimal(value)
    return value


def _shown_cell(ws, value, text):
    """The rounded total shown with the decimals the snapshot wrote (98.00 stays 98.00, not 98). Only
    this column carries a format: a styled cell costs twice a plain one, on a national sheet of
    hundreds of thousands of cells."""
    if not isinstance(value, Decimal):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    decimals = len(text.partition(".")[2])
    cell.number_format = "0." + "0" * decimals if decimals else "0"
    return cell


class _Echo:
    """A file for ``csv.writer`` that hands each written line back (streamed CSV, as Django's docs do)."""

    def write(self, value):
        return value


@allow("results.view")
def decision_document(request, period, kind):
    """The decision (DOCX or PDF) and its annex of the current published version, written by
    ``xephang.documents`` from the snapshot alone (its figures, units, decision metadata)."""
    return document_response(request, period, _published_snapshot(period, request.GET.get("phien-ban")), kind)


def document_response(request, period, snap, kind, draft: bool = False):
    """Write the decision or its annex from a snapshot: the core's ranking rebuilt from the snapshot's
    figures (``publication.scores_of_snapshot``), the units that did not report as the criteria set
    says, the decision's metadata as frozen; a draft is marked "DỰ THẢO"."""
    from xephang.documents.meta import build_meta

    if kind not in ("docx", "pdf", "annex"):
        raise Http404("Không có loại văn bản này.")
    data = snap.data
    try:
        ps = publication.scores_of_snapshot(period, snap)
    except publication.PublicationError as e:
        return render(request, "web/403.html", {"reason": str(e), "title": _NOT_WRITTEN}, status=409)
    absent = publication.absent_of(data)
    year = data["period"]["year"]
    mark = "du-thao" if draft else f"v{data.get('edition') or snap.version}"
    stem = f"quyet-dinh-{year}-{mark}"
    with tempfile.TemporaryDirectory() as tmp:
        try:
            if kind == "annex":
                from xephang.documents.annex import write_annex

                path = write_annex(ps.ranking, Path(tmp) / f"phu-luc-{year}-{mark}.xlsx", draft=draft, absent=absent)
            else:
                from xephang.documents.decision import write_decision

                meta = build_meta(publication.decision_meta_of(data), source=data["period"]["name"])
                path = write_decision(
                    ps.ranking, meta, Path(tmp) / f"{stem}.docx", pdf=kind == "pdf", draft=draft, absent=absent
                )[-1]
        except XephangError as e:
            return render(
                request, "web/403.html", {"reason": f"Không xuất được văn bản: {e}", "title": _NOT_WRITTEN}, status=409
            )
        content = Path(path).read_bytes()
    types = {
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".pdf": "application/pdf",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    resp = HttpResponse(content, content_type=types[Path(path).suffix])
    resp["Content-Disposition"] = f'attachment; filename="{Path(path).name}"'
    return resp


@allow("results.view")
def signed_scan(request, period, edition):
    """The signed decision's scan of a published version, as kept at publication (its SHA-256 is in
    the version's snapshot and checked again here)."""
    from ..models import SignedScan
    from ..security import download

    found = publication.edition_of(period, edition)
    info = found and found[1].summary.get("signed_scan")
    if not info:
        raise Http404("Phiên bản này không có bản quét quyết định đã ký.")
    scan = SignedScan.objects.filter(pk=info["id"], period=period).first()
    if scan is None or scan.sha256 != info["sha256"]:
        raise Http404("Không tìm thấy bản quét đúng với mã đã công bố.")
    return download(scan.file.open("rb"), scan.original_name, "application/pdf")


@allow("results.view")
def scorecard(request, period, unit, fmt):
    """A unit's result sheet (phiếu kết quả), DOCX or PDF, from the core's ranking of the published
    results (refused if the figures changed after publication)."""
    from xephang.documents.scorecard import slug, write_scorecard

    if fmt not in ("docx", "pdf") or (fmt == "pdf" and not pdf_available()):
        raise Http404("Không có định dạng này.")
    ps = published_scores(period)
    if ps is None:
        return render(
            request,
            "web/403.html",
            {
                "reason": "Số liệu đã thay đổi sau khi công bố; cần công bố phiên bản "
                "đính chính trước khi xuất phiếu kết quả.",
                "title": _NOT_WRITTEN,
            },
            status=409,
        )
    ru = ps.ranked(unit.pk)
    if ru is None:
        raise Http404("Đơn vị không có trong kết quả.")
    name = f"phieu-ket-qua-{period.year}-{slug(unit.name)}.{fmt}"
    with tempfile.TemporaryDirectory() as tmp:
        try:
            path = write_scorecard(ps.ranking, ru, Path(tmp) / name)[-1]
        except XephangError as e:
            return render(
                request,
                "web/403.html",
                {"reason": f"Không xuất được phiếu kết quả: {e}", "title": _NOT_WRITTEN},
                status=409,
            )
        content = path.read_bytes()
    resp = HttpResponse(content, content_type=DOCX if fmt == "docx" else "application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


def pdf_available() -> bool:
    from xephang.documents.pdf import soffice

    return soffice() is not None


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _flat_rows(snap: Snapshot, period: Period):
    """One row per unit: group, rank, unit, total (exact), shown, level, then points per criterion (the
    criteria set's order); the header first."""
    summary = snap.summary
    fw = period.framework
    if summary["period"].get("kind") == Period.Kind.TOTALS:
        ids = []  # published totals only: no points per criterion
    elif summary["framework"].get("sha256") == fw.sha256:
        ids = [c.id for c in fw.load().all_criteria()]
    else:  # an older set than the period's current one: the criteria its results hold
        ids = []
        for criteria in snap.units.values_list("criteria", flat=True).iterator(chunk_size=200):
            ids.extend(c["id"] for c in criteria if c["id"] not in ids)
    # Pillars add three columns each at the end, only where the results have them.
    pillars = list({p["id"]: p["name"] for g in summary["groups"] for p in g.get("pillars", ())}.items())
    extra = [f"{name} ({what})" for _, name in pillars for what in ("điểm", "%", "hạng")]
    yield ["khối", "hạng", "đơn vị", "tổng điểm", "tổng điểm (làm tròn)", "mức", "ghi chú", *ids, *extra]
    rows = snap.units.values_list("unit_id", "criteria").iterator(chunk_size=200)
    for g in summary["groups"]:
        for u in assessed_units(g):
            unit_id, criteria = next(rows)
            assert unit_id == u["unit_id"], "SnapshotUnit rows out of step with the snapshot"
            pts = {c["id"]: c["points"] for c in criteria}
            if u.get("non_reporting"):
                note = "không báo cáo: " + publication.RULE_TEXT.get(u.get("rule"), "")
            elif u.get("reason"):  # assessed, not ranked
                note = "không xếp hạng: " + u["reason"]
            else:
                note = ""
            mine = {x["id"]: x for x in u.get("pillars", ())}
            cells = []
            for pid, _ in pillars:
                x = mine.get(pid)
                cells += ["", "", ""] if x is None else [x["points"], x["percent"], x["rank"] or ""]
            yield [
                g["name"],
                "" if u["rank"] is None else u["rank"],
                u["name"],
                u["total"] or "",
                u["shown"] if u["total"] is not None else "",
                u["level"] or "",
                note,
                *["" if pts.get(i) is None else pts[i] for i in ids],
                *cells,
            ]


@allow("home")
def api_periods(request):
    out = []
    for p in Period.objects.order_by("-year"):
        found = publication.edition_of(p, None)
        if found:
            n, s = found
            out.append(
                {
                    "id": p.pk,
                    "name": s.summary["period"]["name"],
                    "year": s.summary["period"]["year"],
                    "version": n,
                    "sha256": s.sha256,
                    "url": request.build_absolute_uri(reverse("web:api-period", args=[p.pk])),
                }
            )
    return JsonResponse({"periods": out}, json_dumps_params={"ensure_ascii": False})


@allow("results.view")
def api_period(request, period):
    from django.core.exceptions import BadRequest

    try:
        snap = _published_snapshot(period, request.GET.get("version"))
    except BadRequest as e:
        return JsonResponse({"error": str(e)}, status=400, json_dumps_params={"ensure_ascii": False})
    # The frozen payload as it is (its SHA-256 is the published one), not parsed and re-encoded.
    edition = snap.summary.get("edition") or snap.version
    text = f'{{"sha256": "{snap.sha256}", "version": {edition}, "results": {snap.payload}}}'
    return HttpResponse(text, content_type="application/json")


def denied(request, exception=None):
    return render(request, "web/403.html", {"reason": str(exception) if exception else ""}, status=403)


def bad_request(request, exception=None):
    from django.core.exceptions import BadRequest

    # Only our own messages are shown (Django's other 400s may name internals).
    reason = str(exception) if isinstance(exception, BadRequest) and type(exception) is BadRequest else ""
    return render(request, "web/400.html", {"reason": reason}, status=400)


def not_found(request, exception=None):
    return render(request, "web/404.html", {}, status=404)
