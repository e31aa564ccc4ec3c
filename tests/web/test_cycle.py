"""The cycle through the pages and the workflow: reporting, evidence, appraisal, explanation, freezing,
publishing, corrections and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from xephang.web import publication, workflow
from xephang.web.demo import sample_texts
from xephang.web.models import AuditEntry, Period, Status, Submission
from xephang.web.scoring import score_period
from xephang.web.workflow import WorkflowError

from .conftest import publish_period


def _fill(demo, seed=1):
    import random

    fw = demo["open"].framework.load()
    return {f"v_{k}": v for k, v in sample_texts(fw, demo["own"].group.code, random.Random(seed)).items()}


def _version(demo) -> dict:
    """The report's version, as the form carries it (a POST without it is refused)."""
    return {"version": str(workflow.submission_for(demo["open"], demo["own"]).version)}


def test_transitions_follow_the_workflow_and_are_recorded(demo):
    p, admin = demo["open"], demo["quantri"]
    with pytest.raises(WorkflowError):
        workflow.transition(p, admin, Status.FINAL)  # cannot skip appraisal and explanation
    for to in (Status.APPRAISAL, Status.EXPLANATION):
        workflow.transition(p, admin, to, note=f"sang {to}")
        p.refresh_from_db()
        assert p.status == to
    with pytest.raises(WorkflowError, match="chưa được ghi nhận là đơn vị không báo cáo"):
        workflow.transition(p, admin, Status.FINAL)  # units without a report are not dropped silently
    publication.record_non_reporting(p, admin, publication.missing_units(p), "Quá hạn")
    workflow.transition(p, admin, Status.FINAL, note="sang final")
    with pytest.raises(WorkflowError, match="số và ngày"):
        workflow.transition(p, admin, Status.PUBLISHED)  # publication needs the signed decision
    workflow.publish(p, admin, number="7", date=dt.date(2022, 2, 1))
    p.refresh_from_db()
    assert p.status == Status.PUBLISHED
    moves = AuditEntry.objects.filter(period=p, action="period.transition").order_by("at", "id")
    assert [(m.before["status"], m.after["status"]) for m in moves] == [
        ("open", "appraisal"),
        ("appraisal", "explanation"),
        ("explanation", "final"),
        ("final", "published"),
    ]
    snaps = list(p.snapshots.order_by("version"))
    assert [s.published for s in snaps] == [False, True]
    assert snaps[1].data["decision"]["number"] == "7" and snaps[1].data["edition"] == 1
    assert {
        **snaps[1].data,
        "decision": None,
        "state": None,
        "edition": None,
        "reason": None,
        "published_at": None,
    } == {**snaps[0].data, "decision": None, "state": None, "edition": None, "reason": None, "published_at": None}


def test_status_change_notifies_units_by_email(demo):
    demo["baocao"].email = "baocao@so-tttt.example"
    demo["baocao"].save()
    workflow.transition(demo["open"], demo["quantri"], Status.APPRAISAL)
    assert any("baocao@so-tttt.example" in m.to for m in mail.outbox)
    assert "Đang thẩm định" in mail.outbox[0].body
    assert f"/ky/{demo['open'].pk}/" in mail.outbox[0].body  # the link


def test_phase_email_carries_the_task_the_deadline_and_the_link(demo):
    p = demo["open"]
    workflow.transition(p, demo["quantri"], Status.APPRAISAL)
    mail.outbox.clear()
    workflow.transition(p, demo["quantri"], Status.EXPLANATION)
    body = mail.outbox[0].body
    assert "giải trình các số liệu bị điều chỉnh" in body
    assert f"Hạn giải trình: {p.explanation_deadline:%d/%m/%Y}." in body
    assert f"http://127.0.0.1:8000/ky/{p.pk}/" in body


def test_deadline_reminders_go_to_units_that_have_not_submitted(demo):
    p = demo["open"]
    demo["baocao"].email = "baocao@so-tttt.example"
    demo["baocao"].save()
    sent = workflow.send_deadline_reminders(today=p.deadline - dt.timedelta(days=2))
    assert sent >= 1 and "Nhắc hạn" in mail.outbox[0].subject
    assert workflow.send_deadline_reminders(today=p.deadline - dt.timedelta(days=10)) == 0


