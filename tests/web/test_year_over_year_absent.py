"""Year over year: a unit that took part the year before but did not report is not "new" — its row says
that it (or the units it was merged from) did not report then; its own page of that year, and its row
across the years, say "không báo cáo" rather than print empty figures; a unit renamed later keeps its
published page under the published name."""

from __future__ import annotations

import re

from django.urls import reverse

from xephang.web.models import Period

from .conftest import login, publish_period


def _row(html: str, name: str) -> str:
    return next(r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if f"<td>{name}" in r)


def test_a_unit_that_did_not_report_last_year_is_not_new(client, demo):
    publish_period(demo["open"], demo["quantri"], number="7")  # Sở Công Thương and others never reported
    p2025 = Period.objects.get(year=2025)
    html = login(client, "lanhdao").get(reverse("web:analysis", args=[p2025.pk])).content.decode()
    assert f"So với kỳ trước: {demo['open'].name}" in html
    html = html[html.index("So với kỳ trước:") :]
    row = _row(html, "Sở Công Thương")
    assert "Kỳ trước không báo cáo: Sở Công Thương" in row and "mới" not in row
    merged = _row(html, "Sở Khoa học và Công nghệ")
    assert "Kỳ trước không báo cáo:" in merged and "Sở Thông tin và Truyền thông" in merged
    # Hạc Thành was formed from Thanh Hóa city, which did not report that year either.
    assert "Kỳ trước không báo cáo: UBND thành phố Thanh Hóa" in _row(html, "UBND phường Hạc Thành")
    # A unit that reported keeps its earlier figure and rank movement.
    assert "Kỳ trước không báo cáo" not in _row(html, "Sở Y tế")


def test_the_page_of_a_unit_that_did_not_report_prints_no_empty_figures(client, demo):
    """Its own page says it did not report, without "None", an empty total, a scorecard that cannot be
    written or the note about totals-only periods; a later year's page lists that year as "không báo cáo"."""
    period = demo["open"]
    publish_period(period, demo["quantri"], number="8")
    own = demo["own"]  # Sở Thông tin và Truyền thông never reported in the demo's 2021
    html = client.get(reverse("web:unit-result", args=[period.pk, own.pk])).content.decode()
    main = html[html.index("<main") :]
    assert 'data-testid="non-reporting"' in main and "không có tổng điểm, không xếp loại" in main
    assert "None" not in main and "phieu-ket-qua" not in main and "chỉ có tổng điểm đã công bố" not in main
    p2025 = Period.objects.get(year=2025)
    merged = Period.objects.get(pk=p2025.pk).units.get(name="Sở Khoa học và Công nghệ")
    html = client.get(reverse("web:unit-result", args=[p2025.pk, merged.pk])).content.decode()
    history = html[html.index("Qua các năm") :]
    row = next(r for r in re.findall(r"<tr>.*?</tr>", history, re.S) if period.name in r)
    assert "không báo cáo" in row and "None" not in history


def test_renaming_a_unit_later_leaves_its_published_page_under_the_published_name(client, demo):
    from xephang.web.models import Unit

    p2020, unit = demo["p2020"], demo["other"]
    Unit.objects.filter(pk=unit.pk).update(name="Sở Y tế tỉnh Thanh Hóa")
    html = client.get(reverse("web:unit-result", args=[p2020.pk, unit.pk])).content.decode()
    assert "<h1>Sở Y tế</h1>" in html and "<title>Sở Y tế —" in html
    assert "Tên hiện nay: Sở Y tế tỉnh Thanh Hóa" in html
