"""Setting up a year in the application: copy last year, dates typed dd/mm/yyyy, the deadlines' order,
units from the criteria set's groups, choices for the tie rule; audited; nothing half-created."""

from __future__ import annotations

import re

from django.urls import reverse

from xephang.web.audit_text import describe
from xephang.web.models import AuditEntry, Period, Status, Unit

from .conftest import login


def _post(client, **changes):
    src = Period.objects.get(year=2021)
    data = {
        "copy_from": src.pk,
        "name": "Năm 2022",
        "year": "2022",
        "framework": src.framework_id,
        "ties": "",
        "deadline": "15/01/2027",
        "explanation_deadline": "15/02/2027",
        "units": [u.pk for u in src.units.filter(active=True)],
        "appraisers": [a.pk for a in src.appraisers.all()],
    }
    data.update(changes)
    return client.post(reverse("web:period-new"), data)


def test_copy_last_year_prefills_and_creates_a_draft(client, demo):
    login(client, "quantri")
    src = demo["open"]
    page = client.get(reverse("web:period-new") + f"?tu={src.pk}").content.decode()
    assert 'value="Năm 2022"' in page and "chọn tất cả khối này" in page
    # The units still active are carried over (the 2025 reorganisation closed the districts); all are listed.
    carried = src.units.filter(active=True).count()
    assert 0 < carried < src.units.count()
    assert page.count('name="units"') == Unit.objects.filter(active=True).count()
    assert len(re.findall(r'name="units" value="\d+" data-in="g\d+" checked>', page)) == carried
    resp = _post(client)
    assert resp.status_code == 302
    p = Period.objects.get(name="Năm 2022")
    assert p.status == Status.DRAFT and p.year == 2022 and p.units.count() == carried
    assert p.deadline.isoformat() == "2027-01-15" and p.explanation_deadline.isoformat() == "2027-02-15"
    assert list(p.appraisers.all()) == list(src.appraisers.all())
    text = describe(AuditEntry.objects.get(action="period.create"))
    assert text.startswith("Quản trị Sở TTTT tạo kỳ 'Năm 2022' (năm 2022, bộ tiêu chí thanhhoa-2016, ")
    assert f"{carried} đơn vị, sao chép từ" in text
    assert "hạn báo cáo 15/01/2027, hạn giải trình 15/02/2027" in text


def test_deadline_order_and_dates_are_checked_beside_the_fields(client, demo):
    login(client, "quantri")
    html = _post(client, explanation_deadline="10/01/2027").content.decode()
    assert "Hạn giải trình (10/01/2027) phải sau hạn nộp báo cáo (15/01/2027)." in html
    html = _post(client, deadline="31/02/2027").content.decode()
    assert "Nhập ngày dạng dd/mm/yyyy" in html
    html = _post(client, ties="abc").content.decode()
    assert "Hãy chọn một quy tắc trong danh sách." in html
    assert not Period.objects.filter(name="Năm 2022").exists()


def test_units_must_belong_to_the_criteria_sets_groups(client, demo):
    login(client, "quantri")
    fw_groups = {g.id for g in demo["open"].framework.load().groups}
    stranger = Unit.objects.exclude(group__code__in=fw_groups).filter(active=True).first()
    assert stranger is not None  # the 2025 demo's communes
    member = Unit.objects.filter(group__code__in=fw_groups, active=True).first()
    html = _post(client, units=[member.pk, stranger.pk]).content.decode()
    assert "thuộc khối không có trong bộ tiêu chí" in html and stranger.name in html
    assert not Period.objects.filter(name="Năm 2022").exists()


def test_appraisers_are_picked_by_their_names(client, demo):
    html = login(client, "quantri").get(reverse("web:period-new")).content.decode()
    assert re.search(r"Thẩm định viên \(thamdinh\)\s*</label>", html)