def test_invalid_figures_save_nothing_and_say_what_is_expected(client, demo):
    p, own = demo["open"], demo["own"]
    client.force_login(demo["baocao"])
    url = reverse("web:report", args=[p.pk, own.pk])
    resp = client.post(
        url,
        {
            "v_so_cbccvc": "100",
            "v_so_cbccvc_co_may_tinh": "120",
            "v_so_may_tinh": "nhiều",
            "save": "1",
            **_version(demo),
        },
    )
    assert resp.status_code == 200
    text = resp.content.decode()
    assert "Chưa lưu" in text and "phần không thể lớn hơn tổng" in text and "nhiều" in text
    assert Submission.objects.get(period=p, unit=own).values == {}


def test_draft_then_submit_locks_the_report(client, demo):
    p, own = demo["open"], demo["own"]
    client.force_login(demo["baocao"])
    url = reverse("web:report", args=[p.pk, own.pk])
    assert client.post(url, {"v_so_cbccvc": "50", "save": "1", **_version(demo)}).status_code == 302
    sub = Submission.objects.get(period=p, unit=own)
    assert sub.values == {"so_cbccvc": "50"} and sub.state == "draft"
    # Submitting with blanks is refused and names the blanks.
    resp = client.post(url, {"v_so_cbccvc": "50", "submit": "1", **_version(demo)})
    assert resp.status_code == 200 and "cần nhập đủ trước khi nộp" in resp.content.decode()
    # Figures claimed without their required evidence: saved as a draft, not submitted, until confirmed.
    assert client.post(url, {**_fill(demo), "submit": "1", **_version(demo)}).status_code == 302
    sub.refresh_from_db()
    assert sub.state == "draft" and sub.values == {k[2:]: v for k, v in _fill(demo).items() if k.startswith("v_") and v}
    assert client.post(url, {**_fill(demo), "submit_anyway": "1", **_version(demo)}).status_code == 302
    sub.refresh_from_db()
    assert sub.state == "submitted" and sub.submitted_at
    assert client.post(url, {"v_so_cbccvc": "1", "save": "1"}).status_code == 403
    assert AuditEntry.objects.filter(unit=own, action="report.submit").exists()


def test_live_self_score_is_the_cores_score(client, demo):
    p, own = demo["open"], demo["own"]
    client.force_login(demo["baocao"])
    form = _fill(demo, seed=7)
    resp = client.post(reverse("web:report-live", args=[p.pk, own.pk]), form)
    assert resp.status_code == 200
    html = resp.content.decode()
    # Independently: save and submit the same figures, then score the period.
    client.post(reverse("web:report", args=[p.pk, own.pk]), {**form, "submit_anyway": "1", **_version(demo)})
    ps = score_period(p, "reported")
    from xephang.web.scoring import total_text

    shown = total_text(ps, ps.ranked(own.pk))
    assert "," in shown and f"<strong>{shown}</strong> điểm" in html  # a decimal comma, as users write
    # Raising one figure changes the live score.
    more = dict(form, v_so_cbccvc_co_may_tinh="0")
    other = client.post(reverse("web:report-live", args=[p.pk, own.pk]), more)
    assert other.status_code == 403  # submitted: no more edits, not even previews


def test_live_score_with_blanks_is_marked_provisional(client, demo):
    client.force_login(demo["baocao"])
    html = client.post(
        reverse("web:report-live", args=[demo["open"].pk, demo["own"].pk]), {"v_so_cbccvc": "10"}
    ).content.decode()
    assert "Tạm tính" in html and "ô trống" in html


def test_empty_form_shows_no_score_and_no_level(client, demo):
    client.force_login(demo["baocao"])
    html = client.post(reverse("web:report-live", args=[demo["open"].pk, demo["own"].pk]), {}).content.decode()
    assert "Yếu" not in html and "0,00" not in html and "0.00" not in html
    assert "Nhập số liệu để xem điểm tạm tính" in html
    page = client.get(reverse("web:report", args=[demo["open"].pk, demo["own"].pk])).content.decode()
    assert "−0" not in page and "-0" not in page.split('id="self-score"')[1].split("</aside>")[0]


