"""Measured figures after publication: refused while the results stand, re-imported in a correction
round for the round's units only (a whole corrected feed is accepted when it changes nobody else), each
write and each refusal audited, and the corrected figure published as the next version."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xephang.web import publication, workflow
from xephang.web.frozen import FrozenError
from xephang.web.models import AuditEntry, Status, Submission

from .conftest import publish_period
from .test_language_cycle import DATA, MEASURED, _rows, year  # noqa: F401 (the fixture)

FEED = (DATA / "do-luong.csv").read_text(encoding="utf-8")


def _feed(text: str = FEED, name: str = "do-luong.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"))


def _changed(old: str, new: str) -> str:
    assert old in FEED
    return FEED.replace(old, new)


@pytest.fixture
def published(year):  # noqa: F811 (the fixture imported above)
    """The year's reports submitted as the CSV gives them, the measured figures imported, published."""
    p, admin = year["period"], year["admin"]
    p.meta = {**p.meta, "params": {"so_van_ban_yeu_cau": "4"}}
    p.save()
    workflow.transition(p, admin, Status.OPEN)
    for row in _rows():
        values = {k: v for k, v in row.items() if k not in ("khối", "đơn vị", *MEASURED)}
        Submission.objects.create(
            period=p,
            unit=year["units"][row["đơn vị"]],
            values=values,
            state=Submission.State.SUBMITTED,
            submitted_at=dt.datetime.now(dt.UTC),
        )
    workflow.import_measured(p, admin, _feed())
    publish_period(p, admin)
    p.refresh_from_db()
    assert p.status == Status.PUBLISHED
    return year


def _values(setup, input_id: str) -> dict[str, str]:
    return {s.unit.name: s.values.get(input_id) for s in Submission.objects.filter(period=setup["period"])}


