"""A year run in the web on a criteria set written in the criteria language (tests/data/ngon-ngu):
derived values, a period parameter set by the administrator, a list input, a condition and the
regulation's own numbering, from the units' reports to the published results, documents and open data;
the same set through the command-line verbs. Scores are checked against the core's scoring of the same
figures from the CSV file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from xephang.web import workflow
from xephang.web.models import Framework, Period, Profile, Role, Status, Submission, Unit, UnitGroup

from .conftest import publish_period

DATA = Path(__file__).parent.parent / "data" / "ngon-ngu"
SET = DATA / "bo-chi-so.yaml"
PERIOD = DATA / "period.yaml"


def _rows() -> list[dict]:
    with open(DATA / "so-lieu.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def year(db, demo):
    """The set installed, four communes with one reporter each, a period open for reports."""
    fw = Framework.objects.create(
        code="thu-ngon-ngu-2025", title="Bộ thử ngôn ngữ tiêu chí", yaml_text=SET.read_text(encoding="utf-8")
    )
    group = UnitGroup.objects.create(code="xa_thu", name="Khối UBND xã, phường (thử)", order=9)
    period = Period.objects.create(name="Chuyển đổi số xã, phường 2025", year=2025, framework=fw, status=Status.DRAFT)
    period.appraisers.add(demo["thamdinh"])
    User = get_user_model()
    units, reporters = {}, {}
    for k, row in enumerate(_rows()):
        unit = Unit.objects.create(name=row["đơn vị"], group=group, order=k)
        period.units.add(unit)
        user = User.objects.create_user(f"xa{k}", password="x")
        Profile.objects.create(user=user, role=Role.REPORTER, unit=unit)
        units[unit.name], reporters[unit.name] = unit, user
    return {
        "period": period,
        "units": units,
        "reporters": reporters,
        "admin": demo["quantri"],
        "appraiser": demo["thamdinh"],
    }


MEASURED = ("ty_le_ho_so_truc_tuyen", "ty_le_hai_long")  # from the Sở's feed, not from the units


def _version(period, unit) -> dict:
    """The report's version, as the form carries it (a POST without it is refused)."""
    return {"version": str(workflow.submission_for(period, unit).version)}


def _form(row: dict) -> dict:
    """The report form as a unit fills it: a list one item per line; no measured figure."""
    out = {f"v_{k}": v for k, v in row.items() if k not in ("khối", "đơn vị", *MEASURED)}
    items = row["ung_dung"]
    out["v_ung_dung"] = "\n".join(i.strip() for i in items.split(";"))
    return out


def _core_totals() -> dict[str, str]:
    """The same figures scored by the core from the period's CSV file with the same parameter."""
    from xephang.framework import load_framework
    from xephang.io import read_period
    from xephang.ranking import rank
    from xephang.scoring import score

    fw = load_framework(SET)
    data = read_period(DATA / "so-lieu.csv", fw)
    data.params = {"so_van_ban_yeu_cau": 4}
    ranking = rank(score(fw, data))
    return {u.name: ranking.show(u.shown) for u in ranking.units()}


