"""What the public pages read under load: a published result's frozen JSON (tens of MB for the whole
country) is not read by the pages that show its summary, and the home page asks once for the
published periods whatever their number."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xephang.web import publication
from xephang.web.models import Period

pytestmark = pytest.mark.django_db


def _sql(client, url) -> list[str]:
    client.get(url)  # the first request fills the per-process summaries, as any earlier visitor did
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("page", ["results", "unit"])
def test_pages_of_a_published_result_do_not_read_its_frozen_json(demo, page):
    p, unit = demo["p2020"], demo["other"]
    url = reverse("web:results", args=[p.pk]) if page == "results" else reverse("web:unit-result", args=[p.pk, unit.pk])
    sql = _sql(Client(), url)
    snapshot_reads = [q for q in sql if 'FROM "web_snapshot"' in q]
    assert snapshot_reads  # the versions are read ...
    assert not [q for q in snapshot_reads if '"web_snapshot"."payload"' in q]  # ... without their payload


def test_the_json_api_still_sends_the_frozen_payload_as_published(demo):
    p = demo["p2020"]
    n, snap = publication.edition_of(p, None)
    body = Client().get(reverse("web:api-period", args=[p.pk])).content.decode()
    stored = Period.objects.get(pk=p.pk).snapshots.get(pk=snap.pk).payload  # read in full, apart
    assert body == f'{{"sha256": "{snap.sha256}", "version": {n}, "results": {stored}}}'


def test_a_version_asked_for_by_number_is_the_one_shown(demo):
    p = demo["p2020"]
    eds = publication.editions(p)
    for n, snap in eds:
        shown = publication.shown(p, n)
        assert shown.edition == n and shown.snap.pk == snap.pk
    assert publication.shown(p, None).snap.pk == eds[-1][1].pk
    assert publication.shown(p, len(eds) + 5) is None


def test_home_page_queries_do_not_grow_with_the_number_of_periods(demo):
    client = Client()
    before = len(_sql(client, reverse("web:home")))
    fw = demo["open"].framework
    for year in (2030, 2031, 2032):
        Period.objects.create(name=f"Năm {year}", year=year, framework=fw, kind="inputs")
    after = _sql(client, reverse("web:home"))
    assert len(after) == before, after
    html = client.get(reverse("web:home")).content.decode()
    assert demo["p2020"].name in html  # the published period is still listed


def _status_bar(client) -> str:
    import re

    html = client.get(reverse("web:home")).content.decode()
    found = re.search(r'data-testid="my-reports">(.*?)</div>', html, re.S)
    return found.group(1) if found else ""


def test_reporter_status_bar_reads_state_and_extension_in_one_query_whatever_the_periods(demo):
    """The bar under every reporter page: his unit's state and deadline in each open period, from one
    query (it was three per period)."""
    import datetime

    from xephang.web.models import DeadlineExtension, Status, Submission

    from .conftest import login

    own, p = demo["own"], demo["open"]
    client = login(Client(), "baocao")
    Submission.objects.filter(period=p, unit=own).update(state="draft", values={"so_cbccvc": "12"})
    assert "Đang soạn" in _status_bar(client)
    Submission.objects.filter(period=p, unit=own).update(values={})
    assert "Chưa bắt đầu" in _status_bar(client)
    Submission.objects.filter(period=p, unit=own).update(state="submitted")
    assert "Đã nộp" in _status_bar(client)
    Submission.objects.filter(period=p, unit=own).update(state="draft", values={"so_cbccvc": "12"})
    DeadlineExtension.objects.create(period=p, unit=own, until=datetime.date(2031, 5, 17), reason="ốm")
    assert "17/05/2031" in _status_bar(client)

    report = reverse("web:report", args=[p.pk, own.pk])  # the page a reporter opens most
    before = len(_sql(client, report))
    for year in (2030, 2031):
        extra = Period.objects.create(
            name=f"Năm {year} (mở)", year=year, framework=p.framework, kind="inputs", status=Status.OPEN
        )
        extra.units.add(own)
    bar = _status_bar(client)
    assert "Năm 2030 (mở)" in bar and "Năm 2031 (mở)" in bar and bar.count("Chưa bắt đầu") == 2
    assert len(_sql(client, report)) == before
