"""The adapter between the web pages and ``xephang.analysis``: data-quality flags for appraisers, the
road to the next level, rank robustness and year over year. Every figure comes from the core's
analysis functions; this module only chooses which period's scores to give them and how to label the
result for a page.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from xephang.analysis import Lineage, compare_periods, rank_robustness, road_to_next_level, run_checks
from xephang.errors import XephangError
from xephang.text import fold

from .cache import DATA_CHECKS
from .models import EvidenceLink, Period, Status, Submission
from .scoring import PeriodScores, score_period

#: Draws of the robustness view: the issue's figure (1,000 draws of 47 units) takes well under a second.
DRAWS = 1000
SEED = 1


# --------------------------------------------------------------------------- appraisal: data quality
@dataclass
class QualityFlags:
    by_input: dict[str, list[str]] = field(default_factory=dict)  # input id -> flags shown beside it
    unit: list[str] = field(default_factory=list)  # findings about the whole submission
    skipped: list[str] = field(default_factory=list)  # checks that could not run, and why


def evidence_listed(period: Period, fw) -> dict[str, set[str]]:
    """Folded unit name -> ids of inputs with an evidence document linked (to one of the criteria
    that read them, or to a criteria group above them), the shape ``run_checks`` expects."""
    out: dict[str, set[str]] = {}
    links = EvidenceLink.objects.filter(evidence__submission__period=period).values_list(
        "evidence__submission__unit__name", "criterion_id"
    )
    for unit_name, cid in links:
        try:
            ids = fw.criterion(cid).inputs()
        except KeyError:
            continue
        out.setdefault(fold(unit_name), set()).update(ids)
    return out


def previous_inputs_period(period: Period) -> Period | None:
    """Last year's period with detailed figures (for the jump check), if any."""
    return (
        Period.objects.filter(year__lt=period.year, kind=Period.Kind.INPUTS)
        .exclude(status=Status.DRAFT)
        .order_by("-year")
        .first()
    )


def quality_flags(period: Period, sub: Submission, reported: PeriodScores) -> QualityFlags:
    """``run_checks`` on the period's figures as reported (all units with complete figures: copies and
    outliers need the others), keeping what concerns ``sub``'s unit."""
    out = QualityFlags()
    for iid in sub.carried:
        out.by_input.setdefault(iid, []).append("chuyển từ năm trước, đơn vị chưa xác nhận")
    if reported.scored is None or sub.unit_id not in reported.unit_ids:
        out.skipped.append("chưa kiểm tra được: số liệu của đơn vị chưa đủ hoặc chưa hợp lệ")
        return out
    fw = reported.framework
    prev = previous_inputs_period(period)
    previous = score_period(prev, "appraised") if prev is not None else None
    if previous is not None and previous.scored is None:
        previous = None
    report, findings_of = _checks(reported, previous, evidence_listed(period, fw))
    for f in findings_of.get(fold(sub.unit.name), ()):
        if f.input_id:
            # Beside its figure, a finding about that figure alone need not repeat it.
            alone = ";" not in f.figure and "năm trước" not in f.figure
            text = f"{f.kind_name}: {f.message}" if alone else f"{f.kind_name}: {f.figure} — {f.message}"
            out.by_input.setdefault(f.input_id, []).append(text)
        else:
            out.unit.append(f"{f.kind_name}: {f.figure} — {f.message}")
    out.skipped = [s for s in report.skipped if "--" not in s] + out.skipped
    if previous is None:
        out.skipped.append("Biến động so với năm trước: chưa có kỳ trước có số liệu chi tiết")
    return out


def _checks(reported: PeriodScores, previous: PeriodScores | None, evidence: dict[str, set[str]]):
    """(``run_checks``' report, its findings by folded unit name), computed once per content
    (``cache.DATA_CHECKS``, keyed by the scored periods' own keys and the evidence listed)."""
    key = None
    if reported.key is not None and (previous is None or previous.key is not None):
        key = (
            reported.key,
            previous.key if previous is not None else None,
            frozenset((k, frozenset(v)) for k, v in evidence.items()),
        )

    def compute():
        report = run_checks(reported.scored, previous.scored if previous is not None else None, evidence)
        findings_of: dict[str, list] = {}  # folded unit name -> its findings, in the report's order
        for f in report.findings:
            findings_of.setdefault(fold(f.unit), []).append(f)
        return report, findings_of

    return DATA_CHECKS.get(key, compute)


# --------------------------------------------------------------------- published results: the core's
def published_scores(period: Period) -> PeriodScores | None:
    """The core's ranking of the current published version, rebuilt from the snapshot's own figures
    (never from the live rows, which a correction round may be changing)."""
    from . import publication

    found = publication.edition_of(period, None)
    if found is None:
        return None
    try:
        return publication.scores_of_snapshot(period, found[1])
    except publication.PublicationError:
        return None


