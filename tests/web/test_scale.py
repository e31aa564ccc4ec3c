"""Generated periods at a province's or the country's size (here a small one of the same making): every
unit distinct and marked as sample data, the share of reports asked for, and such a period frozen and
published with the units that sent nothing recorded as not reporting, readable on the public pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xephang.web.demo2025 import GROUP_COMMUNES
from xephang.web.models import NonReporting, Status, Submission
from xephang.web.scale import load_scale, publish_generated


@pytest.mark.django_db
def test_a_generated_period_has_distinct_sample_units_and_the_reports_asked_for():
    first = load_scale(3, 40, seed=1, status=Status.OPEN)
    second = load_scale(3, 40, seed=1, status=Status.APPRAISAL, submitted_share=1.0)
    for period in (first, second):
        units = list(period.units.select_related("group"))
        assert len(units) == 43 and len({u.name for u in units}) == 43
        assert all(u.name.endswith("(mẫu)") for u in units)
        assert sorted({u.group.code for u in units}) == sorted(["so_ban_nganh", GROUP_COMMUNES])
        assert period.sample
    assert not set(first.units.values_list("pk", flat=True)) & set(second.units.values_list("pk", flat=True))
    assert first.status == Status.OPEN and second.status == Status.APPRAISAL
    assert Submission.objects.filter(period=second, state=Submission.State.SUBMITTED).count() == 43
    submitted = Submission.objects.filter(period=first, state=Submission.State.SUBMITTED).count()
    assert 0 < submitted < 43


@pytest.mark.django_db
def test_a_generated_period_is_published_with_the_silent_units_recorded(client, demo):
    period = load_scale(2, 30, seed=3, status=Status.EXPLANATION, submitted_share=0.5)
    silent = set(period.units.values_list("pk", flat=True)) - set(
        Submission.objects.filter(period=period, state=Submission.State.SUBMITTED).values_list("unit_id", flat=True)
    )
    assert silent
    publish_generated(period, demo["quantri"])
    period.refresh_from_db()
    assert period.status == Status.PUBLISHED
    assert set(NonReporting.objects.filter(period=period).values_list("unit_id", flat=True)) == silent
    listed = {u["unit_id"] for g in period.snapshots.latest("pk").summary["groups"] for u in g["units"]}
    assert listed == set(period.units.values_list("pk", flat=True))
    unit = period.units.get(pk=min(silent))
    assert client.get(reverse("web:results", args=[period.pk]), {"tim": unit.name.split()[2]}).status_code == 200
    page = client.get(reverse("web:unit-result", args=[period.pk, unit.pk]))
    assert page.status_code == 200 and unit.name in page.content.decode()
