"""Scores cached under the period's revision, which the database draws anew on every change to what is
scored: each kind of change, written behind the web's back (a queryset ``update()``, a bulk insert, SQL
on another connection), is scored on the next call; equal content is served from the cache.

The next call brings the period's latest reading up to date, reading again only the reports whose own
revision (``ReportRevision``) the database drew anew: each test checks that the change drew one (or
added or removed a report), and compares the result with one computed with empty caches, as a freshly
started worker would, so a stale cache cannot pass by accident."""

from __future__ import annotations

import pytest
from django.db import connections, transaction

from xephang.web import cache
from xephang.web.models import (
    Adjustment,
    Explanation,
    Framework,
    Period,
    ReportRevision,
    ScoringRevision,
    Submission,
    Unit,
    UnitGroup,
)
from xephang.web.scoring import score_period

FIGURE = "so_cbccvc_co_may_tinh"  # staff with a computer: 0 costs points


def _ranking(ps) -> list[tuple]:
    if ps.ranking is None:
        return [("left out", *x) for x in ps.left_out]
    return [(u.name, u.total, u.rank, u.level.id if u.level else None) for u in ps.ranking.all_units()] + [
        ("left out", *x) for x in ps.left_out
    ]


def _fresh(period: Period) -> Period:
    """The period as another request reads it."""
    return Period.objects.get(pk=period.pk)


def _scored_now(period: Period, stage: str) -> list[tuple]:
    """What a freshly started worker computes."""
    cache.clear_all()
    return _ranking(score_period(_fresh(period), stage, only_submitted=False))


def _report_revisions(period: Period) -> dict[int, int]:
    return dict(ReportRevision.objects.filter(submission__period=period).values_list("submission_id", "revision"))


def _changed_reports(period: Period, before: dict[int, int]) -> set[int]:
    """The reports whose revision was drawn anew since ``before``, or that were added or removed; every
    report of the period has one."""
    now = _report_revisions(period)
    assert set(now) == set(period.submissions.values_list("id", flat=True))
    return {sid for sid in set(now) | set(before) if now.get(sid) != before.get(sid)}


def _check_change(period: Period, stage: str, change) -> None:
    """Scores cached before ``change``; after it, the next call brings them up to date from the reports
    whose revision changed, and equals a cold start."""
    before = score_period(_fresh(period), stage, only_submitted=False)
    assert score_period(_fresh(period), stage, only_submitted=False).scored is before.scored  # cached
    revision = ScoringRevision.of(period.pk)
    reports = _report_revisions(period)
    change()
    assert ScoringRevision.of(period.pk) != revision
    assert _changed_reports(period, reports)
    after = score_period(_fresh(period), stage, only_submitted=False)
    assert after.scored is not before.scored
    assert _ranking(after) == _scored_now(period, stage)
    assert _ranking(after) != _ranking(before)


@pytest.fixture
def period(demo):
    cache.clear_all()
    return demo["open"]


def _submitted(period, exclude=None) -> Submission:
    subs = period.submissions.filter(state="submitted").select_related("unit").order_by("unit__order")
    return subs.exclude(unit=exclude).first() if exclude else subs.first()


def test_figures_changed_by_a_queryset_update(period):
    sub = _submitted(period)
    Submission.objects.filter(pk=sub.pk).update(values={**sub.values, FIGURE: "0"})  # warm nothing yet
    sub.refresh_from_db()
    _check_change(
        period, "reported", lambda: Submission.objects.filter(pk=sub.pk).update(values={**sub.values, FIGURE: "1"})
    )


def test_a_report_withdrawn_to_draft(period):
    sub = _submitted(period)
    before = score_period(_fresh(period), "reported")
    reports = _report_revisions(period)
    Submission.objects.filter(pk=sub.pk).update(state=Submission.State.DRAFT)
    assert _changed_reports(period, reports) == {sub.pk}
    after = score_period(_fresh(period), "reported")
    assert sub.unit_id in before.unit_ids and sub.unit_id not in after.unit_ids
    cache.clear_all()
    assert _ranking(after) == _ranking(score_period(_fresh(period), "reported"))


def test_criteria_marked_not_applicable(period):
    sub = _submitted(period)
    fw = period.framework.load()
    optional = next(c.id for c in fw.all_criteria() if c.may_be_not_applicable and sub.unit.group.code in c.groups)
    _check_change(period, "reported", lambda: Submission.objects.filter(pk=sub.pk).update(not_applicable=[optional]))


def test_a_report_added_in_bulk_and_deleted(period):
    model = _submitted(period)
    unit = Unit.objects.create(name="Sở Thử nghiệm", group=model.unit.group, order=999)
    values = {**model.values, FIGURE: "0"}

    def add():
        Submission.objects.bulk_create(
            [
                Submission(
                    period=period,
                    unit=unit,
                    values=values,
                    state="submitted",
                    not_applicable=list(model.not_applicable),
                )
            ]
        )

    _check_change(period, "reported", add)
    _check_change(period, "reported", lambda: Submission.objects.filter(period=period, unit=unit).delete())