def test_a_year_on_a_set_in_the_criteria_language(client, year):
    p, admin, appraiser = year["period"], year["admin"], year["appraiser"]

    # The administrator fixes the period's parameter on a form generated from the set's params:.
    client.force_login(admin)
    url = reverse("web:period-params", args=[p.pk])
    page = client.get(url).content.decode()
    assert "Số văn bản chỉ đạo về CĐS theo yêu cầu của tỉnh" in page and 'name="so_van_ban_yeu_cau"' in page
    bad = client.post(url, {"so_van_ban_yeu_cau": "0"})
    assert bad.status_code == 200 and "nằm ngoài giới hạn" in bad.content.decode()
    assert "params" not in Period.objects.get(pk=p.pk).meta
    assert client.post(url, {"so_van_ban_yeu_cau": "4"}).status_code == 302
    p.refresh_from_db()
    assert p.meta["params"] == {"so_van_ban_yeu_cau": "4"}
    assert (
        "Số văn bản chỉ đạo về CĐS theo yêu cầu của tỉnh"
        in client.get(reverse("web:period", args=[p.pk])).content.decode()
    )
    workflow.transition(p, admin, Status.OPEN)

    # Each unit reports: only what it types is asked (no derived value, no parameter); the list is a
    # textarea, one item per line; the regulation's numbers head the rows.
    for row in _rows():
        unit = year["units"][row["đơn vị"]]
        client.force_login(year["reporters"][unit.name])
        url = reverse("web:report", args=[p.pk, unit.pk])
        html = client.get(url).content.decode()
        assert 'name="v_ty_le_chu_tri"' not in html and 'name="v_so_van_ban_yeu_cau"' not in html
        assert "<textarea" in html and 'name="v_ung_dung"' in html
        assert "5.2" in html and "Đáp ứng tiêu chuẩn, quy chuẩn kỹ thuật" in html
        assert 'name="v_ty_le_ho_so_truc_tuyen"' not in html and "chờ Sở TTTT nhập cho mọi đơn vị" in html
        # A measured figure posted anyway (a crafted form) is ignored; its absence does not block submitting.
        # Submitting without the evidence the set requires (documents, the list of applications) saves a
        # draft naming the criteria; the unit then submits anyway.
        resp = client.post(url, {**_form(row), "submit": "1", **_version(p, unit)}, follow=True)
        assert (
            "CHƯA NỘP" in resp.content.decode()
            and "Văn bản chỉ đạo về CĐS do người đứng đầu ký" in resp.content.decode()
        )
        if row["ung_dung"] != "không có":
            assert "Ứng dụng khai thác trên mạng WAN" in resp.content.decode().split("CHƯA NỘP")[1].split("</")[0]
        version = str(Submission.objects.get(period=p, unit=unit).version)
        resp = client.post(
            url, {**_form(row), "v_ty_le_ho_so_truc_tuyen": "100%", "submit_anyway": "1", "version": version}
        )
        assert resp.status_code == 302, resp.content.decode()[:3000]
        sub = Submission.objects.get(period=p, unit=unit)
        assert sub.state == Submission.State.SUBMITTED and "ty_le_ho_so_truc_tuyen" not in sub.values

    # The Sở imports the measured figures for every unit from one feed (a bad feed first: nothing kept).
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(admin)
    url = reverse("web:measured", args=[p.pk])
    bad = (DATA / "do-luong.csv").read_text(encoding="utf-8").replace("Hài lòng,3", "Hài lòng,ba")
    resp = client.post(url, {"feed": SimpleUploadedFile("do-luong.csv", bad.encode())}, follow=True)
    assert "1 lỗi trong tệp số liệu đo do-luong.csv" in resp.content.decode() and "dòng 12" in resp.content.decode()
    assert not any(s.measured for s in Submission.objects.filter(period=p))
    feed = SimpleUploadedFile("do-luong.csv", (DATA / "do-luong.csv").read_bytes())
    assert client.post(url, {"feed": feed}).status_code == 302
    page = client.get(url).content.decode()
    assert "Đã nhập" in page and "4 phiếu: Hài lòng 1 (60 %); Bình thường 3 (20 %) → 0.3" in page
    quan_hoa = Submission.objects.get(period=p, unit=year["units"]["UBND xã Quan Hóa"])
    assert quan_hoa.values["ty_le_hai_long"] == "0.3" and quan_hoa.measured["ty_le_hai_long"]["date"] == "2025-11-15"
    client.force_login(year["reporters"]["UBND xã Quan Hóa"])
    html = client.get(reverse("web:report", args=[p.pk, quan_hoa.unit.pk])).content.decode()
    assert "điều tra xã hội học, ngày 15/11/2025 (Sở TTTT nhập từ tệp do-luong.csv)" in html

    # Reported scores are the core's scores of the same figures with the same parameter.
    from xephang.web.scoring import score_period

    ps = score_period(p, "reported")
    expected = _core_totals()
    assert {u.name: ps.ranking.show(u.shown) for u in ps.ranking.units()} == expected

    # Appraisal: the appraiser removes an application listed twice under two names and one not on the WAN.
    workflow.transition(p, admin, Status.APPRAISAL)
    client.force_login(appraiser)
    beta = year["units"]["UBND phường Ngọc Trạo"]
    url = reverse("web:appraisal-unit", args=[p.pk, beta.pk])
    html = client.get(url).content.decode()
    assert html.count('name="input"') >= 1 and "5.2" in html and "Quản lý văn bản" in html
    assert 'value="ty_le_chu_tri"' not in html

    def listed(page):  # what the appraiser's list box holds
        box = page[page.index('id="val-ung_dung"') :]
        return box[box.index(">") + 1 : box.index("</textarea>")].strip().splitlines()

    unit_items = Submission.objects.get(period=p, unit=beta).values["ung_dung"]
    assert len(listed(html)) == len([i for i in unit_items.replace(";", "\n").splitlines() if i.strip()]) > 2
    client.post(
        url,
        {
            "input": "ung_dung",
            "action": "adjust",
            "value": "Quản lý văn bản\nThư điện tử",
            "reason": "Họp trực tuyến không khai thác qua mạng WAN",
            "version": "0",
        },
    )
    adj = Submission.objects.get(period=p, unit=beta).adjustments.get()
    assert adj.input_id == "ung_dung" and not adj.accepted
    assert listed(client.get(url).content.decode()) == ["Quản lý văn bản", "Thư điện tử"]
    # Every figure decided: all eight criteria appraised, including those read through a derived value
    # (1.2 reads the two meeting counts) and the one that also reads the period's parameter (1.3).
    sub = Submission.objects.get(period=p, unit=beta)
    fw = p.framework.load()
    assert workflow.criteria_appraised(fw, sub) == (1, 8)
    for inp in fw.inputs_for("xa_thu"):
        if inp.id != "ung_dung":
            workflow.appraise(sub, appraiser, inp.id, True, "", "")
    assert workflow.criteria_appraised(fw, sub) == (8, 8)
    appraised = score_period(p, "appraised")
    assert appraised.ranking.show(appraised.ranked(beta.pk).shown) == "73.00"  # 74.00 less one application
    # The portal's share for Quan Hóa corrected on appraisal: the published explanation keeps the measured one.
    quan_hoa = Submission.objects.get(pk=quan_hoa.pk)
    workflow.appraise(
        quan_hoa, appraiser, "ty_le_ho_so_truc_tuyen", False, "0.45", "Cổng dịch vụ công ghi bổ sung hồ sơ"
    )

    # Explanation, freezing and publication.
    publish_period(p, admin)
    p.refresh_from_db()
    assert p.status == Status.PUBLISHED
    # Frozen: the parameter can no longer change.
    client.force_login(admin)
    resp = client.post(reverse("web:period-params", args=[p.pk]), {"so_van_ban_yeu_cau": "5"}, follow=True)
    assert "đã chốt kết quả: không được sửa tham số của kỳ" in resp.content.decode()
    p.refresh_from_db()
    assert p.meta["params"] == {"so_van_ban_yeu_cau": "4"}
    from xephang.web.models import AuditEntry

    assert AuditEntry.objects.filter(period=p, action="frozen.refused", subject="tham số của kỳ").exists()
    assert 'name="so_van_ban_yeu_cau"' not in client.get(reverse("web:period-params", args=[p.pk])).content.decode()

    client.logout()
    results = client.get(reverse("web:results", args=[p.pk])).content.decode()
    assert "UBND phường Đông Sơn" in results and "98,00" in results
    assert "Số văn bản chỉ đạo về CĐS theo yêu cầu của tỉnh" in results and "4 văn bản" in results
    nga = year["units"]["UBND xã Nga Sơn"]
    page = client.get(reverse("web:unit-result", args=[p.pk, nga.pk])).content.decode()
    assert "5.2" in page and "điều kiện không thỏa" in page and "Quản lý văn bản; Một cửa điện tử" in page
    # Each measured figure with its source, its date and the feed it came from; a typed figure without.
    assert (
        'Tỷ lệ hồ sơ trực tuyến toàn trình: 0.6 <span class="muted" data-testid="measured-ty_le_ho_so_truc_tuyen">'
        "(hệ thống đo tự động, ngày 30/11/2025, tệp do-luong.csv)</span>"
    ) in page
    assert "(điều tra xã hội học, 4 phiếu, ngày 15/11/2025, tệp do-luong.csv)" in page
    assert 'data-testid="measured-so_van_ban"' not in page
    page = client.get(reverse("web:unit-result", args=[p.pk, quan_hoa.unit.pk])).content.decode()
    assert (
        'Tỷ lệ hồ sơ trực tuyến toàn trình: 0.45 <span class="muted" data-testid="measured-ty_le_ho_so_truc_tuyen">'
        "(thẩm định điều chỉnh từ số liệu đo 0.4 (hệ thống đo tự động, ngày 30/11/2025, tệp do-luong.csv))</span>"
    ) in page
    data = json.loads(client.get(reverse("web:open-data", args=[p.pk, "json"])).content)
    assert data["results"]["params"] == [
        {
            "id": "so_van_ban_yeu_cau",
            "label": "Số văn bản chỉ đạo về CĐS theo yêu cầu của tỉnh",
            "value": "4",
            "unit": "văn bản",
            "text": "4 văn bản",
        }
    ]
    resp = client.get(reverse("web:open-data", args=[p.pk, "csv"]))
    csv_text = b"".join(resp.streaming_content).decode("utf-8-sig")
    assert "UBND phường Ngọc Trạo" in csv_text and "73" in csv_text
    import docx

    # The decision is written from the snapshot, scored again with the parameter value frozen in it.
    resp = client.get(reverse("web:decision", args=[p.pk, "docx"]))
    assert resp.status_code == 200, resp.content[:500]
    decision = "\n".join(
        para.text
        for para in docx.Document(
            io.BytesIO(b"".join(resp.streaming_content) if resp.streaming else resp.content)
        ).paragraphs
    )
    assert (
        "Tham số của kỳ đánh giá, áp dụng chung cho mọi đơn vị: Số văn bản chỉ đạo về CĐS theo yêu cầu của tỉnh: 4 văn bản"
        in decision
    )
    assert client.get(reverse("web:decision", args=[p.pk, "annex"])).status_code == 200
    resp = client.get(reverse("web:scorecard", args=[p.pk, nga.pk, "docx"]))
    assert resp.status_code == 200
    text = "\n".join(c.text for t in docx.Document(io.BytesIO(resp.content)).tables for r in t.rows for c in r.cells)
    assert "5.2" in text and "1.4" in text  # the regulation's numbers, not 2.2 and 1.3


