"""Publication takes the signed decision's number as the decision prints it ("Số: 125/QĐ-UBND" from
125): the whole reference typed in its place is refused beside the field with the part to type, and
nothing is published; so every published period's decision can be written."""

from __future__ import annotations

import datetime

from django.db import connection
from django.urls import reverse

from xephang.web import publication, workflow
from xephang.web.models import Status

from .conftest import login


def _frozen(demo):
    period, admin = demo["open"], demo["quantri"]
    for stage in (Status.APPRAISAL, Status.EXPLANATION):
        workflow.transition(period, admin, stage)
    publication.record_non_reporting(period, admin, publication.missing_units(period), "Quá hạn")
    workflow.transition(period, admin, Status.FINAL)
    return period


def test_the_whole_reference_is_refused_with_the_number_to_type(client, demo):
    period = _frozen(demo)
    url = reverse("web:publish", args=[period.pk])
    signed = (datetime.date.today() - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    login(client, "quantri")
    for typed, said in [
        ("125/QĐ-UBND", "với quyết định số 125/QĐ-UBND, nhập 125"),
        ("12a", "Số quyết định là một số nguyên dương"),
        ("0", "Số quyết định là một số nguyên dương"),
    ]:
        html = client.post(url, {"number": typed, "date": signed}).content.decode()
        assert said in html, typed
        assert f'value="{typed}"' in html  # what was typed is kept
    period.refresh_from_db()
    assert period.status == Status.FINAL

    assert client.post(url, {"number": "125", "date": signed}).status_code == 302
    period.refresh_from_db()
    assert period.status == Status.PUBLISHED
    client.logout()
    resp = client.get(reverse("web:decision", args=[period.pk, "docx"]))
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxml")


def test_a_document_that_cannot_be_written_is_not_called_a_refusal_of_access(client, demo):
    """A published period whose decision the documents cannot write (a number stored before publication
    checked it) answers 409 under a heading that says so, not "no access"."""
    from xephang.web.models import Snapshot

    period = _frozen(demo)
    snap = workflow.publish(period, demo["quantri"], "", number="125", date=datetime.date.today())
    data = snap.data
    data["decision"]["number"] = "125/QĐ-UBND"  # as an earlier release let through
    with connection.cursor() as cursor:  # the guards refuse any change through Django: as in the database
        cursor.execute(
            f"UPDATE {Snapshot._meta.db_table} SET payload = %s WHERE id = %s", [publication.json_of(data), snap.pk]
        )
    resp = client.get(reverse("web:decision", args=[period.pk, "docx"]))
    html = resp.content.decode()
    assert resp.status_code == 409
    assert "<h1>Chưa xuất được văn bản</h1>" in html and "Không có quyền" not in html