def test_an_adjustment_made_changed_and_removed(period, demo):
    sub = _submitted(period)
    _check_change(
        period,
        "appraised",
        lambda: Adjustment.objects.bulk_create(
            [
                Adjustment(
                    submission=sub,
                    input_id=FIGURE,
                    accepted=False,
                    value="0",
                    reason="thiếu minh chứng",
                    appraiser=demo["thamdinh"],
                )
            ]
        ),
    )
    _check_change(
        period, "appraised", lambda: Adjustment.objects.filter(submission=sub, input_id=FIGURE).update(value="1")
    )
    _check_change(
        period, "appraised", lambda: Adjustment.objects.filter(submission=sub, input_id=FIGURE).update(accepted=True)
    )
    _check_change(
        period, "appraised", lambda: Adjustment.objects.filter(submission=sub, input_id=FIGURE).update(accepted=False)
    )
    _check_change(period, "appraised", lambda: Adjustment.objects.filter(submission=sub, input_id=FIGURE).delete())


def test_an_appraisal_decision_leaves_the_self_scores_and_the_data_checks_cached(period, demo):
    """What units reported has its own revision: deciding a figure scores the appraised stage again,
    not the reported one, nor the data checks of an appraiser's page (a national period's take seconds)."""
    from xephang.web.analysis import _checks

    sub = _submitted(period)
    reported = score_period(_fresh(period), "reported", only_submitted=False)
    appraised = score_period(_fresh(period), "appraised", only_submitted=False)
    checks = _checks(reported, None, {})
    Adjustment.objects.create(
        submission=sub,
        input_id=FIGURE,
        accepted=False,
        value="0",
        reason="thiếu minh chứng",
        appraiser=demo["thamdinh"],
    )
    again = score_period(_fresh(period), "reported", only_submitted=False)
    assert again.scored is reported.scored and _checks(again, None, {}) is checks
    assert score_period(_fresh(period), "appraised", only_submitted=False).scored is not appraised.scored


def test_an_explanation_accepted_and_reversed(period, demo):
    sub = _submitted(period)
    adj = Adjustment.objects.create(
        submission=sub,
        input_id=FIGURE,
        accepted=False,
        value="0",
        reason="thiếu minh chứng",
        appraiser=demo["thamdinh"],
    )
    accepted = Explanation.Decision.ACCEPTED
    _check_change(
        period,
        "appraised",
        lambda: Explanation.objects.bulk_create(
            [Explanation(adjustment=adj, text="Đã có quyết định trang bị máy tính", decision=accepted)]
        ),
    )
    _check_change(
        period,
        "appraised",
        lambda: Explanation.objects.filter(adjustment=adj).update(decision=Explanation.Decision.REJECTED),
    )
    _check_change(period, "appraised", lambda: Explanation.objects.filter(adjustment=adj).update(decision=accepted))
    _check_change(period, "appraised", lambda: Explanation.objects.filter(adjustment=adj).delete())


def test_a_unit_renamed_moved_or_reordered(period):
    sub = _submitted(period)
    unit = sub.unit
    _check_change(period, "reported", lambda: Unit.objects.filter(pk=unit.pk).update(name="Sở Đổi Tên"))
    other = UnitGroup.objects.exclude(pk=unit.group_id).first()
    _check_change(period, "reported", lambda: Unit.objects.filter(pk=unit.pk).update(group=other))


def test_units_in_the_same_place_reordered_change_a_tie_by_input_order(period):
    """Under the 'input-order' tie rule the order of units is scored: moving one counts."""
    Period.objects.filter(pk=period.pk).update(ties="input-order")
    a, b = (
        s.unit for s in period.submissions.filter(state="submitted").select_related("unit").order_by("unit__order")[:2]
    )
    Submission.objects.filter(period=period, unit=b).update(
        values=Submission.objects.get(period=period, unit=a).values,
        not_applicable=Submission.objects.get(period=period, unit=a).not_applicable,
    )
    before = score_period(_fresh(period), "reported")
    assert before.ranked(a.pk).total == before.ranked(b.pk).total
    first = before.ranked(a.pk).rank < before.ranked(b.pk).rank
    revision = ScoringRevision.of(period.pk)
    reports = _report_revisions(period)
    Unit.objects.filter(pk=a.pk).update(order=b.order + 1)
    assert ScoringRevision.of(period.pk) != revision
    assert _changed_reports(period, reports) == set(period.submissions.filter(unit=a).values_list("id", flat=True))
    after = score_period(_fresh(period), "reported")
    assert (after.ranked(a.pk).rank < after.ranked(b.pk).rank) != first
    cache.clear_all()
    assert _ranking(after) == _ranking(score_period(_fresh(period), "reported"))


