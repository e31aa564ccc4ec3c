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


def _field(page: str, field_id: str) -> str:
    """The block of one form field on a page: its label, input, and the error written beside it."""
    block = page[page.index(f'for="{field_id}"') :]
    return block[: block.index("</div>")]


def test_stage_change_note_too_long_is_shown_beside_the_note(client, demo):
    p = demo["open"]
    client.force_login(demo["quantri"])
    audits = AuditEntry.objects.count()
    note = "Chuyển sang thẩm định " + "x" * 2100
    resp = client.post(reverse("web:period-transition", args=[p.pk]), {"to": Status.APPRAISAL, "note": note})
    assert resp.status_code == 400
    page = _text(resp)
    # the error sits in the note's field block, the typed note is still in the input
    field = _field(page, "note")
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
    row = page[page.index('id="c_nhan_luc"') :]
    row = row[: row.index("</tr>")]
    assert "Hãy chọn một tài khoản cơ quan xác minh trong danh sách." in row
    good = page[page.index(f'id="{other}"') :]
    good = good[: good.index("</select>")]
    assert f'value="{agency.pk}" selected' in good  # the other pick is kept
    assert not CriterionVerifier.objects.filter(period=p).exists()


def _adjusted(demo):
    """A submitted report in the explanation stage with one adjusted figure."""
    from xephang.web import workflow

    p = demo["open"]
    workflow.transition(p, demo["quantri"], Status.APPRAISAL)
    sub = p.submissions.filter(state="submitted").exclude(unit=demo["own"]).first()
    adj = workflow.appraise(sub, demo["thamdinh"], "so_cbccvc_co_may_tinh", False, "0", "thiếu minh chứng")
    workflow.transition(p, demo["quantri"], Status.EXPLANATION)
    return p, sub, adj


def _explained(demo):
    """As ``_adjusted``, the unit having explained the adjustment."""
    from xephang.web import workflow

    p, sub, adj = _adjusted(demo)
    return p, sub.unit, workflow.explain(adj, demo["quantri"], "Bổ sung sổ tài sản")


def test_explanation_decision_without_reason_is_shown_beside_the_reason(client, demo):
    p, unit, expl = _explained(demo)
    client.force_login(demo["thamdinh"])
    url = reverse("web:appraisal-unit", args=[p.pk, unit.pk])
    resp = client.post(url, {"explanation": expl.pk, "decision": "accept", "reason": "   "})
    assert resp.status_code == 200
    page = _text(resp)
    assert "Quyết định về giải trình phải có lý do." in _field(page, f"dr-{expl.pk}")
    expl.refresh_from_db()
    assert expl.decision == "pending" and not AuditEntry.objects.filter(action="explanation.decide").exists()


def test_explanation_decision_not_in_the_list_keeps_the_typed_reason(client, demo):
    p, unit, expl = _explained(demo)
    client.force_login(demo["thamdinh"])
    url = reverse("web:appraisal-unit", args=[p.pk, unit.pk])
    resp = client.post(url, {"explanation": expl.pk, "decision": "maybe", "reason": "Minh chứng hợp lệ"})
    page = _text(resp)
    form = page[page.index(f'for="dr-{expl.pk}"') :]
    form = form[: form.index("</form>")]
    assert "Hãy chọn Chấp nhận giải trình hoặc Giữ kết quả thẩm định." in form
    assert 'value="Minh chứng hợp lệ"' in form
    expl.refresh_from_db()
    assert expl.decision == "pending"
    # an explanation of another report is refused, not decided
    other = p.submissions.filter(state="submitted").exclude(unit=unit).first().unit
    resp = client.post(
        reverse("web:appraisal-unit", args=[p.pk, other.pk]),
        {"explanation": expl.pk, "decision": "accept", "reason": "x"},
    )
    assert resp.status_code == 400 and "Giải trình không thuộc báo cáo này." in _text(resp)
    expl.refresh_from_db()
    assert expl.decision == "pending"
    assert client.post(url, {"explanation": expl.pk, "decision": "reject", "reason": "Giữ"}).status_code == 302
    expl.refresh_from_db()
    assert expl.decision == "rejected"


def test_unit_explanation_without_text_is_shown_beside_the_text(client, demo):
    from django.contrib.auth import get_user_model

    from xephang.web.models import Explanation, Profile, Role

    p, sub, adj = _adjusted(demo)
    rep = get_user_model().objects.create_user("bc-x", password="x")
    Profile.objects.create(user=rep, role=Role.REPORTER, unit=sub.unit)
    client.force_login(rep)
    url = reverse("web:explanation", args=[p.pk, sub.unit.pk])
    resp = client.post(url, {"adjustment": adj.pk, "text": "  ", "locator": "trang 7 mục 2"})
    assert resp.status_code == 200
    page = _text(resp)
    assert "Hãy nhập nội dung giải trình." in _field(page, f"t-{adj.pk}")
    assert 'value="trang 7 mục 2"' in _field(page, f"l-{adj.pk}")
    assert not Explanation.objects.filter(adjustment=adj).exists()
    resp = client.post(url, {"adjustment": adj.pk, "text": "Bổ sung sổ tài sản"})
    assert resp.status_code == 302 and Explanation.objects.get(adjustment=adj).text == "Bổ sung sổ tài sản"


