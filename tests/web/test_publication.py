"""Publication: units that did not report are listed as the criteria set says, frozen periods cannot
change by any path (each attempt refused and audited, ``verify`` names a row changed in the
database), the draft is for leaders only, publication needs the signed decision's number and date,
and corrections go through appraisal again and are published as the next version with what changed."""

from __future__ import annotations

import datetime
import io
import random
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse

from xephang.web import publication, workflow
from xephang.web.demo import sample_texts
from xephang.web.frozen import FrozenError
from xephang.web.integrity import verify
from xephang.web.models import AuditEntry, Framework, Period, Status, Submission, Unit

from .conftest import login, publish_period

UNITS = ["Sở Y tế", "Sở Tài chính", "Sở Nội vụ"]  # Sở Nội vụ never reports


def _period(demo, rule: str | None = None) -> Period:
    """A 2022 period of three units; two submit sample figures, the third never reports."""
    base = Framework.objects.get(code="thanhhoa-2016")
    fw = base
    if rule:
        fw = Framework.objects.create(
            code=f"thu-{rule}",
            title=base.title,
            yaml_text=base.yaml_text.replace("id: thanhhoa-2016", f"id: thu-{rule}\nnon_reporting: {rule}", 1),
        )
    p = Period.objects.create(name="Năm 2022", year=2022, framework=fw, status=Status.OPEN)
    units = [Unit.objects.get(name=n) for n in UNITS]
    p.units.set(units)
    p.appraisers.add(demo["thamdinh"])
    core = fw.load()
    for k, unit in enumerate(units[:2]):
        Submission.objects.create(
            period=p,
            unit=unit,
            values=sample_texts(core, unit.group.code, random.Random(k)),
            state=Submission.State.SUBMITTED,
        )
    return p