def test_measured_figures_corrected_in_a_round_for_its_units_only(client, published):
    setup = published
    p, admin = setup["period"], setup["admin"]
    quan_hoa, nga_son = setup["units"]["UBND xã Quan Hóa"], setup["units"]["UBND xã Nga Sơn"]
    before = _values(setup, "ty_le_ho_so_truc_tuyen")
    assert before["UBND xã Quan Hóa"] == "0.4"

    # Published, no round open: refused, audited, nothing written.
    with pytest.raises(FrozenError):
        workflow.import_measured(
            p, admin, _feed(_changed("Quan Hóa,ty_le_ho_so_truc_tuyen,,40%", "Quan Hóa,ty_le_ho_so_truc_tuyen,,55%"))
        )
    assert AuditEntry.objects.filter(period=p, action="frozen.refused", subject="số liệu đo, điều tra").exists()
    assert _values(setup, "ty_le_ho_so_truc_tuyen") == before

    # A correction round for Quan Hóa: the administrator's page says what may be re-imported.
    publication.reopen(p, admin, [quan_hoa], "Cổng dịch vụ công gửi lại số liệu tháng 11")
    p.refresh_from_db()
    client.force_login(admin)
    url = reverse("web:measured", args=[p.pk])
    page = client.get(url).content.decode()
    assert (
        'data-testid="measured-round"' in page
        and "chỉ nhập lại số liệu đo của\n<strong>UBND xã Quan Hóa</strong>" in page
    )

    # A feed that changes another unit's figure is refused whole, naming the figure; audited.
    feed = _changed("Quan Hóa,ty_le_ho_so_truc_tuyen,,40%", "Quan Hóa,ty_le_ho_so_truc_tuyen,,55%")
    feed = feed.replace('UBND xã Nga Sơn,dich_vu_cong,,"0,6"', 'UBND xã Nga Sơn,dich_vu_cong,,"0,7"')
    resp = client.post(url, {"feed": _feed(feed)}, follow=True)
    html = resp.content.decode()
    assert (
        "Kết quả đã công bố; vòng đính chính đang mở chỉ cho nhập lại số liệu đo của: UBND xã Quan Hóa. "
        "Tệp &#x27;do-luong.csv&#x27; đổi 1 số liệu ngoài vòng đính chính, nên không nhập gì: "
        "UBND xã Nga Sơn: Tỷ lệ hồ sơ trực tuyến toàn trình 0.6 → 0.7."
    ) in html
    assert _values(setup, "ty_le_ho_so_truc_tuyen") == before
    refusal = AuditEntry.objects.get(period=p, action="measured.refused")
    assert refusal.after == {
        "đổi ngoài vòng đính chính": ["UBND xã Nga Sơn: Tỷ lệ hồ sơ trực tuyến toàn trình 0.6 → 0.7"]
    }

    # The whole corrected feed, others unchanged: only Quan Hóa's figures are written, stamped, audited.
    versions = {s.unit_id: s.version for s in Submission.objects.filter(period=p)}
    feed = _changed(
        "Quan Hóa,ty_le_ho_so_truc_tuyen,,40%,30/11/2025", "Quan Hóa,ty_le_ho_so_truc_tuyen,,55%,05/12/2025"
    )
    resp = client.post(url, {"feed": _feed(feed, "do-luong-dinh-chinh.csv")}, follow=True)
    assert "Đã nhập 2 số liệu từ &#x27;do-luong-dinh-chinh.csv&#x27;" in resp.content.decode()  # Quan Hóa's two
    after = _values(setup, "ty_le_ho_so_truc_tuyen")
    assert after == {**before, "UBND xã Quan Hóa": "0.55"}
    for s in Submission.objects.filter(period=p):
        assert (s.version > versions[s.unit_id]) == (s.unit_id == quan_hoa.pk), s.unit.name
    stamp = Submission.objects.get(period=p, unit=quan_hoa).measured["ty_le_ho_so_truc_tuyen"]
    assert stamp["date"] == "2025-12-05" and stamp["feed"] == "do-luong-dinh-chinh.csv"
    entries = AuditEntry.objects.filter(
        period=p, action="measured.import", unit=quan_hoa, subject="ty_le_ho_so_truc_tuyen"
    )
    assert entries.latest("pk").reason == (
        "số liệu đo từ tệp do-luong-dinh-chinh.csv (vòng đính chính: Cổng dịch vụ công gửi lại số liệu tháng 11)"
    )
    assert not AuditEntry.objects.filter(
        period=p, action="measured.import", unit=nga_son, reason__contains="do-luong-dinh-chinh.csv"
    ).exists()

    # Published as version 2: the corrected figure with its new date; version 1 keeps the old one.
    publish_period(p, admin, number="16", reason="Đính chính tỷ lệ hồ sơ trực tuyến của UBND xã Quan Hóa")
    client.logout()
    unit_page = reverse("web:unit-result", args=[p.pk, quan_hoa.pk])
    page = client.get(unit_page).content.decode()
    assert "Tỷ lệ hồ sơ trực tuyến toàn trình: 0.55" in page and "ngày 05/12/2025, tệp do-luong-dinh-chinh.csv" in page
    old = client.get(unit_page + "?phien-ban=1").content.decode()
    assert "Tỷ lệ hồ sơ trực tuyến toàn trình: 0.4" in old and "ngày 30/11/2025, tệp do-luong.csv" in old

    # Closed again with the round: the page is read-only and a new feed is refused.
    p.refresh_from_db()
    client.force_login(admin)
    assert "chỉ còn để xem" in client.get(url).content.decode()
    with pytest.raises(FrozenError):
        workflow.import_measured(p, admin, _feed())


def test_a_round_naming_criteria_takes_only_their_figures(published):
    setup = published
    p, admin = setup["period"], setup["admin"]
    quan_hoa = setup["units"]["UBND xã Quan Hóa"]
    publication.reopen(p, admin, [quan_hoa], "Điều tra bổ sung phiếu", criteria=["hai_long"])
    p.refresh_from_db()
    portal = _changed("Quan Hóa,ty_le_ho_so_truc_tuyen,,40%", "Quan Hóa,ty_le_ho_so_truc_tuyen,,55%")
    with pytest.raises(
        workflow.WorkflowError,
        match="(tiêu chí: hai_long).*UBND xã Quan Hóa: Tỷ lệ hồ sơ trực tuyến toàn trình 0.4 → 0.55",
    ):
        workflow.import_measured(p, admin, _feed(portal))
    assert _values(setup, "ty_le_ho_so_truc_tuyen")["UBND xã Quan Hóa"] == "0.4"
    written = workflow.import_measured(p, admin, _feed())  # unchanged feed: the round's criterion rewritten only
    assert {(f.unit, f.input_id) for f in written} == {("UBND xã Quan Hóa", "ty_le_hai_long")}