def _pdf(name="ke-hoach.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n", content_type="application/pdf")


def test_upload_from_beside_a_criterion_not_on_the_form_is_refused_and_stores_nothing(client, demo):
    from xephang.web.models import Evidence

    p, own = demo["open"], demo["own"]
    client.force_login(demo["baocao"])
    url = reverse("web:evidence-upload", args=[p.pk, own.pk])
    sent = {"criteria": ["may_tinh"], "summary": "KH 12"}
    for origin in ("khong_co_tieu_chi_nay", "ha_tang_ky_thuat"):  # unknown; a heading without an upload beside it
        resp = client.post(url, {**sent, "file": _pdf(), "origin": origin}, HTTP_HX_REQUEST="true")
        assert resp.status_code == 400 and f"Tiêu chí '{origin}' không có ô tải tài liệu" in _text(resp)
    assert not Evidence.objects.filter(submission__period=p, submission__unit=own).exists()
    # from beside a criterion of the form: stored, and answered in that criterion's block
    resp = client.post(url, {**sent, "file": _pdf(), "origin": "may_tinh"}, HTTP_HX_REQUEST="true")
    assert resp.status_code == 200 and "Đã tải lên" in _text(resp) and 'id="ev-may_tinh"' in _text(resp)
    assert Evidence.objects.filter(submission__period=p, submission__unit=own).count() == 1


def test_unlink_of_a_criterion_not_on_the_form_is_refused_and_changes_nothing(client, demo):
    from xephang.web import workflow

    p, own = demo["open"], demo["own"]
    client.force_login(demo["baocao"])
    sub = workflow.submission_for(p, own)
    ev = workflow.add_evidence(sub, demo["baocao"], _pdf(), ["may_tinh", "ket_noi_internet"], "", "")
    url = reverse("web:evidence-unlink", args=[p.pk, own.pk, ev.pk])
    audits = AuditEntry.objects.count()
    for sent, said in (({"criterion": "khong_co"}, "Tiêu chí 'khong_co' không thuộc"), ({}, "Chưa chọn tiêu chí")):
        resp = client.post(url, sent, HTTP_HX_REQUEST="true")
        assert resp.status_code == 400 and said in _text(resp)
    assert sorted(ev.links.values_list("criterion_id", flat=True)) == ["ket_noi_internet", "may_tinh"]
    assert AuditEntry.objects.count() == audits
    # a criterion of the form the document does not support: said beside that criterion
    resp = client.post(url, {"criterion": "bang_thong"}, HTTP_HX_REQUEST="true")
    assert resp.status_code == 200 and "Tài liệu không gắn với tiêu chí này." in _text(resp)
    resp = client.post(url, {"criterion": "may_tinh"}, HTTP_HX_REQUEST="true")
    assert resp.status_code == 200 and list(ev.links.values_list("criterion_id", flat=True)) == ["ket_noi_internet"]


def test_pasted_criteria_set_with_an_error_is_shown_beside_the_text_and_kept(client, demo):
    from xephang.web.models import Framework

    client.force_login(demo["quantri"])
    url = reverse("web:frameworks")
    good = Framework.objects.get(code="thanhhoa-2016").yaml_text.replace("id: thanhhoa-2016", "id: thu-dan", 1)
    bad = good.replace("rounding: {decimals: 2}", "rounding: {decimals: hai}", 1)
    sets, audits = Framework.objects.count(), AuditEntry.objects.count()
    resp = client.post(url, {"text": bad, "save": "1"})
    assert resp.status_code == 200
    page = _text(resp)
    field = page[page.index('for="text"') :]
    field = field[: field.index("</div>")]
    assert "Bộ tiêu chí không hợp lệ" in field and "rounding.decimals" in field  # what and where, beside the text
    assert "rounding: {decimals: hai}" in field  # the pasted text, kept to be corrected
    assert Framework.objects.count() == sets and AuditEntry.objects.count() == audits
    resp = client.post(url, {"text": "   ", "save": "1"})
    assert "Hãy chọn tệp bộ tiêu chí hoặc dán nội dung YAML." in _field(_text(resp), "text")
    resp = client.post(url, {"text": "id: x\0", "check": "1"})
    assert "ký tự rỗng (NUL)" in _field(_text(resp), "text")
    assert Framework.objects.count() == sets
    resp = client.post(url, {"text": good, "save": "1"})
    assert resp.status_code == 302 and Framework.objects.filter(code="thu-dan").exists()
