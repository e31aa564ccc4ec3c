"""Inputs that were read by hand are Django forms: a bad or missing value gives the form's error beside
its field in Vietnamese, keeps what was typed, and stores nothing; a tampered id or choice is refused
(400/404), never a server error."""

from __future__ import annotations

import html
import re

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


def test_verifier_choice_not_in_the_list_is_shown_in_its_row(client, demo):
    from django.contrib.auth import get_user_model

    from xephang.web.models import CriterionVerifier

    p = demo["open"]
    CriterionVerifier.objects.filter(period=p).delete()
    agency = get_user_model().objects.get(username="xacminh")
    client.force_login(demo["quantri"])
    url = reverse("web:period-verifiers", args=[p.pk])
    names = sorted({n for n in re.findall(r'name="(c_[^"]+)"', client.get(url).content.decode())})
    assert "c_nhan_luc" in names and len(names) > 1
    other = next(n for n in names if n != "c_nhan_luc")
    resp = client.post(url, {"c_nhan_luc": "99999", other: str(agency.pk)})  # a tampered id beside a good pick
    assert resp.status_code == 200
    page = _text(resp)
    row = page[page.index('id="c_nhan_luc"'):]
    row = row[:row.index("</tr>")]
    assert "Hãy chọn một tài khoản cơ quan xác minh trong danh sách." in row
    good = page[page.index(f'id="{other}"'):]
    good = good[:good.index("</select>")]
    assert f'value="{agency.pk}" selected' in good  # the other pick is kept
    assert not CriterionVerifier.objects.filter(period=p).exists()