def test_evidence_keeps_its_name_serves_several_criteria_and_checks_type_and_size(client, demo, settings):
    p, own = demo["open"], demo["own"]
    client.force_login(demo["baocao"])
    url = reverse("web:evidence-upload", args=[p.pk, own.pk])
    pdf = SimpleUploadedFile("Quyết định 12-QĐ.pdf", b"%PDF-1.4 ok", content_type="application/pdf")
    client.post(
        url, {"file": pdf, "criteria": ["may_tinh", "ket_noi_internet"], "locator": "trang 3", "summary": "QĐ 12"}
    )
    sub = Submission.objects.get(period=p, unit=own)
    ev = sub.evidence.get()
    assert ev.original_name == "Quyết định 12-QĐ.pdf"
    assert sorted(ev.links.values_list("criterion_id", flat=True)) == ["ket_noi_internet", "may_tinh"]
    assert ev.links.first().locator == "trang 3"
    resp = client.get(reverse("web:evidence-download", args=[p.pk, own.pk, ev.pk]))
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == b"%PDF-1.4 ok"
    resp = client.post(url, {"file": SimpleUploadedFile("x.exe", b"MZ"), "criteria": ["may_tinh"]}, follow=True)
    assert "chỉ nhận PDF" in resp.content.decode()
    settings.XEPHANG_EVIDENCE_MAX_BYTES = 10
    resp = client.post(url, {"file": SimpleUploadedFile("big.pdf", b"x" * 11), "criteria": ["may_tinh"]}, follow=True)
    assert "vượt giới hạn" in resp.content.decode()
    assert sub.evidence.count() == 1


def _to_appraisal(demo):
    p = demo["open"]
    workflow.transition(p, demo["quantri"], Status.APPRAISAL)
    return p


def test_adjusting_needs_a_reason_and_changes_the_appraised_total(client, demo):
    p = _to_appraisal(demo)
    unit = p.submissions.filter(state="submitted").exclude(unit=demo["own"]).first().unit
    client.force_login(demo["thamdinh"])
    url = reverse("web:appraisal-unit", args=[p.pk, unit.pk])
    before = score_period(p, "appraised").ranked(unit.pk).total
    client.post(url, {"input": "so_cbccvc_co_may_tinh", "action": "adjust", "value": "0", "reason": ""})
    assert not p.submissions.get(unit=unit).adjustments.exists()
    client.post(
        url, {"input": "so_cbccvc_co_may_tinh", "action": "adjust", "value": "0", "reason": "Không có sổ tài sản"}
    )
    adj = p.submissions.get(unit=unit).adjustments.get()
    assert (adj.accepted, adj.value, adj.reason) == (False, "0", "Không có sổ tài sản")
    after = score_period(p, "appraised").ranked(unit.pk).total
    reported = score_period(p, "reported").ranked(unit.pk).total
    assert after < before == reported
    page = client.get(url).content.decode()
    assert "Không có sổ tài sản" in page and "1/" in page  # one criterion fully decided
    e = AuditEntry.objects.get(action="appraisal.adjust")
    assert e.reason == "Không có sổ tài sản" and e.after["value"] == "0"


