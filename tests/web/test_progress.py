"""The coordinator's progress board: statuses, filters, CSV, reminders with link/deadline/what is
missing, deadlines enforced and extended (audited)."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from xephang.web import progress
from xephang.web.models import AuditEntry, DeadlineExtension, Evidence, EvidenceLink, Submission, Unit

from .conftest import login


def _board(client, period, query=""):
    return client.get(reverse("web:progress", args=[period.pk]) + query)


def test_board_one_row_per_unit_with_status(client, demo):
    p = demo["open"]
    login(client, "quantri")
    resp = _board(client, p)
    assert resp.status_code == 200
    rows = resp.context["rows"]
    assert len(rows) == p.units.count()
    by_name = {r.unit.name: r for r in rows}
    subs = {s.unit.name: s for s in p.submissions.select_related("unit")}
    for name, r in by_name.items():
        s = subs.get(name)
        if s is None or (s.state == "draft" and not s.values):
            assert r.status == progress.UnitStatus.NOT_STARTED, name
        elif s.state == "draft":
            assert r.status == progress.UnitStatus.DRAFTING and r.filled == r.needed, name
        else:
            assert r.status == progress.UnitStatus.SUBMITTED, name
    assert by_name["Sở Thông tin và Truyền thông"].filled == 0
    html = resp.content.decode()
    assert "Chưa bắt đầu" in html and "Đang soạn" in html and "Đã nộp" in html
    assert "còn 14 ngày" in html


def test_board_filters_by_group_and_status(client, demo):
    p = demo["open"]
    login(client, "quantri")
    own = demo["own"]
    rows = _board(client, p, f"?khoi={own.group.code}&trang_thai=dang-soan").context["rows"]
    assert rows and all(r.unit.group.code == own.group.code and r.status == "dang-soan" for r in rows)
    everyone = _board(client, p).context["rows"]
    assert len(rows) == sum(1 for r in everyone if r.unit.group.code == own.group.code and r.status == "dang-soan")


def test_board_csv_lists_every_unit(client, demo):
    p = demo["open"]
    login(client, "quantri")
    resp = client.get(reverse("web:progress-csv", args=[p.pk]))
    text = resp.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("khối,đơn vị,trạng thái")
    assert len(lines) == 1 + p.units.count()
    assert any("Sở Thông tin và Truyền thông" in line and "Chưa bắt đầu" in line for line in lines)


def test_deadline_locks_editing_until_extended(client, demo):
    p, own = demo["open"], demo["own"]
    p.deadline = timezone.localdate() - dt.timedelta(days=2)
    p.save()
    login(client, "baocao")
    url = reverse("web:report", args=[p.pk, own.pk])
    assert client.post(url, {"v_so_cbccvc": "40", "save": "1"}).status_code == 403
    page = client.get(url).content.decode()
    assert "quá hạn 2 ngày" in page  # the reporter's status bar, on every page
    assert "quá hạn 2 ngày" in client.get(reverse("web:home")).content.decode()

    admin = login(client.__class__(), "quantri")
    ext_url = reverse("web:deadline-extend", args=[p.pk, own.pk])
    until = timezone.localdate() + dt.timedelta(days=3)
    # No reason: refused, the error beside the field, the date kept.
    resp = admin.post(ext_url, {"until": until.strftime("%d/%m/%Y"), "reason": " "})
    assert resp.status_code == 200 and "Gia hạn phải có lý do" in resp.content.decode()
    assert until.strftime("%d/%m/%Y") in resp.content.decode()
    assert not DeadlineExtension.objects.exists()
    resp = admin.post(ext_url, {"until": until.strftime("%d/%m/%Y"), "reason": "Đơn vị mới sáp nhập"})
    assert resp.status_code == 302
    entry = AuditEntry.objects.filter(action="deadline.extend").first()
    assert (
        entry.unit == own and entry.reason == "Đơn vị mới sáp nhập" and entry.after == {"deadline": until.isoformat()}
    )

    assert (
        client.post(
            url, {"v_so_cbccvc": "40", "save": "1", "version": Submission.objects.get(period=p, unit=own).version}
        ).status_code
        == 302
    )
    assert Submission.objects.get(period=p, unit=own).values["so_cbccvc"] == "40"
    # Another unit's deadline is unchanged.
    assert progress.deadline_for(p, demo["other"].pk) == p.deadline


def test_extension_date_typed_the_vietnamese_way(client, demo):
    p, own = demo["open"], demo["own"]
    login(client, "quantri")
    url = reverse("web:deadline-extend", args=[p.pk, own.pk])
    resp = client.post(url, {"until": "2027-13-45", "reason": "x"})
    assert "Nhập ngày dạng dd/mm/yyyy" in resp.content.decode()
    before = p.deadline.strftime("%d/%m/%Y")
    resp = client.post(url, {"until": before, "reason": "x"})
    assert f"phải sau hạn chung của kỳ ({before})" in resp.content.decode()


def test_remind_one_unit_carries_link_deadline_and_what_is_missing(client, demo):
    p, own = demo["open"], demo["own"]
    sub = Submission.objects.get(period=p, unit=own)
    sub.values = {"so_cbccvc": "40", "so_cbccvc_co_may_tinh": "40"}
    sub.save()
    login(client, "quantri")
    resp = client.post(reverse("web:progress-remind", args=[p.pk]), {"unit": own.pk})
    assert resp.status_code == 302
    assert len(mail.outbox) == 1
    m = mail.outbox[0]
    assert "baocao@example.invalid" in m.to
    assert f"/ky/{p.pk}/bao-cao/{own.pk}/" in m.body
    assert p.deadline.strftime("%d/%m/%Y") in m.body and "còn 14 ngày" in m.body
    fw = p.framework.load()
    needed = len(fw.inputs_for(own.group.code))
    assert f"còn {needed - 2}/{needed} chỉ tiêu chưa nhập" in m.body
    assert "thiếu tài liệu kiểm chứng cho tiêu chí" in m.body  # 40 computers claimed, nothing linked
    assert AuditEntry.objects.filter(action="report.remind", unit=own).count() == 1
    row = next(r for r in _board(client, p).context["rows"] if r.unit == own)
    assert row.reminded_at is not None and row.status == progress.UnitStatus.DRAFTING


def test_remind_all_late_units_only(client, demo):
    p = demo["open"]
    p.deadline = timezone.localdate() - dt.timedelta(days=1)
    p.save()
    late = [r for r in progress.board(p) if r.late]
    assert late and all(not r.submitted for r in late)
    login(client, "quantri")
    client.post(reverse("web:progress-remind", args=[p.pk]), {"late": "1"})
    reminded = set(AuditEntry.objects.filter(action="report.remind").values_list("unit__name", flat=True))
    with_address = {r.unit.name for r in late if progress.recipients(r.unit)}
    assert reminded == with_address and with_address
    assert len(mail.outbox) == len(with_address)


def test_missing_evidence_follows_links(demo):
    p, own = demo["open"], demo["own"]
    fw = p.framework.load()
    sub = Submission.objects.get(period=p, unit=own)
    sub.values = {"so_cbccvc": "40", "so_cbccvc_co_may_tinh": "40"}
    sub.save()
    needing = [c.id for c in progress.missing_evidence(fw, own.group.code, sub.values, [], set())]
    assert "may_tinh" in needing
    ev = Evidence.objects.create(submission=sub, file="x.pdf", original_name="x.pdf")
    EvidenceLink.objects.create(evidence=ev, criterion_id="may_tinh")
    after = [c.id for c in progress.missing_evidence(fw, own.group.code, sub.values, [], {"may_tinh"})]
    assert "may_tinh" not in after
    # Nothing claimed, nothing to prove; a figure is reported once, at the first criterion reading it.
    sub.values = {"so_cbccvc": "0", "so_cbccvc_co_may_tinh": "0"}
    assert progress.missing_evidence(fw, own.group.code, sub.values, [], set()) == []
    sub.values = {"so_cbccvc": "40", "so_cbccvc_co_may_tinh": "0"}
    assert [c.id for c in progress.missing_evidence(fw, own.group.code, sub.values, [], set())] == ["may_tinh"]


def test_board_statuses_through_appraisal_and_explanation(demo):
    from xephang.web import workflow
    from xephang.web.models import Status

    p = demo["open"]
    p.status = Status.APPRAISAL
    p.save()
    unit = Unit.objects.get(name="Văn phòng UBND tỉnh")
    sub = Submission.objects.get(period=p, unit=unit)
    row = next(r for r in progress.board(p) if r.unit == unit)
    assert row.status == progress.UnitStatus.APPRAISING and row.appraised[0] == 0
    workflow.appraise(sub, demo["thamdinh"], "so_cbccvc_co_may_tinh", False, "0", "Không có sổ tài sản")
    p.status = Status.EXPLANATION
    p.save()
    row = next(r for r in progress.board(p) if r.unit == unit)
    assert row.status == progress.UnitStatus.EXPLAINING
    adj = sub.adjustments.get()
    workflow.explain(adj, demo["baocao"], "Có biên bản")
    assert next(r for r in progress.board(p) if r.unit == unit).status == progress.UnitStatus.APPRAISING
    workflow.decide(adj.explanation, demo["thamdinh"], True, "Đúng")
    assert next(r for r in progress.board(p) if r.unit == unit).status == progress.UnitStatus.DONE


def test_board_shows_a_page_of_units_and_counts_them_all(client, demo, monkeypatch):
    """A national roll-up's board is read a page at a time; the counts and the filters cover every unit."""
    from xephang.web.views import progress as board_view

    monkeypatch.setattr(board_view, "BOARD_ROWS_PER_PAGE", 10)
    p = demo["open"]
    login(client, "quantri")
    first = _board(client, p)
    names = [r.unit.name for r in first.context["rows"]]
    assert len(names) == 10 and first.context["matching"] == first.context["total"] == p.units.count()
    assert sum(n for _, _, n in first.context["counts"]) == p.units.count()
    html = first.content.decode()
    assert "trang 1/" in html and "trang=2" in html
    second = _board(client, p, "?trang=2")
    assert not set(names) & {r.unit.name for r in second.context["rows"]}
    every = []
    for n in range(1, first.context["page"].paginator.num_pages + 1):
        every += [r.unit.name for r in _board(client, p, f"?trang={n}").context["rows"]]
    assert sorted(every) == sorted(r.unit.name for r in progress.board(p))


def test_submitted_reports_figures_are_counted_on_the_page_and_in_the_csv(client, demo):
    """The board reads submitted reports without their figures; the rows shown and the CSV still count
    them, as the report holds them."""
    import csv
    import io

    p = demo["open"]
    fw = p.framework.load()
    login(client, "quantri")
    rows = _board(client, p).context["rows"]
    submitted = {s.unit_id: s for s in p.submissions.filter(state="submitted").select_related("unit__group")}
    assert submitted
    for r in rows:
        assert r.filled is not None, r.unit.name
        if r.unit.pk in submitted:
            values = submitted[r.unit.pk].values
            want = sum(1 for i in fw.inputs_for(r.unit.group.code) if str(values.get(i.id, "")).strip())
            assert r.filled == want > 0, r.unit.name
    assert all(r.filled is None for r in progress.board(p) if r.unit.pk in submitted)  # read for the page only
    table = list(
        csv.reader(io.StringIO(client.get(reverse("web:progress-csv", args=[p.pk])).content.decode("utf-8-sig")))
    )
    filled = {line[1]: int(line[4]) for line in table[1:]}
    assert all(filled[r.unit.name] == r.filled for r in rows)