def road(period: Period, unit) -> dict | None:
    """The road to the next level of one unit of a published period: None at the top level."""
    ps = published_scores(period)
    if ps is None or unit.pk not in ps.unit_ids:
        return None
    ru = ps.ranked(unit.pk)
    gaps = road_to_next_level(ps.ranking, ru.name)
    if not gaps:
        return {"top": ru.level is not None, "level": ru.level.name if ru.level else None}
    from xephang.display import rounded, rounded_up  # the clerk's rounding of points (lacking rounded up)

    g = gaps[0]
    return {
        "top": False,
        "level": g.level.name,
        "next": g.next_level.name,
        "next_min": rounded(g.next_level.min),
        "lacking": rounded_up(g.lacking),
        "note": g.note,
        "items": [
            {
                "title": o.title,
                "points": rounded(o.points),
                "max": rounded(o.max),
                "unearned": rounded(o.unearned),
                "action": o.action,
                "closes": o.closes_gap,
                "deduction": o.deduction,
            }
            for o in g.opportunities[:5]
        ],
    }


# --------------------------------------------------------------------------------- leaders' analysis
def robustness(period: Period, total_uncertainty: float = 0.0):
    """(result, why not computed) for the latest published (or frozen) results of a period."""
    ps = published_scores(period) if period.status == Status.PUBLISHED else score_period(period, "appraised")
    if ps is None or ps.ranking is None:
        return None, "chưa có kết quả để phân tích"
    try:
        return rank_robustness(ps.ranking, DRAWS, SEED, total_uncertainty=total_uncertainty), None
    except XephangError as e:
        return None, str(e)


def robustness_png(result) -> bytes:
    from xephang.analysis.charts import robustness_chart

    with tempfile.TemporaryDirectory() as tmp:
        path = robustness_chart(result, Path(tmp) / "do-vung.png")
        return path.read_bytes()


def lineage_for(period: Period, framework_groups: dict[str, str] | None = None) -> Lineage:
    """The lineage of the period's units as recorded in the database (``Unit.merged_from``).

    A unit that took part in earlier periods itself keeps its own figure among its predecessors (the
    2025 Sở Tài chính = the old Sở Tài chính + Sở Kế hoạch và Đầu tư). Several predecessors are a merger
    (their earlier figure: the mean, as the national DTI did); one predecessor shared by several new
    units is a split (each is compared with it); one of its own is a renaming."""
    lin = Lineage(groups=dict(framework_groups or {}))
    olds_of: dict[str, list[str]] = {}
    for unit in period.units.prefetch_related("merged_from"):
        olds = [u.name for u in unit.merged_from.all()]
        if not olds:
            continue
        if unit.periods.filter(year__lt=period.year).exists():
            olds = [unit.name, *olds]
        olds_of[unit.name] = olds
    shared: dict[str, list[str]] = {}
    for new, olds in olds_of.items():
        if len(olds) == 1:
            shared.setdefault(olds[0], []).append(new)
    for new, olds in olds_of.items():
        if len(olds) > 1:
            lin.merged_from[new] = olds
        elif len(shared[olds[0]]) > 1:
            lin.split_into[olds[0]] = shared[olds[0]]
        else:
            lin.renamed[olds[0]] = new
    return lin


def previous_published(period: Period) -> Period | None:
    return Period.objects.filter(year__lt=period.year, status=Status.PUBLISHED).order_by("-year").first()


def year_over_year(period: Period):
    """(comparison, earlier period, why not) against the latest earlier published period."""
    prev = previous_published(period)
    if prev is None:
        return None, None, "chưa có kỳ trước đã công bố"
    new = published_scores(period) if period.status == Status.PUBLISHED else score_period(period, "appraised")
    old = published_scores(prev)
    if new is None or new.ranking is None or old is None:
        return None, prev, "chưa có kết quả của một trong hai kỳ"
    # No mapping between groups of units: a ward's rank among 10 wards says nothing against its former
    # district's rank among 27 districts, so across a reorganised group only totals and levels move.
    lineage = lineage_for(period)
    comparison = compare_periods(old.ranking, new.ranking, lineage, 5, prev.name, period.name)
    _not_new_but_absent(comparison, prev, lineage)
    return comparison, prev, None


def _not_new_but_absent(comparison, prev: Period, lineage: Lineage) -> None:
    """A unit (or its predecessors) that took part the year before without reporting has no earlier
    figure, yet it is not new: its row says that it did not report then."""
    from . import publication

    found = publication.edition_of(prev, None)
    absent = {fold(a.name): a.name for a in publication.absent_of(found[1].summary)} if found else {}
    if not absent:
        return
    for m in comparison.units:
        if m.how != "new":
            continue
        _, names = lineage.predecessors(m.name)
        before = [absent[fold(n)] for n in dict.fromkeys([*names, m.name]) if fold(n) in absent]
        if before:
            m.how = "absent"
            m.note = f"kỳ trước không báo cáo: {', '.join(before)}"