def test_explanation_accepted_restores_the_units_figure(client, demo):
    p = _to_appraisal(demo)
    sub = p.submissions.filter(state="submitted").exclude(unit=demo["own"]).first()
    unit = sub.unit
    reported = score_period(p, "reported").ranked(unit.pk).total
    adj = workflow.appraise(sub, demo["thamdinh"], "so_cbccvc_co_may_tinh", False, "0", "thiếu minh chứng")
    workflow.transition(p, demo["quantri"], Status.EXPLANATION)
    from django.contrib.auth import get_user_model

    from xephang.web.models import Profile, Role

    rep = get_user_model().objects.create_user("bc-x", password="x")
    Profile.objects.create(user=rep, role=Role.REPORTER, unit=unit)
    client.force_login(rep)
    page = client.get(reverse("web:explanation", args=[p.pk, unit.pk])).content.decode()
    assert "thiếu minh chứng" in page
    client.post(
        reverse("web:explanation", args=[p.pk, unit.pk]),
        {
            "adjustment": adj.pk,
            "text": "Bổ sung sổ tài sản",
            "locator": "trang 2",
            "file": SimpleUploadedFile("so-tai-san.pdf", b"%PDF-1.4"),
        },
    )
    expl = adj.__class__.objects.get(pk=adj.pk).explanation
    assert expl.text == "Bổ sung sổ tài sản" and expl.evidence.original_name == "so-tai-san.pdf"
    client.force_login(demo["thamdinh"])
    url = reverse("web:appraisal-unit", args=[p.pk, unit.pk])
    client.post(url, {"explanation": expl.pk, "decision": "accept", "reason": ""})
    expl.refresh_from_db()
    assert expl.decision == "pending"  # a decision needs a reason
    client.post(url, {"explanation": expl.pk, "decision": "accept", "reason": "Minh chứng hợp lệ"})
    expl.refresh_from_db()
    assert expl.decision == "accepted"
    assert score_period(p, "appraised").ranked(unit.pk).total == reported


def test_publish_and_correct_keep_every_version(client, demo):
    p = demo["open"]
    admin = demo["quantri"]
    first = publish_period(p, admin, number="12")
    sub = p.submissions.filter(state="submitted").first()
    with pytest.raises(publication.PublicationError, match="lý do"):  # a correction without a reason
        publication.reopen(p, admin, [sub.unit], "  ")
    publication.reopen(p, admin, [sub.unit], "Đính chính số liệu máy tính")
    p.appraisers.add(demo["thamdinh"])
    workflow.appraise(sub, demo["thamdinh"], "so_cbccvc_co_may_tinh", False, "0", "Không có sổ tài sản")
    with pytest.raises(WorkflowError):  # no publication without the correction's own number
        publish_period(p, admin, number="", reason="Đính chính số liệu máy tính")
    second = publish_period(p, admin, number="13", reason="Đính chính số liệu máy tính")
    assert second.data["edition"] == 2 and second.sha256 != first.sha256
    resp = client.get(reverse("web:results", args=[p.pk]))
    html = resp.content.decode()
    assert second.sha256 in html and "Phiên bản 2" in html and "Đính chính số liệu máy tính" in html
    old = client.get(reverse("web:results", args=[p.pk]) + "?phien-ban=1").content.decode()
    assert first.sha256 in old


def _body(resp) -> bytes:
    return b"".join(resp.streaming_content) if resp.streaming else resp.content


def test_open_data_formats(client, demo):
    p = demo["p2020"]
    csv_text = _body(client.get(reverse("web:open-data", args=[p.pk, "csv"]))).decode("utf-8-sig")
    assert csv_text.splitlines()[1].split(",")[-5:] == ["Văn phòng UBND tỉnh", "99", "99.00", "Tốt", ""]
    data = client.get(reverse("web:open-data", args=[p.pk, "json"])).json()
    assert data["framework_yaml"].startswith("#") and data["results"]["framework"]["id"] == "thanhhoa-2016"
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(_body(client.get(reverse("web:open-data", args=[p.pk, "xlsx"])))))
    assert wb.sheetnames == ["Kết quả", "Bộ tiêu chí"] and wb["Kết quả"].max_row == 48
    listing = client.get(reverse("web:api-periods")).json()["periods"]
    assert [x["year"] for x in listing] == [2025, 2020]  # the demo's 2025 sample period is published too


def test_unit_page_shows_year_over_year(client, demo):
    p = demo["open"]
    publish_period(p, demo["quantri"])
    unit = p.submissions.filter(state="submitted").first().unit
    html = client.get(reverse("web:unit-result", args=[p.pk, unit.pk])).content.decode()
    assert "Qua các năm" in html and "Năm 2020" in html and "Hạ tầng kỹ thuật" in html