def test_a_group_reordered_or_recoded(period):
    group = _submitted(period).unit.group
    revision = ScoringRevision.of(period.pk)
    reports = _report_revisions(period)
    UnitGroup.objects.filter(pk=group.pk).update(order=group.order + 50)
    assert ScoringRevision.of(period.pk) != revision
    assert _changed_reports(period, reports) == set(
        period.submissions.filter(unit__group=group).values_list("id", flat=True)
    )
    # A code the criteria set does not know: the group's units are left out, and say why.
    _check_change(period, "reported", lambda: UnitGroup.objects.filter(pk=group.pk).update(code="khoi-khac"))


def test_the_period_tie_rule_and_name_are_read_with_the_period(period):
    """The period's own fields (and its parameters) are keyed directly: another worker reads them with
    the period."""
    before = score_period(_fresh(period), "reported")
    Period.objects.filter(pk=period.pk).update(ties="input-order")
    tied = score_period(_fresh(period), "reported")
    assert tied.key != before.key and tied.scored is not before.scored
    Period.objects.filter(pk=period.pk).update(name="Năm 2021 (đổi tên)")
    renamed = score_period(_fresh(period), "reported")
    assert renamed.key != tied.key and renamed.scored.data.source == "Năm 2021 (đổi tên)"


def test_the_criteria_set_text(period):
    before = score_period(_fresh(period), "reported")
    fw = period.framework
    Framework.objects.filter(pk=fw.pk).update(yaml_text=fw.yaml_text + "\n# sửa lời chú thích\n")
    after = score_period(_fresh(period), "reported")
    assert after.key != before.key and after.scored is not before.scored


def test_a_totals_period(demo):
    fw = demo["open"].framework
    p = Period.objects.create(
        name="Kỳ chỉ có tổng điểm", year=2030, framework=fw, kind=Period.Kind.TOTALS, status="open"
    )
    units = list(Unit.objects.order_by("order")[:3])
    p.units.set(units)
    Submission.objects.bulk_create(
        [Submission(period=p, unit=u, total=str(90 - i), state="submitted") for i, u in enumerate(units)]
    )
    _check_change(p, "reported", lambda: Submission.objects.filter(period=p, unit=units[2]).update(total="95"))


def test_equal_content_is_served_from_the_cache(period, demo):
    sub = _submitted(period)
    first = score_period(_fresh(period), "appraised")
    revision = ScoringRevision.of(period.pk)
    reports = _report_revisions(period)
    # Saved again unchanged, and changes to what scoring does not read: the same revision, the same scores.
    Submission.objects.get(pk=sub.pk).save()
    Submission.objects.filter(pk=sub.pk).update(carried=[FIGURE], returned_reason="xem lại", sample=True)
    Unit.objects.filter(pk=sub.unit_id).update(email="so@example.vn")
    other = demo["p2020"].submissions.first()
    Submission.objects.filter(pk=other.pk).update(values={**other.values, "khac": "1"})  # another period
    assert ScoringRevision.of(period.pk) == revision
    assert not _changed_reports(period, reports)
    assert score_period(_fresh(period), "appraised").scored is first.scored


def test_a_change_rolled_back_is_never_served(period):
    """Scores computed inside a transaction that is then rolled back stay under a revision no other
    change will draw again."""
    sub = _submitted(period)

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        Submission.objects.filter(pk=sub.pk).update(values={**sub.values, FIGURE: "0"})
        inside = score_period(_fresh(period), "reported", only_submitted=False)
        raise Undo
    Submission.objects.filter(pk=sub.pk).update(values={**sub.values, FIGURE: "1"})
    after = score_period(_fresh(period), "reported", only_submitted=False)
    assert after.scored is not inside.scored
    assert _ranking(after) == _scored_now(period, "reported")


# Serialized like the other tests that commit (backup, concurrency): its flush at the end then leaves the
# content types for the next such test to restore, instead of creating them anew under other ids.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_change_written_by_another_connection_with_sql():
    from xephang.web.demo import load_demo

    load_demo()
    cache.clear_all()
    period = Period.objects.get(year=2021)
    sub = period.submissions.filter(state="submitted").order_by("unit__order").first()
    before = score_period(_fresh(period), "reported", only_submitted=False)
    reports = _report_revisions(period)
    other = connections.create_connection("default")  # another process, as far as this one knows
    try:
        with other.cursor() as cursor:
            values = {**sub.values, FIGURE: "0"}
            cursor.execute(
                'UPDATE web_submission SET "values" = %s WHERE id = %s',
                [Submission._meta.get_field("values").get_db_prep_value(values, other), sub.pk],
            )
    finally:
        other.close()
    assert _changed_reports(period, reports) == {sub.pk}
    after = score_period(_fresh(period), "reported", only_submitted=False)
    assert after.ranked(sub.unit_id).total < before.ranked(sub.unit_id).total
    assert _ranking(after) == _scored_now(period, "reported")
