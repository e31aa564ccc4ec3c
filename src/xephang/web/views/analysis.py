"""The leaders' analysis: rank robustness and year over year. Every figure comes from the core
(``xephang.analysis``) through ``web.analysis``; nothing is computed here."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from xephang.display import points, points_change

from ..analysis import robustness, robustness_png, year_over_year
from ..models import Period, Status
from ..permissions import allow


def _analysable(period: Period) -> bool:
    return period.status in (Status.FINAL, Status.PUBLISHED)


@allow("analysis.view")
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
                own = {lv.id: lv.name for lv in g.levels} or names  # the group's own levels, where it has them
                rows.append({"u": u, "probs": ", ".join(f"{own.get(k, k)} {_share(v)}" for k, v in probs)})
            close = [p for p in g.neighbours if not p.meaningful]
            groups.append({"group": g.group, "rows": rows, "close": close})
    moves: dict[str, list] = {}  # group name -> rows, in the new ranking's order
    if comparison:
        dec = 2
        for m in comparison.units:
            moves.setdefault(m.group, []).append(
                {
                    "m": m,
                    "delta": points_change(m.delta, dec),
                    "old": points(m.old_total, dec),
                    "new": points(m.new_total, dec),
                }
            )
    return render(
        request,
        "web/analysis.html",
        {
            "period": period,
            "result": result,
            "why": why,
            "groups": groups,
            "uncertainty": uncertainty,
            "comparison": comparison,
            "previous": previous,
            "why_not_compared": why_not_compared,
            "moves": list(moves.items()),
        },
    )


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


@allow("analysis.view")
def analysis_chart(request, period):
    if not _analysable(period):
        raise Http404("Kỳ chưa chốt kết quả.")
    result, why = robustness(period, _uncertainty(request))
    if result is None:
        raise Http404(why)
    return HttpResponse(robustness_png(result), content_type="image/png")
