"""A period's scores brought up to date from the reports whose revision changed equal the period scored
again from every report: after random sequences of changes (figures edited, a figure above the best
of a relative criterion, reports submitted and withdrawn, criteria marked not applicable, adjustments
and decisions on explanations at the appraised stage, units renamed, reordered or moved to another
group, reports added), written through the models or behind their back (a queryset ``update()``),
the points, explanations, totals, levels, ranks, left-out list and order are the same."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from xephang.web import cache, scoring
from xephang.web.models import Adjustment, Explanation, Period, Submission, Unit, UnitGroup
from xephang.web.scoring import PeriodScores, criteria_rows, score_period

RELATIVE = "bang_thong_internet"  # bandwidth per person: points relative to the best of the group
STAGES = [("reported", True), ("reported", False), ("appraised", False), ("appraised", True)]


def _everything(ps: PeriodScores) -> tuple:
    """All that a page or a snapshot shows of the scores, in order."""
    if ps.ranking is None:
        return (ps.error, ps.unit_ids, ps.left_out)
    units = [
        (
            ps.unit_ids[k],
            su.name,
            su.group,
            su.order,
            su.total,
            sorted(su.not_applicable),
            criteria_rows(ps, ps.unit_ids[k]),
        )
        for k, su in enumerate(ps.scored.units)
    ]
    ranked = [
        (u.name, u.total, u.shown, u.rank, u.position, u.level and u.level.id, u.ranked, u.reason)
        for u in ps.ranking.all_units()
    ]
    return (ps.error, ps.unit_ids, ps.left_out, units, ranked, ps.ranking.warnings)


def _check(period: Period, stage: str, only_submitted: bool) -> None:
    fw = period.framework.load()
    fresh = Period.objects.get(pk=period.pk)
    kept = score_period(fresh, stage, only_submitted=only_submitted)
    again = PeriodScores(fresh, fw, *scoring._score_period(fresh, fw, stage, only_submitted, None))
    assert _everything(kept) == _everything(again)


def _values_seen(period: Period) -> dict[str, list[str]]:
    """Each input's figures as the period's units typed them (so that ties are common), a blank (the
    report incomplete) and, for the relative criterion, a figure above every unit's."""
    seen: dict[str, set[str]] = {}
    for values in period.submissions.values_list("values", flat=True):
        for iid, text in values.items():
            seen.setdefault(iid, set()).add(str(text))
    out = {iid: sorted(texts)[:6] + [""] for iid, texts in seen.items()}
    out[RELATIVE] = [*out.get(RELATIVE, []), "99999", "0"]
    return out


