"""The province's settings and one form per account, in the application (Django test client)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from xephang.web.models import AuditEntry, Profile, ProvinceSettings, Role, Unit

pytestmark = pytest.mark.django_db


def _settings(client, **over):
    data = {
        "province": "Nghệ An",
        "parent_agency": "UBND tỉnh Nghệ An",
        "department": "Sở Khoa học và Công nghệ",
        "decimal_separator": ",",
        **over,
    }
    return client.post(reverse("web:province-settings"), data)


def test_province_named_in_every_page_header(client, demo):
    assert "Tỉnh Thanh Hóa" in client.get(reverse("web:home")).content.decode()  # the default before any setting
    client.force_login(demo["quantri"])
    resp = _settings(client, province="Tỉnh  Nghệ An")  # "Tỉnh" typed too: not doubled
    assert resp.status_code == 302
    s = ProvinceSettings.load()
    assert (s.province, s.parent_agency, s.department) == ("Nghệ An", "UBND tỉnh Nghệ An", "Sở Khoa học và Công nghệ")
    client.logout()
    for url in (reverse("web:home"), reverse("web:login"), reverse("web:results", args=[demo["p2020"].pk])):
        page = client.get(url).content.decode()
        assert '<span class="province">Tỉnh Nghệ An</span>' in page and "Tỉnh Tỉnh" not in page, url
        assert "<img" not in page.split("</header>")[0]  # no logo


def test_settings_audited_as_a_sentence_and_errors_beside_fields(client, demo):
    client.force_login(demo["quantri"])
    resp = _settings(client, province="", decimal_separator=";")
    assert resp.status_code == 200
    page = resp.content.decode()
    assert "Hãy nhập tên tỉnh." in page and "Hãy chọn dấu phẩy hoặc dấu chấm." in page
    assert not ProvinceSettings.objects.exists()  # nothing written
    _settings(client)
    entry = AuditEntry.objects.filter(action="settings.update").latest("at")
    assert entry.before["province"] == "Thanh Hóa" and entry.after["province"] == "Nghệ An"
    text = client.get(reverse("web:audit")).content.decode()
    assert "sửa thông tin tỉnh: tên tỉnh: Thanh Hóa → Nghệ An" in text
    _settings(client)  # unchanged: no second entry
    assert AuditEntry.objects.filter(action="settings.update").count() == 1


def test_pages_follow_the_decimal_separator(client, demo):
    """Totals, per-criterion points (computed in the views) and figures (the template filter): comma by
    default, point once the province chose it."""
    import re

    client.force_login(demo["quantri"])
    url = reverse("web:report", args=[demo["open"].pk, demo["other"].pk])

    def decimals(page):
        return re.findall(r">(\d+[.,]\d+)(?:/\d+)?<", page)

    with_comma = decimals(client.get(url).content.decode())
    assert len(with_comma) > 5 and all("," in x for x in with_comma)
    _settings(client, decimal_separator=".")
    with_point = decimals(client.get(url).content.decode())
    assert with_point == [x.replace(",", ".") for x in with_comma]


@pytest.mark.parametrize("page", ["results", "unit"])
def test_public_results_follow_the_decimal_separator(client, demo, page):
    """The published results and a unit's published page write totals, rates and points with the
    province's separator too (comma by default), not the snapshot's stored text."""
    import re

    p2020 = demo["p2020"]
    unit = Unit.objects.get(name="Thanh tra tỉnh")
    url = (
        reverse("web:results", args=[p2020.pk])
        if page == "results"
        else reverse("web:unit-result", args=[p2020.pk, unit.pk])
    )

    def decimals(html):
        return re.findall(r"<(?:td|strong)[^>]*>(\d+[.,]\d+)(?: %)?<", html)

    with_comma = decimals(client.get(url).content.decode())
    assert len(with_comma) >= (10 if page == "results" else 2) and all("," in x for x in with_comma)
    client.force_login(demo["quantri"])
    _settings(client, decimal_separator=".")
    client.logout()
    with_point = decimals(client.get(url).content.decode())
    assert with_point == [x.replace(",", ".") for x in with_comma]


def _account(client, **over):
    data = {
        "username": "nguyenvanb",
        "full_name": "Nguyễn Văn B",
        "email": "NVB@snv.example",
        "role": "reporter",
        "unit": Unit.objects.get(name="Sở Y tế").pk,
        "active": "on",
        **over,
    }
    return client.post(reverse("web:account-new"), data)


def test_one_form_creates_user_role_and_unit_and_invites(client, demo, django_capture_on_commit_callbacks):
    client.force_login(demo["quantri"])
    with django_capture_on_commit_callbacks(execute=True):
        assert _account(client).status_code == 302
    user = get_user_model().objects.get(username="nguyenvanb")
    assert user.email == "nvb@snv.example" and user.first_name == "Nguyễn Văn B" and not user.has_usable_password()
    assert (user.profile.role, user.profile.unit.name) == (Role.REPORTER, "Sở Y tế")
    assert len(mail.outbox) == 1 and "/mat-khau/dat-lai/" in mail.outbox[0].body
    entry = AuditEntry.objects.get(action="account.create")
    assert entry.after["unit"] == "Sở Y tế" and entry.after["role"] == Role.REPORTER.label
    page = client.get(reverse("web:accounts")).content.decode()
    assert "Nguyễn Văn B" in page and "chưa đặt mật khẩu" in page
    assert "tạo tài khoản &#x27;nguyenvanb&#x27;" in client.get(reverse("web:audit")).content.decode()


@pytest.mark.parametrize(
    "over, field_error",
    [
        ({"unit": ""}, "Cán bộ báo cáo phải thuộc một đơn vị."),
        ({"role": "appraiser"}, "không thuộc đơn vị nào: để trống ô này."),
        ({"email": "thamdinh@stttt.example"}, "đã có tài khoản"),
        ({"username": "baocao"}, "Đã có tài khoản tên"),
        ({"email": "không-phải-thư"}, "Nhập một địa chỉ thư điện tử hợp lệ"),
        ({"role": "boss"}, "Hãy chọn một vai trò trong danh sách."),
    ],
)
def test_account_rules_refused_beside_the_field(client, demo, over, field_error):
    client.force_login(demo["quantri"])
    if "thamdinh@" in over.get("email", ""):
        get_user_model().objects.filter(username="thamdinh").update(email="thamdinh@stttt.example")
    before = get_user_model().objects.count(), Profile.objects.count(), AuditEntry.objects.count()
    resp = _account(client, **over)
    assert resp.status_code == 200
    assert field_error in resp.content.decode()
    assert (get_user_model().objects.count(), Profile.objects.count(), AuditEntry.objects.count()) == before
    assert mail.outbox == []


def test_edit_changes_role_and_unit_together_audited(client, demo):
    client.force_login(demo["quantri"])
    reporter = demo["baocao"]
    url = reverse("web:account-edit", args=[reporter.pk])
    form = client.get(url).content.decode()
    assert 'value="baocao"' in form and "selected>Sở Thông tin và Truyền thông" in form
    resp = client.post(
        url,
        {
            "username": "baocao",
            "full_name": "Lê Thị C",
            "email": "c@stttt.example",
            "role": "appraiser",
            "unit": "",
            "active": "",
        },
    )
    assert resp.status_code == 302
    reporter.refresh_from_db()
    assert (reporter.profile.role, reporter.profile.unit, reporter.is_active) == (Role.APPRAISER, None, False)
    entry = AuditEntry.objects.get(action="account.update")
    assert entry.before["unit"] == "Sở Thông tin và Truyền thông" and entry.after["unit"] is None
    assert entry.after["active"] is False and mail.outbox == []  # an edit invites nobody
