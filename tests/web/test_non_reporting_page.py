"""The coordinator's list of units without a report: a unit still within its report deadline is never
ticked in advance (one click with a reason must not write off a unit that may still report), units past
it are; the period page names the missing units in Vietnamese alphabetical order, and the home page the
deadline of the stage a period is in."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from xephang.text import sort_key
from xephang.web.models import DeadlineExtension, Period, Status, Unit

from .conftest import login

UNITS = ["Sở Y tế", "Văn phòng UBND tỉnh", "Sở Tài chính", "Ban Dân tộc"]


def _period(demo, deadline) -> Period:
    p = Period.objects.create(
        name="Năm 2026",
        year=2026,
        framework=demo["open"].framework,
        status=Status.OPEN,
        deadline=deadline,
    )
    p.units.set([Unit.objects.get(name=n) for n in UNITS])
    return p


def _ticked(html: str) -> set[str]:
    """The names of the units whose checkbox comes checked."""
    names = set()
    for label in re.findall(r"<label[^>]*>(.*?)</label>", html, re.S):
        if "checked" in label:
            names.add(re.sub(r"<[^>]+>", "", label).strip())
    return names


def test_units_within_their_deadline_are_not_ticked_in_advance(client, demo):
    today = timezone.localdate()
    p = _period(demo, today + datetime.timedelta(days=10))
    html = login(client, "quantri").get(reverse("web:non-reporting", args=[p.pk])).content.decode()
    assert _ticked(html) == set()
    named = html[html.index("Chưa hết hạn báo cáo (không chọn sẵn)") :].split("</p>")[0]
    assert sorted(UNITS, key=named.index) == sorted(UNITS, key=sort_key)


def test_units_past_their_deadline_are_ticked_and_an_extension_counts(client, demo):
    today = timezone.localdate()
    p = _period(demo, today - datetime.timedelta(days=2))
    DeadlineExtension.objects.create(
        period=p, unit=Unit.objects.get(name="Sở Y tế"), until=today + datetime.timedelta(days=5), reason="Ốm"
    )
    html = login(client, "quantri").get(reverse("web:non-reporting", args=[p.pk])).content.decode()
    assert _ticked(html) == {"Văn phòng UBND tỉnh", "Sở Tài chính", "Ban Dân tộc"}
    assert 'data-testid="in-time"' in html


def test_past_the_reporting_stage_every_missing_unit_is_ticked(client, demo):
    p = _period(demo, timezone.localdate() + datetime.timedelta(days=10))
    Period.objects.filter(pk=p.pk).update(status=Status.APPRAISAL)
    html = login(client, "quantri").get(reverse("web:non-reporting", args=[p.pk])).content.decode()
    assert _ticked(html) == set(UNITS) and 'data-testid="in-time"' not in html


def test_the_period_page_lists_missing_units_in_vietnamese_order(client, demo):
    p = _period(demo, timezone.localdate())
    html = login(client, "quantri").get(reverse("web:period", args=[p.pk])).content.decode()
    card = html[html.index('data-testid="missing-units"') :]
    shown = sorted(UNITS, key=lambda n: card.index(n))
    assert shown == sorted(UNITS, key=sort_key)


def test_the_home_page_gives_the_deadline_of_the_stage_the_period_is_in(client, demo):
    p = demo["open"]
    html = login(client, "quantri").get(reverse("web:home")).content.decode()
    assert f"Đang nhận báo cáo, hạn báo cáo ngày {p.deadline.day} tháng" in html
    Period.objects.filter(pk=p.pk).update(status=Status.EXPLANATION)
    html = client.get(reverse("web:home")).content.decode()
    line = html[html.index(p.name) :].split("</li>")[0]
    assert f"hạn giải trình ngày {p.explanation_deadline.day} tháng" in line and "hạn báo cáo" not in line


def test_recorded_units_are_listed_in_vietnamese_order(client, demo):
    from xephang.web import publication

    p = _period(demo, timezone.localdate())
    Period.objects.filter(pk=p.pk).update(status=Status.APPRAISAL)
    publication.record_non_reporting(p, demo["quantri"], list(p.units.all()), "Quá hạn")
    login(client, "quantri")
    for url in (reverse("web:non-reporting", args=[p.pk]), reverse("web:period", args=[p.pk])):
        html = client.get(url).content.decode()
        listed = html[re.search(r"<h2>[^<]*ghi nhận\)?</h2>", html).end() :]  # the recorded units' list
        assert sorted(UNITS, key=listed.index) == sorted(UNITS, key=sort_key), url


def test_a_record_no_longer_applies_once_the_unit_has_reported(client, demo):
    """A unit recorded as not reporting that reports afterwards (an extension, a returned report) is
    scored on its report: both pages say the record no longer applies, for that unit only."""
    from xephang.web import publication
    from xephang.web.models import Submission

    p = _period(demo, timezone.localdate())
    Period.objects.filter(pk=p.pk).update(status=Status.APPRAISAL)
    publication.record_non_reporting(p, demo["quantri"], list(p.units.all()), "Quá hạn")
    late = Unit.objects.get(name="Sở Y tế")
    Submission.objects.create(period=p, unit=late, state=Submission.State.SUBMITTED)
    login(client, "quantri")
    rows = re.findall(
        r"<tr><td>(.*?)</td>(.*?)</tr>", client.get(reverse("web:non-reporting", args=[p.pk])).content.decode()
    )
    applies = {name: "Không còn áp dụng" not in rest for name, rest in rows}
    assert applies == {n: n != "Sở Y tế" for n in UNITS}
    period_page = client.get(reverse("web:period", args=[p.pk])).content.decode()
    assert period_page.count("đã gửi báo cáo sau đó") == 1