def test_carry_over_from_last_years_figures_is_marked_until_confirmed(client, demo):
    old = demo["open"]
    publish_period(old, demo["quantri"])
    new = Period.objects.create(name="Năm 2022", year=2022, framework=old.framework, status=Status.OPEN)
    unit = Submission.objects.filter(period=old, state="submitted", unit__group__code="so_ban_nganh").first().unit
    new.units.add(unit)
    sub = workflow.submission_for(new, unit)
    assert sub.values == Submission.objects.get(period=old, unit=unit).values
    assert set(sub.carried) == set(sub.values)
    texts = dict(sub.values)
    workflow.save_report(sub, None, texts, [], {"so_cbccvc"}, submit=False)
    sub.refresh_from_db()
    assert "so_cbccvc" not in sub.carried and "so_may_tinh" in sub.carried


def test_framework_upload_shows_validation_errors(client, demo):
    client.force_login(demo["quantri"])
    bad = SimpleUploadedFile("sai.yaml", "id: x\ntitle: Thử\nscale: 100\ngroups: []\n".encode())
    html = client.post(reverse("web:frameworks"), {"yaml": bad, "check": "1"}).content.decode()
    assert "Bộ tiêu chí không hợp lệ" in html
    html = client.get(reverse("web:frameworks") + "?xem=thanhhoa-2016&khoi=huyen_thi_xa_thanh_pho").content.decode()
    assert "Tổng số xã, phường, thị trấn trên địa bàn" in html


def test_audit_page_lists_changes(client, demo):
    workflow.transition(demo["open"], demo["quantri"], Status.APPRAISAL, note="hết hạn")
    client.force_login(demo["quantri"])
    html = client.get(reverse("web:audit")).content.decode()
    assert "Chuyển giai đoạn" in html and "hết hạn" in html
    assert (
        "Quản trị Sở TTTT chuyển kỳ &#x27;Năm 2021 (dữ liệu mẫu)&#x27; từ Đang nhận báo cáo sang Đang thẩm định."
        in html
    )
    assert "status:" not in html and "{&#x27;" not in html  # no raw codes, no Python dicts


def test_audit_sentences_name_figures_criteria_and_values_as_people_write_them(client, demo):
    from xephang.web.audit_text import describe

    p, own = demo["open"], demo["own"]
    fw = p.framework.load()
    client.force_login(demo["baocao"])
    client.post(
        reverse("web:report", args=[p.pk, own.pk]),
        {"v_so_cbccvc": "40", "v_ty_le_ket_noi_wan": "0.85", "save": "1", **_version(demo)},
    )
    entry = AuditEntry.objects.filter(action="report.save", unit=own).first()
    text = describe(entry)
    assert text.startswith("Cán bộ báo cáo lưu bản nháp báo cáo của Sở Thông tin và Truyền thông: ")
    assert f"{fw.inputs['so_cbccvc'].label}: (trống) → 40" in text
    assert "0,85" in text and "so_cbccvc" not in text
    workflow.transition(p, demo["quantri"], Status.APPRAISAL)
    sub = Submission.objects.filter(period=p, state="submitted").select_related("unit").first()
    workflow.appraise(sub, demo["thamdinh"], "so_cbccvc_co_may_tinh", False, "0", "Không có sổ")
    text = describe(AuditEntry.objects.filter(action="appraisal.adjust").first())
    assert text == (
        f"Thẩm định viên điều chỉnh '{fw.inputs['so_cbccvc_co_may_tinh'].label}' của {sub.unit.name} từ "
        f"{sub.values['so_cbccvc_co_may_tinh']} thành 0."
    )


def test_dates_are_written_the_vietnamese_way():
    from xephang.web.templatetags.xephang_tags import ngay

    assert ngay(dt.date(2021, 1, 27)) == "ngày 27 tháng 01 năm 2021"
    # the same writing as the decision's (xephang.dates): months from 3 on without a leading zero
    assert ngay(dt.date(2021, 3, 5)) == "ngày 05 tháng 3 năm 2021"
    assert ngay(dt.datetime(2021, 11, 27, 14, 30)) == "14:30 ngày 27 tháng 11 năm 2021"


@override_settings(DEBUG=False)
def test_errors_are_pages_not_tracebacks(client, demo):
    resp = client.get("/ky/999999/")
    assert resp.status_code in (302, 404)
    client.force_login(demo["quantri"])
    resp = client.get("/ky/999999/")
    assert resp.status_code == 404 and "Không tìm thấy" in resp.content.decode()