def test_a_list_through_the_excel_template(client, year):
    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    p = year["period"]
    workflow.set_params(p, year["admin"], {"so_van_ban_yeu_cau": "4"})
    workflow.transition(p, year["admin"], Status.OPEN)
    row = _rows()[1]
    unit = year["units"][row["đơn vị"]]
    client.force_login(year["reporters"][unit.name])
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("web:report-template", args=[p.pk, unit.pk])).content))
    ws = book.active
    headers = [c.value for c in ws[2]]
    assert "Tỷ lệ cuộc họp do Bí thư/Chủ tịch chủ trì" not in headers  # a derived value is not asked
    labels = {i.label: i.id for i in p.framework.load().inputs.values()}
    for col, head in enumerate(headers[2:], start=3):
        ws.cell(5, col, row[labels[head]])
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("bieu-mau.xlsx", out.getvalue())
    assert client.post(reverse("web:report-upload", args=[p.pk, unit.pk]), {"xlsx": upload}).status_code == 302
    sub = Submission.objects.get(period=p, unit=unit)
    # "Quản lý văn bản; quản lý  VĂN BẢN; Một cửa điện tử": one application named twice counts once.
    assert sub.values["ung_dung"] == "Quản lý văn bản\nMột cửa điện tử"
    html = client.get(reverse("web:report", args=[p.pk, unit.pk])).content.decode()
    assert "2 mục" in html


