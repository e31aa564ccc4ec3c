"""Moving a period on is refused, or asked twice, where a clerk's early click would cost a unit its say:
freezing is refused while an explanation waits for the appraiser's decision (named, nothing frozen);
moving to appraisal before the report deadline, or freezing before the explanation deadline, says what
units lose and asks again; the period page keeps its links whatever is missing."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from xephang.web import publication, workflow
from xephang.web.models import Status, Submission

from .conftest import login


def _explained(demo):
    period, admin = demo["open"], demo["quantri"]
    workflow.transition(period, admin, Status.APPRAISAL)
    sub = Submission.objects.get(period=period, unit=demo["other"])
    adj = workflow.appraise(sub, demo["thamdinh"], "so_may_tinh", False, "100", "Kiểm kê thực tế 100 máy")
    workflow.transition(period, admin, Status.EXPLANATION)
    publication.record_non_reporting(period, admin, publication.missing_units(period), "Quá hạn")
    return period, workflow.explain(adj, demo["baocao"], "Có 103 máy: 3 máy mượn của dự án.")


def test_freezing_is_refused_while_an_explanation_waits_for_a_decision(client, demo):
    period, expl = _explained(demo)
    with pytest.raises(workflow.WorkflowError, match=r"còn 1 giải trình chưa được xem xét \(Sở Y tế\)"):
        workflow.transition(period, demo["quantri"], Status.FINAL)
    period.refresh_from_db()
    assert period.status == Status.EXPLANATION and not period.snapshots.exists()
    # The administrator's button says why, on the period page.
    resp = login(client, "quantri").post(
        reverse("web:period-transition", args=[period.pk]), {"to": Status.FINAL}, follow=True
    )
    assert "giải trình chưa được xem xét (Sở Y tế)" in resp.content.decode()
    workflow.decide(expl, demo["thamdinh"], False, "Máy mượn không tính")
    workflow.transition(period, demo["quantri"], Status.FINAL)
    assert period.snapshots.exists()


def test_moving_on_before_a_deadline_says_what_units_lose_and_asks_again(client, demo):
    import datetime

    from django.utils import timezone

    from xephang.web.models import Period

    period = demo["open"]
    today = timezone.localdate()
    Period.objects.filter(pk=period.pk).update(deadline=today + datetime.timedelta(days=3))
    html = login(client, "quantri").get(reverse("web:period", args=[period.pk])).content.decode()
    warning = html[html.index('data-testid="early-transition"') :].split("</p>")[0]
    assert "còn 3 ngày" in warning and "đơn vị chưa nộp" in warning and "mọi báo cáo bị khóa" in warning
    assert "data-confirm=" in html[html.index('data-testid="early-transition"') :].split("</form>")[0]
    Period.objects.filter(pk=period.pk).update(deadline=today - datetime.timedelta(days=1))
    html = client.get(reverse("web:period", args=[period.pk])).content.decode()
    assert 'data-testid="early-transition"' not in html and "data-confirm" not in html.split("Chuyển sang:")[0][-300:]

    Period.objects.filter(pk=period.pk).update(
        status=Status.EXPLANATION, explanation_deadline=today + datetime.timedelta(days=10)
    )
    html = client.get(reverse("web:period", args=[period.pk])).content.decode()
    assert "chốt kết quả bây giờ thì đơn vị không còn giải trình được" in html


def test_ending_appraisal_unfinished_says_how_much_is_left(client, demo):
    from xephang.web import workflow as wf

    period = demo["open"]
    wf.transition(period, demo["quantri"], Status.APPRAISAL)
    html = login(client, "quantri").get(reverse("web:period", args=[period.pk])).content.decode()
    done = wf.progress(period)
    assert f"Mới thẩm định {done['appraised']}/{done['needed']} tiêu chí" in html
    assert "số liệu chưa quyết định được tính như đơn vị báo cáo" in html
    for sub in Submission.objects.filter(period=period, state=Submission.State.SUBMITTED):
        wf.accept_remaining(sub, demo["thamdinh"])
    html = client.get(reverse("web:period", args=[period.pk])).content.decode()
    assert "Mới thẩm định" not in html


def test_the_verifiers_page_stays_reachable_once_every_unit_has_reported(client, demo):
    period = demo["open"]
    publication.record_non_reporting(period, demo["quantri"], publication.missing_units(period), "Quá hạn")
    html = login(client, "quantri").get(reverse("web:period", args=[period.pk])).content.decode()
    assert 'data-testid="missing-units"' not in html
    assert f'href="{reverse("web:period-verifiers", args=[period.pk])}"' in html


def test_the_deadlines_and_appraisers_are_reachable_from_the_period_page(client, demo):
    period = demo["open"]
    html = login(client, "quantri").get(reverse("web:period", args=[period.pk])).content.decode()
    url = reverse("admin:web_period_change", args=[period.pk])
    assert f'href="{url}">Sửa hạn, thẩm định viên</a>' in html
    page = client.get(url).content.decode()
    assert 'name="deadline"' in page and 'name="explanation_deadline"' in page and 'name="appraisers"' in page


def test_the_admin_takes_dates_as_dd_mm_yyyy_and_keeps_explanations_after_reports(client, demo):
    from xephang.web.models import Period

    period = demo["open"]
    url = reverse("admin:web_period_change", args=[period.pk])
    page = login(client, "quantri").get(url).content.decode()
    assert f'value="{period.deadline:%d/%m/%Y}"' in page  # shown as typed everywhere else
    form = {
        "name": period.name,
        "year": period.year,
        "framework": period.framework_id,
        "kind": period.kind,
        "ties": period.ties or "",
        "sample": "on" if period.sample else "",
        "meta": json.dumps(period.meta or {}),
        "appraisers": [u.pk for u in period.appraisers.all()],
        "units": [u.pk for u in period.units.all()],
    }
    resp = client.post(url, {**form, "deadline": "30/12/2026", "explanation_deadline": "20/12/2026"})
    assert resp.status_code == 200 and "Hạn giải trình (20/12/2026) phải sau hạn nộp báo cáo (30/12/2026)" in (
        resp.content.decode()
    )
    resp = client.post(url, {**form, "deadline": "30/12/2026", "explanation_deadline": "15/01/2027"})
    assert resp.status_code == 302, resp.content.decode()[:3000]
    period = Period.objects.get(pk=period.pk)
    assert (f"{period.deadline:%d/%m/%Y}", f"{period.explanation_deadline:%d/%m/%Y}") == ("30/12/2026", "15/01/2027")