def _apply(step: str, draw, period: Period, subs: list[int], pool: dict, appraiser) -> None:
    sub = Submission.objects.select_related("unit__group").get(pk=draw(st.sampled_from(subs)))
    fw = period.framework.load()
    if step == "figure":
        iid = draw(st.sampled_from(sorted(pool)))
        values = {**sub.values, iid: draw(st.sampled_from(pool[iid]))}
        if draw(st.booleans()):
            Submission.objects.filter(pk=sub.pk).update(values=values)
        else:
            sub.values = values
            sub.save()
    elif step == "state":
        state = "draft" if sub.state == "submitted" else "submitted"
        Submission.objects.filter(pk=sub.pk).update(state=state)
    elif step == "not applicable":
        optional = sorted(
            c.id for c in fw.all_criteria() if c.may_be_not_applicable and c.applies_to(sub.unit.group.code)
        )
        if optional:
            cid = draw(st.sampled_from(optional))
            na = (
                [c for c in sub.not_applicable if c != cid] if cid in sub.not_applicable else [*sub.not_applicable, cid]
            )
            Submission.objects.filter(pk=sub.pk).update(not_applicable=na)
    elif step == "adjustment":
        iid = draw(st.sampled_from(sorted(pool)))
        action = draw(st.sampled_from(["adjust", "accept", "delete"]))
        if action == "delete":
            Adjustment.objects.filter(submission=sub, input_id=iid).delete()
        else:
            Adjustment.objects.update_or_create(
                submission=sub,
                input_id=iid,
                defaults={
                    "accepted": action == "accept",
                    "value": draw(st.sampled_from(pool[iid])),
                    "reason": "thiếu minh chứng",
                    "appraiser": appraiser,
                },
            )
    elif step == "explanation":
        adj = Adjustment.objects.filter(submission__period=period).order_by("pk").first()
        if adj is not None:
            decision = draw(st.sampled_from([c for c, _ in Explanation.Decision.choices] + ["delete"]))
            if decision == "delete":
                Explanation.objects.filter(adjustment=adj).delete()
            elif Explanation.objects.filter(adjustment=adj).exists():
                Explanation.objects.filter(adjustment=adj).update(decision=decision)
            else:
                Explanation.objects.create(adjustment=adj, text="Đã có quyết định", decision=decision)
    elif step == "unit":
        change = draw(st.sampled_from(["rename", "reorder", "move"]))
        if change == "rename":
            # A name that sorts elsewhere among units of equal order, or the same place.
            first, last = f"A Sở đầu tiên {sub.unit_id}", f"Ủy ban cuối cùng {sub.unit_id}"
            name = draw(st.sampled_from([first, last, sub.unit.name + " mới"]))
            Unit.objects.filter(pk=sub.unit_id).update(name=name)
        elif change == "reorder":
            Unit.objects.filter(pk=sub.unit_id).update(order=draw(st.sampled_from([0, 1, 5, 100])))
        else:
            group = draw(st.sampled_from(list(UnitGroup.objects.order_by("pk"))))
            Unit.objects.filter(pk=sub.unit_id).update(group=group)
    elif step == "group":
        UnitGroup.objects.filter(pk=sub.unit.group_id).update(order=draw(st.sampled_from([0, 3, 50])))
    elif step == "added":
        name = f"Sở mới thành lập {Unit.objects.count()}"
        unit = Unit.objects.create(name=name, group=sub.unit.group, order=draw(st.sampled_from([0, 50])))
        Submission.objects.create(
            period=period, unit=unit, values=dict(sub.values), not_applicable=list(sub.not_applicable), state=sub.state
        )
    event(step)


STEPS = ["figure", "figure", "figure", "state", "not applicable", "adjustment", "explanation", "unit", "group", "added"]


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_scores_brought_up_to_date_equal_the_period_scored_again(demo, data):
    period = demo["open"]
    subs = sorted(period.submissions.values_list("id", flat=True))
    pool = _values_seen(period)
    draw = data.draw
    with transaction.atomic():
        cache.clear_all()
        for stage, only in STAGES:
            score_period(Period.objects.get(pk=period.pk), stage, only_submitted=only)  # the latest reading
        for _ in range(draw(st.integers(1, 6))):
            _apply(draw(st.sampled_from(STEPS)), draw, period, subs, pool, demo["thamdinh"])
            if draw(st.booleans()):  # scored now, or after more changes
                _check(period, *draw(st.sampled_from(STAGES)))
        for stage, only in STAGES:
            _check(period, stage, only)
        transaction.set_rollback(True)


def test_a_report_changed_is_read_alone(demo, django_assert_max_num_queries):
    """One report changed: the period's reports are listed with their revisions, and that one read."""
    period = demo["open"]
    cache.clear_all()
    score_period(Period.objects.get(pk=period.pk), "appraised")
    sub = period.submissions.filter(state="submitted").first()
    Submission.objects.filter(pk=sub.pk).update(values={**sub.values, RELATIVE: "99999"})
    fresh = Period.objects.get(pk=period.pk)
    with django_assert_max_num_queries(5) as queries:
        score_period(fresh, "appraised")
    listed = [q["sql"] for q in queries.captured_queries if "web_reportrevision" in q["sql"]]
    assert len(listed) == 2  # every report's number, then the changed report's figures with its number
    _check(period, "appraised", True)