def _workbook(resp):
    import io

    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(resp.content))


def test_excel_round_trip_saves_the_figures(client, demo, tmp_path):
    import random

    p, own = demo["open"], demo["own"]
    client.force_login(demo["baocao"])
    wb = _workbook(client.get(reverse("web:report-template", args=[p.pk, own.pk])))
    ws = wb["Báo cáo"]
    assert ws["B5"].value == own.name and wb.sheetnames == ["Báo cáo", "Hướng dẫn"]
    fw = p.framework.load()
    texts = sample_texts(fw, own.group.code, random.Random(11))
    by_header = {inp.label: inp.id for inp in fw.inputs_for(own.group.code)}
    for col in range(3, ws.max_column + 1):
        ws.cell(row=5, column=col).value = texts[by_header[ws.cell(row=2, column=col).value]]
    path = tmp_path / "bao-cao-so-tttt.xlsx"
    wb.save(path)
    with path.open("rb") as f:
        resp = client.post(reverse("web:report-upload", args=[p.pk, own.pk]), {"xlsx": f}, follow=True)
    assert "Đã nhập số liệu" in resp.content.decode()
    sub = Submission.objects.get(period=p, unit=own)
    from decimal import Decimal

    assert sub.values.keys() == texts.keys() and sub.state == "draft"
    for k, typed in texts.items():
        if fw.inputs[k].type == "ratio":  # typed "0,85" comes back as the exact number 0.85
            assert Decimal(sub.values[k]) == Decimal(typed.replace(",", ".")), k
        else:
            assert sub.values[k] == typed, k


def test_a_report_filled_in_the_earlier_form_still_imports(client, demo, tmp_path):
    """Forms downloaded before the id row existed: sheet "Báo cáo", a title in row 1, the labels as the
    header in row 2 and the unit's figures in row 3, stamped with the report version."""
    import random

    import openpyxl
    from openpyxl.packaging.custom import StringProperty

    from xephang.web.excel import template_stamp

    p, own = demo["open"], demo["own"]
    client.force_login(demo["baocao"])
    client.get(reverse("web:report", args=[p.pk, own.pk]))
    fw = p.framework.load()
    inputs = fw.inputs_for(own.group.code)
    texts = sample_texts(fw, own.group.code, random.Random(12))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ws["A1"] = (
        f"Biểu mẫu báo cáo {p.name} — {own.name} (phiên bản báo cáo 0). Điền số liệu vào dòng 3; không sửa dòng 2."
    )
    ws.append(["Khối", "Đơn vị", *[i.label for i in inputs]])
    ws.append([own.group.code, own.name, *[texts[i.id] for i in inputs]])
    sub = Submission.objects.filter(period=p, unit=own).first()
    wb.custom_doc_props.append(StringProperty(name="xephang-bao-cao", value=template_stamp(p, own, sub)))
    path = tmp_path / "bao-cao-cu.xlsx"
    wb.save(path)
    with path.open("rb") as f:
        resp = client.post(reverse("web:report-upload", args=[p.pk, own.pk]), {"xlsx": f}, follow=True)
    assert "Đã nhập số liệu" in resp.content.decode()
    saved = Submission.objects.get(period=p, unit=own).values
    assert saved.keys() == texts.keys() and saved["so_cbccvc"] == texts["so_cbccvc"]


def test_excel_with_a_bad_cell_saves_nothing_and_names_the_cell(client, demo, tmp_path):
    p, own = demo["open"], demo["own"]
    client.force_login(demo["baocao"])
    wb = _workbook(client.get(reverse("web:report-template", args=[p.pk, own.pk])))
    ws = wb["Báo cáo"]
    for col in range(3, ws.max_column + 1):
        ws.cell(row=5, column=col).value = "có" if ws.cell(row=2, column=col).value.startswith("Có") else "1"
    ws["C5"] = "mười"
    path = tmp_path / "sai.xlsx"
    wb.save(path)
    with path.open("rb") as f:
        html = client.post(reverse("web:report-upload", args=[p.pk, own.pk]), {"xlsx": f}, follow=True).content.decode()
    assert "Không lưu gì từ tệp này" in html and "sai.xlsx" in html and "Báo cáo" in html and "ô C5" in html
    assert Submission.objects.get(period=p, unit=own).values == {}