def _docx_text(content: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()


def _to_explanation(p, admin):
    workflow.transition(p, admin, Status.APPRAISAL)
    workflow.transition(p, admin, Status.EXPLANATION)


# --- completeness -------------------------------------------------------------------------------------


def test_freezing_lists_the_missing_unit_and_refuses_until_it_is_recorded(client, demo):
    p, admin = _period(demo), demo["quantri"]
    _to_explanation(p, admin)
    html = login(client, "quantri").get(reverse("web:period", args=[p.pk])).content.decode()
    assert 'data-testid="missing-units"' in html and "Sở Nội vụ" in html
    with pytest.raises(workflow.WorkflowError, match="Sở Nội vụ"):
        workflow.transition(p, admin, Status.FINAL)
    assert not p.snapshots.exists()
    # the record needs a reason: the form says so next to the field and writes nothing
    nv = Unit.objects.get(name="Sở Nội vụ")
    html = client.post(reverse("web:non-reporting", args=[p.pk]), {"units": [nv.pk], "reason": " "}).content.decode()
    assert "Hãy ghi lý do" in html and not p.non_reporting.exists()
    resp = client.post(
        reverse("web:non-reporting", args=[p.pk]), {"units": [nv.pk], "reason": "Quá hạn 15/01, đã nhắc"}
    )
    assert resp.status_code == 302
    rec = p.non_reporting.get()
    assert (rec.unit, rec.rule, rec.reason) == (nv, "unranked", "Quá hạn 15/01, đã nhắc")
    assert AuditEntry.objects.filter(action="non_reporting.record", unit=nv, reason="Quá hạn 15/01, đã nhắc").exists()
    workflow.transition(p, admin, Status.FINAL)


def test_unranked_unit_is_listed_in_results_decision_annex_and_open_data(client, demo):
    p = _period(demo)
    snap = publish_period(p, demo["quantri"], number="21")
    row = next(u for g in snap.data["groups"] for u in g["units"] if u["name"] == "Sở Nội vụ")
    assert row["non_reporting"] and row["rank"] is None and row["total"] is None
    html = client.get(reverse("web:results", args=[p.pk])).content.decode()
    assert "Sở Nội vụ" in html and "không báo cáo / không xếp hạng" in html and "(3 đơn vị)" in html
    xml = _docx_text(client.get(reverse("web:decision", args=[p.pk, "docx"])).content)
    assert "Sở Nội vụ không gửi báo cáo" in xml and "không xếp hạng" in xml
    wb = openpyxl.load_workbook(io.BytesIO(client.get(reverse("web:decision", args=[p.pk, "annex"])).content))
    sheet = wb["Không báo cáo"]
    assert [c.value for c in sheet[3]][:2] == ["Khối sở, ban, ngành cấp tỉnh", "Sở Nội vụ"]
    resp = client.get(reverse("web:open-data", args=[p.pk, "csv"]))
    csv_text = b"".join(resp.streaming_content).decode("utf-8-sig")
    assert "Sở Nội vụ" in csv_text and "không báo cáo: không báo cáo / không xếp hạng" in csv_text
    data = client.get(reverse("web:open-data", args=[p.pk, "json"])).json()
    assert data["results"]["non_reporting"]["units"][0]["reason"] == "Quá hạn, không gửi báo cáo."


def test_zero_rule_ranks_the_missing_unit_last_with_zero_points(client, demo):
    p = _period(demo, "zero")
    snap = publish_period(p, demo["quantri"], number="22")
    rows = snap.data["groups"][0]["units"]
    assert [u["name"] for u in rows][-1] == "Sở Nội vụ"
    last = rows[-1]
    assert (last["rank"], last["total"], last["shown"]) == (3, "0", "0.00") and last["level"] == "Yếu"
    xml = _docx_text(client.get(reverse("web:decision", args=[p.pk, "docx"])).content)
    assert "Không gửi báo cáo (0 điểm theo quy định)" in xml and "được 0 điểm và xếp cuối khối" in xml
    assert xml.index("Sở Nội vụ") > max(xml.index("Sở Y tế"), xml.index("Sở Tài chính"))


def test_non_reporting_key_is_validated_by_the_loader():
    from xephang.errors import FrameworkError
    from xephang.framework.loader import DATA_DIR, parse_framework

    body = (DATA_DIR / "thanhhoa-2016.yaml").read_text(encoding="utf-8")
    assert parse_framework(body.replace("id: thanhhoa-2016", "id: x\nnon_reporting: zero", 1)).non_reporting == "zero"
    with pytest.raises(FrameworkError, match="non_reporting"):
        parse_framework(body.replace("id: thanhhoa-2016", "id: x\nnon_reporting: bo-qua", 1), "x.yaml")


# --- frozen means frozen ---------------------------------------------------------------------------


def _refusals(p):
    return AuditEntry.objects.filter(action="frozen.refused", period=p).count()


def test_every_write_path_to_a_frozen_period_is_refused_and_audited(demo):
    p = Period.objects.get(year=2020)
    n = _refusals(p)
    p.year = 2019
    with pytest.raises(FrozenError, match="không được sửa năm"):
        p.save()
    p.refresh_from_db()
    with pytest.raises(FrozenError):
        Period.objects.filter(pk=p.pk).update(name="Năm 2019")
    # Django sends m2m signals inside its own atomic block: the caller's savepoint rolls the attempt back
    with pytest.raises(FrozenError, match="danh sách đơn vị"), transaction.atomic():
        p.units.remove(p.units.first())
    with pytest.raises(FrozenError, match="danh sách đơn vị"), transaction.atomic():
        Unit.objects.get(name="Sở Y tế").periods.clear()
    fw = p.framework
    fw.yaml_text = fw.yaml_text.replace("scale: 100", "scale: 100 ", 1) + "\n# sửa"
    with pytest.raises(FrozenError, match="bộ tiêu chí"):
        fw.save()
    with pytest.raises(ValidationError):
        p.delete()
    p.refresh_from_db()
    assert (p.year, p.name, p.units.count()) == (2020, "Năm 2020", 47)
    assert _refusals(p) == n + 4  # model save, queryset update, criteria set, delete
    # what is not printed stays editable (a correction round needs appraisers and deadlines)
    p.deadline = datetime.date(2021, 1, 15)
    p.save()


def test_admin_forms_of_a_frozen_period_are_read_only_and_a_forged_post_is_refused(client, demo):
    p = Period.objects.get(year=2020)
    c = login(client, "quantri")
    html = c.get(reverse("admin:web_period_change", args=[p.pk])).content.decode()
    assert 'name="year"' not in html and 'name="name"' not in html
    n = _refusals(p)
    resp = c.post(
        reverse("admin:web_period_change", args=[p.pk]),
        {"name": "Năm 2019", "year": "2019", "framework": p.framework_id, "kind": p.kind},
        follow=True,
    )
    assert "đã chốt kết quả: không được sửa tên kỳ, năm" in resp.content.decode()
    p.refresh_from_db()
    assert (p.name, p.year) == ("Năm 2020", 2020)
    entry = AuditEntry.objects.filter(action="frozen.refused", period=p).order_by("-id").first()
    assert _refusals(p) == n + 1 and entry.user_name == "quantri" and entry.after["year"] == "2019"
    resp = c.post(reverse("admin:web_period_delete", args=[p.pk]), {"post": "yes"})
    assert Period.objects.filter(pk=p.pk).exists() and _refusals(p) == n + 2


def test_verify_names_a_frozen_row_changed_in_the_database(demo):
    p = Period.objects.get(year=2020)
    assert verify().ok
    with connection.cursor() as cur:
        cur.execute("UPDATE web_period SET year = 2019, name = 'Năm 2019' WHERE id = %s", [p.pk])
        cur.execute("DELETE FROM web_period_units WHERE period_id = %s AND unit_id = %s", [p.pk, demo["own"].pk])
    problems = verify().problems
    assert len(problems) == 3, problems
    assert all(f"kỳ id={p.pk} " in x for x in problems)
    assert any("năm đã bị sửa" in x and "2020 → 2019" in x for x in problems)
    assert any("tên kỳ đã bị sửa" in x for x in problems) and any("danh sách đơn vị" in x for x in problems)


def test_published_pages_print_the_snapshot_not_the_live_rows(client, demo):
    p = _period(demo)
    publish_period(p, demo["quantri"], number="23")
    with connection.cursor() as cur:  # past every guard: the pages and documents do not follow
        cur.execute("UPDATE web_period SET year = 2019, name = 'Năm 2019' WHERE id = %s", [p.pk])
        cur.execute("UPDATE web_unit SET name = 'Sở Y tế (đổi tên)' WHERE name = 'Sở Y tế'")
    html = client.get(reverse("web:results", args=[p.pk])).content.decode()
    assert "Năm 2022" in html and "Năm 2019" not in html and "đổi tên" not in html
    xml = _docx_text(client.get(reverse("web:decision", args=[p.pk, "docx"])).content)
    assert "Số: 23/" in xml and "đổi tên" not in xml


# --- draft, then publication ---------------------------------------------------------------------------


def _frozen(demo):
    p = _period(demo)
    _to_explanation(p, demo["quantri"])
    publication.record_non_reporting(p, demo["quantri"], publication.missing_units(p), "Quá hạn")
    workflow.transition(p, demo["quantri"], Status.FINAL)
    return p


def test_the_draft_is_for_leaders_marked_and_without_an_official_hash(client, demo):
    p = _frozen(demo)
    assert client.get(reverse("web:draft", args=[p.pk])).status_code == 302  # the public: log in
    assert client.get(reverse("web:results", args=[p.pk])).status_code == 403
    c = login(client, "lanhdao")
    html = c.get(reverse("web:draft", args=[p.pk])).content.decode()
    assert "DỰ THẢO — chưa ký, chưa công bố" in html and 'data-testid="sha256"' not in html and "Sở Nội vụ" in html
    resp = c.get(reverse("web:draft-decision", args=[p.pk, "docx"]))
    assert resp["Content-Disposition"].endswith('du-thao.docx"')
    assert "DỰ THẢO — chưa ký, chưa công bố" in _docx_text(resp.content)


def test_publication_needs_the_signed_number_and_date_and_writes_nothing_otherwise(client, demo):
    p = _frozen(demo)
    c = login(client, "quantri")
    url = reverse("web:publish", args=[p.pk])
    count = p.snapshots.count()
    html = c.post(url, {"number": "", "date": "31/02/2022"}).content.decode()
    assert "Hãy nhập số của quyết định đã ký." in html and "không có trong lịch" in html
    html = c.post(
        url, {"number": "5", "date": "05/02/2022", "scan": SimpleUploadedFile("qd.html", b"<html><script>x</script>")}
    ).content.decode()
    assert "HTML/SVG/XML" in html
    p.refresh_from_db()
    assert p.status == Status.FINAL and p.snapshots.count() == count and not p.signed_scans.exists()
    scan = b"%PDF-1.4\n% quyet dinh da ky\n"
    resp = c.post(url, {"number": "5", "date": "05/02/2022", "scan": SimpleUploadedFile("QĐ 5.pdf", scan)})
    assert resp.status_code == 302
    snap = p.snapshots.get(published=True)
    import hashlib

    assert snap.data["signed_scan"]["sha256"] == hashlib.sha256(scan).hexdigest()
    assert snap.data["decision"]["number"] == "5" and snap.data["edition"] == 1
    html = client.get(reverse("web:results", args=[p.pk])).content.decode()
    assert "Phiên bản 1" in html and "Quyết định số 5 ngày 05 tháng 02 năm 2022" in html
    client.logout()  # the public downloads the signed scan, byte for byte
    resp = client.get(reverse("web:signed-scan", args=[p.pk, 1]))
    assert b"".join(resp.streaming_content) == scan and resp["Content-Type"] == "application/pdf"
    assert client.get(reverse("web:signed-scan", args=[demo["p2020"].pk, 1])).status_code == 404


# --- corrections ---------------------------------------------------------------------------------------


def test_a_returned_report_is_edited_and_resubmitted_by_its_unit(client, demo):
    from django.contrib.auth import get_user_model

    from xephang.web.models import Profile, Role

    p = _period(demo)
    workflow.transition(p, demo["quantri"], Status.APPRAISAL)
    yt = Unit.objects.get(name="Sở Y tế")
    c = login(client, "quantri")
    html = c.post(
        reverse("web:reopen", args=[p.pk]), {"units": [yt.pk], "return_reports": "on", "reason": ""}
    ).content.decode()
    assert "Hãy ghi lý do" in html and Submission.objects.get(period=p, unit=yt).state == "submitted"
    c.post(reverse("web:reopen", args=[p.pk]), {"units": [yt.pk], "return_reports": "on", "reason": "Thiếu minh chứng"})
    sub = Submission.objects.get(period=p, unit=yt)
    assert (sub.state, sub.returned_reason) == ("draft", "Thiếu minh chứng")
    rep = get_user_model().objects.create_user("bc-yte", password="x")
    Profile.objects.create(user=rep, role=Role.REPORTER, unit=yt)
    client.force_login(rep)
    data = {f"v_{k}": v for k, v in sub.values.items()}
    # Still without its required evidence: "Nộp" saves a draft and lists what is missing; the unit confirms.
    resp = client.post(reverse("web:report", args=[p.pk, yt.pk]), {**data, "submit": "1", "version": sub.version})
    assert resp.status_code == 302
    sub.refresh_from_db()
    assert sub.state == "draft"
    resp = client.post(
        reverse("web:report", args=[p.pk, yt.pk]), {**data, "submit_anyway": "1", "version": sub.version}
    )
    assert resp.status_code == 302
    sub.refresh_from_db()
    assert sub.state == "submitted" and sub.returned_reason == ""
    assert AuditEntry.objects.filter(action="report.return", unit=yt, reason="Thiếu minh chứng").exists()


def test_the_correction_page_names_criteria_as_the_regulation_numbers_them(client, demo):
    """The criteria to reopen are listed by their number and title (as the decision and forms print
    them), never by the criteria set's internal ids."""
    p = _period(demo)
    fw = p.framework.load()
    number = fw.numbers()
    html = login(client, "quantri").get(reverse("web:reopen", args=[p.pk])).content.decode()
    scored = [c for c in fw.all_criteria() if c.rule is not None]
    assert scored and all(f"{number[c.id]}. {c.title}" in html for c in scored)
    assert not any(f"{c.id} — " in html for c in scored)


def test_a_correction_round_reappraises_named_units_and_shows_what_changed(client, demo):
    p = _period(demo)
    first = publish_period(p, demo["quantri"], number="30")
    yt, tc = Unit.objects.get(name="Sở Y tế"), Unit.objects.get(name="Sở Tài chính")
    publication.reopen(p, demo["quantri"], [yt], "Sở Y tế: số máy tính nhập sai")
    sub_tc = Submission.objects.get(period=p, unit=tc)
    with pytest.raises(workflow.WorkflowError, match="chỉ thẩm định lại: Sở Y tế"):
        workflow.appraise(sub_tc, demo["thamdinh"], "so_cbccvc_co_may_tinh", False, "0", "thử")
    # the public keeps the published version while the correction is under way
    assert client.get(reverse("web:results", args=[p.pk])).status_code == 200
    sub = Submission.objects.get(period=p, unit=yt)
    workflow.appraise(sub, demo["thamdinh"], "so_cbccvc_co_may_tinh", False, "0", "Sổ tài sản không ghi máy tính")
    second = publish_period(p, demo["quantri"], number="31", reason="Sở Y tế: số máy tính nhập sai")
    assert second.data["edition"] == 2 and second.data["decision"]["number"] == "31"
    old = next(u for u in first.data["groups"][0]["units"] if u["name"] == "Sở Y tế")
    new = next(u for u in second.data["groups"][0]["units"] if u["name"] == "Sở Y tế")
    assert old["total"] != new["total"]
    html = client.get(reverse("web:results", args=[p.pk])).content.decode()
    table = html[html.index('data-testid="changes"') :]
    table = table[: table.index("</table>")]
    assert f"{old['shown']} → <strong>{new['shown']}</strong>" in table and "Sở Nội vụ" not in table
    assert "Sở Y tế: số máy tính nhập sai" in html and "Phiên bản 2" in html and "Phiên bản 1" in html
    old_page = client.get(reverse("web:results", args=[p.pk]) + "?phien-ban=1").content.decode()
    assert first.sha256 in old_page and "Quyết định số 30" in old_page
    xml = _docx_text(client.get(reverse("web:decision", args=[p.pk, "docx"]) + "?phien-ban=1").content)
    assert "Số: 30/" in xml


def test_a_round_limited_to_named_criteria_refuses_the_others(demo):
    p = _period(demo)
    publish_period(p, demo["quantri"], number="40")
    yt = Unit.objects.get(name="Sở Y tế")
    publication.reopen(p, demo["quantri"], [yt], "Máy tính kê khai sai", criteria=["may_tinh"])
    sub = Submission.objects.get(period=p, unit=yt)
    fw = p.framework.load()
    reads = set(fw.criterion("may_tinh").inputs())
    other = next(i.id for i in fw.inputs_for(yt.group.code) if i.id not in reads)
    with pytest.raises(workflow.WorkflowError, match="chỉ thẩm định lại các tiêu chí: may_tinh"):
        workflow.appraise(sub, demo["thamdinh"], other, True, "", "")
    assert workflow.appraise(sub, demo["thamdinh"], sorted(reads)[0], True, "", "").accepted


def test_the_imported_demo_period_says_so_and_gives_no_invented_date(client, demo):
    html = client.get(reverse("web:results", args=[demo["p2020"].pk])).content.decode()
    assert "Phiên bản 1" in html and "Nhập từ quyết định đã ban hành" in html and "ngày ban hành không rõ" in html
    assert "công bố lúc" not in html
