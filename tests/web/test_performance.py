"""Performance without changed behaviour: the main pages read the database a bounded number of times,
whatever the number of units (no query per unit), and the scores cached by content show every change
on the next request, including a change made by another process (another gunicorn worker)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xephang.web import cache, scoring, workflow
from xephang.web.models import Status, Submission, Unit
from xephang.web.scoring import score_period

from .conftest import login

pytestmark = pytest.mark.django_db


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        resp = fn()
    assert resp.status_code == 200, resp.status_code
    return len(ctx.captured_queries)


def _pages(demo):
    """(name, request, bound): the pages of the deadline day, each with the most queries it may make.
    The bounds are today's counts with a little room (one of them, on every page, reads the province's
    settings: its name in the header, the decimal separator); a query per unit would exceed them at once."""
    p, p2020, own = demo["open"], demo["p2020"], demo["own"]
    other = p.submissions.filter(state="submitted").exclude(unit=own).select_related("unit").first().unit
    report_url = reverse("web:report", args=[p.pk, own.pk])
    texts = {f"v_{k}": v for k, v in p.submissions.get(unit=own).values.items()}

    clients = {None: Client()}
    for name in ("baocao", "quantri"):
        clients[name] = login(Client(), name)  # logged in beforehand: the count is the page's own

    def as_user(name, method, url, data=None):
        c = clients[name]
        return lambda: getattr(c, method)(url, data) if data is not None else getattr(c, method)(url)

    return [
        ("report: open form", as_user("baocao", "get", report_url), 18),
        ("report: live score", as_user("baocao", "post", report_url + "tinh-diem/", texts), 14),
        ("appraisal: list", as_user("quantri", "get", reverse("web:appraisal", args=[p.pk])), 15),
        ("appraisal: unit page", as_user("quantri", "get", reverse("web:appraisal-unit", args=[p.pk, other.pk])), 25),
        ("public: home", as_user(None, "get", reverse("web:home")), 10),
        ("public: results", as_user(None, "get", reverse("web:results", args=[p2020.pk])), 9),
        ("public: unit page", as_user(None, "get", reverse("web:unit-result", args=[p2020.pk, other.pk])), 18),
        ("public: JSON API", as_user(None, "get", reverse("web:api-period", args=[p2020.pk])), 8),
    ]


def _add_units(period, count: int):
    """``count`` more units that submitted a copy of an existing report (same group)."""
    model = period.submissions.filter(state="submitted").select_related("unit").first()
    for i in range(count):
        unit = Unit.objects.create(name=f"Đơn vị thêm {i + 1}", group=model.unit.group, order=900 + i)
        period.units.add(unit)
        Submission.objects.create(
            period=period,
            unit=unit,
            values=dict(model.values),
            state="submitted",
            not_applicable=list(model.not_applicable),
        )


def test_main_pages_make_few_queries_whatever_the_number_of_units(demo):
    assert demo["p2020"].status == Status.PUBLISHED  # the demo publishes 2020
    pages = _pages(demo)
    for _name, go, _ in pages:
        go()  # the session and caches as on any later request
    before = {name: _queries(go) for name, go, _ in pages}
    for name, _, bound in pages:
        assert before[name] <= bound, f"{name}: {before[name]} truy vấn (tối đa {bound})"
    _add_units(demo["open"], 12)
    cold = {name: _queries(go) for name, go, _ in pages}  # the period changed: scored again, once
    for name, _, bound in pages:
        assert cold[name] <= bound + 3, f"{name}: {cold[name]} truy vấn khi chấm lại (tối đa {bound + 3})"
    after = {name: _queries(go) for name, go, _ in pages}
    assert after == before  # twelve more units reported: not one query more on any page


def _reported_total(client, period, unit) -> str:
    html = client.get(reverse("web:appraisal-unit", args=[period.pk, unit.pk])).content.decode()
    return re.search(r'data-testid="self-total">([^<]*)<', html).group(1)


def _appraised_total(client, period, unit) -> str:
    html = client.get(reverse("web:appraisal-unit", args=[period.pk, unit.pk])).content.decode()
    return re.search(r'data-testid="appraised-total">([^<]*)<', html).group(1)


def _uncached_shown(period, unit, stage: str) -> str:
    """The shown total computed with an empty cache, as a freshly started worker would."""
    cache.clear_all()
    ps = score_period(period, stage, only_submitted=False)
    return scoring.total_text(ps, ps.ranked(unit.pk))  # as pages show it: 85,03


def test_a_change_by_another_worker_is_scored_on_the_next_request(client, demo):
    p = demo["open"]
    sub = p.submissions.filter(state="submitted").exclude(unit=demo["own"]).select_related("unit").first()
    login(client, "quantri")
    first = _reported_total(client, p, sub.unit)
    assert first == _reported_total(client, p, sub.unit)  # served from the cache: the same
    # Another process changes the figures behind this one's back (no model save, no signal, no version).
    values = dict(sub.values)
    values["so_cbccvc_co_may_tinh"] = "0"  # no staff member with a computer: fewer points
    Submission.objects.filter(pk=sub.pk).update(values=values)
    changed = _reported_total(client, p, sub.unit)
    assert changed != first
    assert changed == _uncached_shown(p, sub.unit, "reported")


def test_an_appraisal_decision_is_scored_on_the_next_request(client, demo):
    p = demo["open"]
    sub = p.submissions.filter(state="submitted").exclude(unit=demo["own"]).select_related("unit").first()
    login(client, "quantri")
    reported, appraised = _reported_total(client, p, sub.unit), _appraised_total(client, p, sub.unit)
    assert reported == appraised  # nothing adjusted yet
    workflow.appraise(sub, demo["thamdinh"], "so_cbccvc_co_may_tinh", False, "0", "thiếu minh chứng")
    assert _reported_total(client, p, sub.unit) == reported  # the unit's own figures are unchanged
    now = _appraised_total(client, p, sub.unit)
    assert now != appraised and now == _uncached_shown(p, sub.unit, "appraised")


def test_equal_figures_are_scored_once_and_a_change_scores_again(demo):
    p = demo["open"]
    first = score_period(p, "reported")
    assert score_period(p, "reported").scored is first.scored  # the same content: scored once
    sub = p.submissions.filter(state="submitted").first()
    values = dict(sub.values)
    values["so_cbccvc_co_may_tinh"] = "0"
    Submission.objects.filter(pk=sub.pk).update(values=values)
    again = score_period(p, "reported")
    assert again.scored is not first.scored
    assert again.ranked(sub.unit_id).total < first.ranked(sub.unit_id).total


def test_live_score_of_an_unsaved_form_is_not_served_from_the_saved_figures(client, demo):
    p, own = demo["open"], demo["own"]
    login(client, "baocao")
    url = reverse("web:report-live", args=[p.pk, own.pk])
    # figures as another unit of the same group submitted them: a complete form with points
    model = p.submissions.filter(state="submitted", unit__group=own.group).exclude(unit=own).first()
    texts = {f"v_{k}": v for k, v in model.values.items()}
    saved = client.post(url, texts).content.decode()
    typed = client.post(url, {**texts, "v_so_cbccvc_co_may_tinh": "0"}).content.decode()
    total = re.compile(r'data-testid="self-total"><strong>([^<]*)</strong>')
    assert total.search(saved) and total.search(typed)
    assert total.search(typed).group(1) != total.search(saved).group(1)
