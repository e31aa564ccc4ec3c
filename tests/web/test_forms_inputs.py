"""Inputs that were read by hand are Django forms: a bad or missing value gives the form's error beside
its field in Vietnamese, keeps what was typed, and stores nothing; a tampered id or choice is refused
(400/404), never a server error."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from xephang.web.models import AuditEntry, Status

pytestmark = pytest.mark.django_db


def _text(resp) -> str:
    return html.unescape(resp.content.decode())


def test_stage_change_note_too_long_is_shown_beside_the_note(client, demo):
    p = demo["open"]
    client.force_login(demo["quantri"])
    audits = AuditEntry.objects.count()
    note = "Chuyển sang thẩm định " + "x" * 2100
    resp = client.post(reverse("web:period-transition", args=[p.pk]), {"to": Status.APPRAISAL, "note": note})
    assert resp.status_code == 400
    page = _text(resp)
    # the error sits in the note's field block, the typed note is still in the input
    field = page[page.index('for="note"'):]
    field = field[:field.index("</div>")]
    assert "Ghi chú tối đa 2000 ký tự" in field and note in field
    p.refresh_from_db()
    assert p.status == Status.OPEN and AuditEntry.objects.count() == audits


def test_stage_change_without_stage_is_refused(client, demo):
    p = demo["open"]
    client.force_login(demo["quantri"])
    resp = client.post(reverse("web:period-transition", args=[p.pk]), {"note": "x"})
    assert resp.status_code == 400 and "Chưa chọn giai đoạn" in _text(resp)
    p.refresh_from_db()
    assert p.status == Status.OPEN


def test_stage_change_with_a_note_still_moves_the_period(client, demo):
    p = demo["open"]
    client.force_login(demo["quantri"])
    resp = client.post(reverse("web:period-transition", args=[p.pk]), {"to": Status.APPRAISAL, "note": "bắt đầu"})
    assert resp.status_code == 302
    p.refresh_from_db()
    assert p.status == Status.APPRAISAL