def test_parameters_not_set_say_so_instead_of_failing(client, year):
    p = year["period"]
    workflow.transition(p, year["admin"], Status.OPEN)
    from xephang.web.scoring import score_period

    for row in _rows()[:1]:
        unit = year["units"][row["đơn vị"]]
        client.force_login(year["reporters"][unit.name])
        url = reverse("web:report", args=[p.pk, unit.pk])
        assert client.post(url, {**_form(row), "save": "1", **_version(p, unit)}).status_code == 302
        assert "thiếu giá trị tham số" in client.get(url).content.decode()  # the live score says why it has none
        version = str(Submission.objects.get(period=p, unit=unit).version)
        assert client.post(url, {**_form(row), "submit_anyway": "1", "version": version}).status_code == 302
    ps = score_period(p, "reported")
    assert ps.ranking is None and "thiếu giá trị tham số 'so_van_ban_yeu_cau'" in ps.error
    client.force_login(year["admin"])
    page = client.get(reverse("web:period", args=[p.pk])).content.decode()
    assert "chưa đặt — cần đặt trước khi chấm điểm" in page
    assert client.get(reverse("web:dashboard")).status_code == 200
    for to in (Status.APPRAISAL, Status.EXPLANATION):
        workflow.transition(p, year["admin"], to)
    from xephang.web import publication

    publication.record_non_reporting(p, year["admin"], publication.missing_units(p), "Không gửi báo cáo.")
    with pytest.raises(workflow.WorkflowError, match="thiếu giá trị tham số"):
        workflow.transition(p, year["admin"], Status.FINAL)