def test_dashboard_shows_progress_and_level_distribution(client, demo):
    client.force_login(demo["lanhdao"])
    html = client.get(reverse("web:dashboard")).content.decode()
    p = demo["open"]
    submitted = p.submissions.filter(state="submitted").count()
    assert f"{submitted}/47 đơn vị đã nộp" in html and "tạm tính" in html
    # 2020: 34 Tốt and 13 Khá, as the decision's table counts them.
    assert '<td class="num">34</td>' in html and '<td class="num">13</td>' in html


def test_the_public_downloads_the_decision_of_a_published_period(client, demo):
    import io
    import zipfile

    resp = client.get(reverse("web:decision", args=[demo["p2020"].pk, "docx"]))
    assert resp.status_code == 200 and resp["Content-Disposition"].endswith('.docx"')
    xml = zipfile.ZipFile(io.BytesIO(resp.content)).read("word/document.xml").decode()
    assert "Văn phòng UBND tỉnh" in xml and "99.00" in xml and "QUYẾT ĐỊNH" in xml
    assert client.get(reverse("web:decision", args=[demo["open"].pk, "docx"])).status_code == 403


def test_the_published_decision_is_written_from_the_snapshot_not_the_live_rows(client, demo):
    import io
    import zipfile

    p = demo["p2020"]
    sub = p.submissions.get(unit__name="Văn phòng UBND tỉnh")
    sub.total = "50"  # a figure changed after publication (no correction published)
    sub.save()
    resp = client.get(reverse("web:decision", args=[p.pk, "docx"]))
    xml = zipfile.ZipFile(io.BytesIO(resp.content)).read("word/document.xml").decode()
    assert resp.status_code == 200 and "99.00" in xml and "50.00" not in xml


def test_explanations_close_at_their_deadline(client, demo):
    p = _to_appraisal(demo)
    sub = p.submissions.filter(state="submitted").exclude(unit=demo["own"]).first()
    adj = workflow.appraise(sub, demo["thamdinh"], "so_cbccvc_co_may_tinh", False, "0", "thiếu minh chứng")
    workflow.transition(p, demo["quantri"], Status.EXPLANATION)
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from xephang.web.models import Profile, Role

    rep = get_user_model().objects.create_user("bc-y", password="x")
    Profile.objects.create(user=rep, role=Role.REPORTER, unit=sub.unit)
    client.force_login(rep)
    url = reverse("web:explanation", args=[p.pk, sub.unit.pk])
    p.explanation_deadline = timezone.localdate() - dt.timedelta(days=1)
    p.save()
    assert client.post(url, {"adjustment": adj.pk, "text": "muộn"}).status_code == 403
    p.explanation_deadline = timezone.localdate()
    p.save()
    assert client.post(url, {"adjustment": adj.pk, "text": "đúng hạn"}).status_code == 302
    assert adj.__class__.objects.get(pk=adj.pk).explanation.text == "đúng hạn"


def test_framework_saved_from_the_page_is_stored_and_audited(client, demo):
    from xephang.web.models import AuditEntry, Framework

    client.force_login(demo["quantri"])
    text = Framework.objects.get(code="thanhhoa-2016").yaml_text.replace("id: thanhhoa-2016", "id: thu-nghiem", 1)
    resp = client.post(reverse("web:frameworks"), {"text": text, "save": "1"})
    assert resp.status_code == 302
    saved = Framework.objects.get(code="thu-nghiem")
    entry = AuditEntry.objects.filter(action="framework.save", subject="thu-nghiem").get()
    assert entry.after == {"sha256": saved.sha256}


