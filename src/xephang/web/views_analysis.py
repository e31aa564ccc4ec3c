"""Analysis pages and downloads: a unit's scorecard download, the decision's
metadata form, and the leaders' robustness / year-over-year view. Every figure comes from the core
(``xephang.analysis``, ``xephang.documents``) through ``web.analysis``; nothing is computed here.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from xephang.errors import XephangError

from .analysis import published_scores, robustness, robustness_png, year_over_year
from .forms_meta import DecisionMetaForm
from .models import Period, Status, audit
from .permissions import allow

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def pdf_available() -> bool:
    from xephang.documents.pdf import soffice

    return soffice() is not None


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


@allow("period.manage")
def decision_meta(request, period):
    """The administrator sets the decision's number, date, signer, legal bases, report and recipients."""
    if request.method == "POST":
        form = DecisionMetaForm(request.POST, period=period)
        if form.is_valid():
            before = period.meta.get("decision") or {}
            period.meta = {**period.meta, "decision": form.decision_fields()}
            period.save(update_fields=["meta"])
            audit(request.user, "period.decision_meta", period=period, subject=period.name, before=before,
                  after=period.meta["decision"], reason="thông tin quyết định")
            messages.success(request, "Đã lưu thông tin quyết định.")
            return redirect("web:decision-meta", period_id=period.pk)
        messages.error(request, "Chưa lưu: có thông tin chưa hợp lệ. Xem các ô được đánh dấu bên dưới.")
    else:
        form = DecisionMetaForm(period=period)
    return render(request, "web/decision_meta.html", {"period": period, "form": form})


def _analysable(period: Period) -> bool:
    return period.status in (Status.FINAL, Status.PUBLISHED)


@allow("dashboard.view")
def analysis_page(request, period):
    if not _analysable(period):
        raise Http404("Kỳ chưa chốt kết quả.")
    uncertainty = _uncertainty(request)
    result, why = robustness(period, uncertainty)
    comparison, previous, why_not_compared = year_over_year(period)
    names = {lv.id: lv.name for lv in (result.levels if result else [])}
    groups = []
    if result:
        for g in result.groups:
            rows = []
            for u in g.units:
                probs = sorted(u.level_probability.items(), key=lambda kv: -kv[1])
                rows.append({"u": u, "probs": ", ".join(f"{names.get(k, k)} {_share(v)}" for k, v in probs)})
            close = [p for p in g.neighbours if not p.meaningful]
            groups.append({"group": g.group, "rows": rows, "close": close})
    moves: dict[str, list] = {}  # group name -> rows, in the new ranking's order
    if comparison:
        dec = 2
        for m in comparison.units:
            moves.setdefault(m.group, []).append({"m": m, "delta": _signed(m.delta, dec), "old": _pts(m.old_total, dec),
                                                  "new": _pts(m.new_total, dec)})
    return render(request, "web/analysis.html", {
        "period": period, "result": result, "why": why, "groups": groups, "uncertainty": uncertainty,
        "comparison": comparison, "previous": previous, "why_not_compared": why_not_compared,
        "moves": list(moves.items()),
    })


def _share(p: float) -> str:
    """A probability for a reader: never '0 %' for something that happened, nor '100 %' short of certain."""
    if 0 < p < 0.005:
        return "dưới 1 %"
    if 0.995 <= p < 1:
        return "trên 99 %"
    return f"{p * 100:.0f} %"


def _uncertainty(request) -> float:
    try:
        value = float(request.GET.get("sai-so", "0").replace(",", "."))
    except ValueError:
        return 0.0
    return value if 0 < value <= 10 else 0.0


def _pts(v, decimals):
    from xephang.numbers import format_number, from_fixed

    return "—" if v is None else format_number(from_fixed(v), decimals)


def _signed(v, decimals):
    text = _pts(v, decimals)
    return text if v is None or v <= 0 else "+" + text


@allow("dashboard.view")
def analysis_chart(request, period):
    if not _analysable(period):
        raise Http404("Kỳ chưa chốt kết quả.")
    result, why = robustness(period, _uncertainty(request))
    if result is None:
        raise Http404(why)
    return HttpResponse(robustness_png(result), content_type="image/png")