def test_excel_reports_every_bad_cell_in_one_message(client, demo, tmp_path):
    p, own = demo["open"], demo["own"]
    client.force_login(demo["baocao"])
    wb = _workbook(client.get(reverse("web:report-template", args=[p.pk, own.pk])))
    ws = wb["Báo cáo"]
    fw = p.framework.load()
    by_label = {i.label: i for i in fw.inputs_for(own.group.code)}
    for col in range(3, ws.max_column + 1):  # a valid figure everywhere, then three bad cells
        inp = by_label[ws.cell(row=2, column=col).value]
        ws.cell(row=5, column=col).value = {"yesno": "có", "choice": inp.options[0].label if inp.options else ""}.get(
            inp.type, "1"
        )
    ws["C5"] = "mười"
    ws["E5"] = "-5"
    yes_col = next(c for c in range(3, ws.max_column + 1) if by_label[ws.cell(row=2, column=c).value].type == "yesno")
    ws.cell(row=5, column=yes_col).value = "chắc có"
    path = tmp_path / "hai-loi.xlsx"
    wb.save(path)
    with path.open("rb") as f:
        resp = client.post(reverse("web:report-upload", args=[p.pk, own.pk]), {"xlsx": f}, follow=True)
    html = resp.content.decode()
    from openpyxl.utils import get_column_letter

    assert "Không lưu gì từ tệp này: 3 ô có lỗi" in html
    for cell in ("ô C5", "ô E5", f"ô {get_column_letter(yes_col)}5"):
        assert cell in html, cell
    assert html.count("<li>tệp hai-loi.xlsx") == 3  # one line each, in one message
    assert Submission.objects.get(period=p, unit=own).values == {}


def test_reader_collects_up_to_the_limit(tmp_path):
    """The core's reader: by default the first bad cell stops the read (the command line); asked for
    several, it reports them together, at most the limit."""
    from xephang.errors import InputError, InputErrors
    from xephang.framework.loader import load_framework
    from xephang.io.reader import read_period

    fw = load_framework("thanhhoa-2016")
    inputs = fw.inputs_for("so_ban_nganh")
    rows = ["khối,đơn vị," + ",".join(i.id for i in inputs)]
    for n in range(4):
        rows.append(f"so_ban_nganh,Sở {n}," + ",".join("?" for _ in inputs))
    path = tmp_path / "nhieu-loi.csv"
    path.write_text("\n".join(rows), encoding="utf-8")
    with pytest.raises(InputError) as one:
        read_period(path, fw)
    assert not isinstance(one.value, InputErrors)
    with pytest.raises(InputErrors) as many:
        read_period(path, fw, max_errors=50)
    assert len(many.value.errors) == 50 and many.value.limit_reached
    assert str(many.value.errors[0]) == str(one.value)
    with pytest.raises(InputErrors) as all_of_them:
        read_period(path, fw, max_errors=1000)
    assert len(all_of_them.value.errors) == 4 * len(inputs) and not all_of_them.value.limit_reached


def test_open_data_of_an_appraised_period_has_every_unit_and_criterion(client, demo):
    """The streamed exports and the API carry the frozen content unchanged: one row per unit with its
    points per criterion, and the JSON's results hash to the published SHA-256."""
    import csv as csvmod
    import hashlib
    import json

    p = demo["open"]
    publish_period(p, demo["quantri"])
    snap = p.snapshots.filter(published=True).order_by("-version").first()
    data = snap.data
    rows = list(
        csvmod.reader(_body(client.get(reverse("web:open-data", args=[p.pk, "csv"]))).decode("utf-8-sig").splitlines())
    )
    units = [u for g in data["groups"] for u in g["units"]]
    assert len(rows) == 1 + len(units) and rows[1][2] == units[0]["name"]
    first = {c["id"]: c["points"] for c in units[0]["criteria"]}
    head = rows[0]
    assert all(rows[1][head.index(cid)] == pts for cid, pts in first.items() if pts is not None)
    text = client.get(reverse("web:api-period", args=[p.pk])).content.decode()
    start = text.index('"results": ') + len('"results": ')
    assert hashlib.sha256(text[start:-1].encode()).hexdigest() == snap.sha256
    assert json.loads(text)["results"] == data
    # the unit page reads its criteria from the unit's own row
    last = [u for u in units if not u.get("non_reporting")][-1]
    html = client.get(reverse("web:unit-result", args=[p.pk, last["unit_id"]])).content.decode()
    assert last["criteria"][0]["title"] in html
