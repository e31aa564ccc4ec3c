"""The analysis in the web pages and related downloads: data-quality flags from
``analysis.run_checks``, the road to the next level, scorecard downloads, the decision's metadata form,
the leaders' robustness and year-over-year view, the 2025 demo with its lineage, deadline reminders."""

from __future__ import annotations

import io
from datetime import timedelta

import docx
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from xephang.web.models import Period, Submission, Unit

from .conftest import login


def _page(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    return resp.content.decode()


@pytest.fixture
def p2025(db):
    return Period.objects.get(year=2025)


# --- appraisal: data-quality flags come from the core's checks -------------------------------------
def test_appraisal_flags_come_from_run_checks(client, demo):
    p = demo["open"]
    sub = Submission.objects.filter(period=p, state=Submission.State.SUBMITTED).select_related("unit").first()
    values = dict(sub.values)
    values["so_cbccvc_co_may_tinh"] = values["so_cbccvc"]  # every staff member with a computer
    sub.values = values
    sub.save()
    html = _page(login(client, "quantri").get(reverse("web:appraisal-unit", args=[p.pk, sub.unit.pk])))
    # the core's "part equals its whole" finding, beside that figure
    block = html[html.index('id="i-so_cbccvc_co_may_tinh"') :]
    block = block[: block.index('<div class="field"', 10) if '<div class="field"' in block[10:] else len(block)]
    assert "Phần bằng đúng tổng (100 %)" in block and f"{values['so_cbccvc']}" in block
    # no evidence uploaded by the demo units: claimed figures that need it are flagged
    assert "Thiếu tài liệu kiểm chứng" in html
    # there is no earlier period with detailed figures: the jump check says why it did not run
    assert "Biến động so với năm trước: chưa có kỳ trước có số liệu chi tiết" in html


def test_appraisal_without_complete_figures_says_checks_did_not_run(client, demo):
    p = demo["open"]
    sub = Submission.objects.filter(period=p, state=Submission.State.SUBMITTED).first()
    values = dict(sub.values)
    values.pop("so_cbccvc")
    sub.values = values
    sub.save()
    html = _page(login(client, "quantri").get(reverse("web:appraisal-unit", args=[p.pk, sub.unit_id])))
    assert "chưa kiểm tra được: số liệu của đơn vị chưa đủ hoặc chưa hợp lệ" in html


# --- the road to the next level ------------------------------------------------------------------
def test_road_on_a_totals_only_unit_page(client, demo):
    unit = Unit.objects.get(name="Thanh tra tỉnh")
    html = _page(client.get(reverse("web:unit-result", args=[demo["p2020"].pk, unit.pk])))
    # 80.19 (Khá); Tốt from 85: 85 - 80.19 = 4.81 points
    assert "Để đạt mức Tốt" in html and "Còn thiếu <strong>4,81</strong> điểm" in html
    assert "không có điểm từng tiêu chí" in html


def test_road_on_a_unit_page_with_criteria(client, p2025):
    from xephang.analysis import road_to_next_level
    from xephang.web.analysis import published_scores

    ps = published_scores(p2025)
    gap = next(g for g in road_to_next_level(ps.ranking) if g.opportunities)
    unit = Unit.objects.get(name=gap.name)
    html = _page(client.get(reverse("web:unit-result", args=[p2025.pk, unit.pk])))
    assert f"Để đạt mức {gap.next_level.name}" in html
    top = gap.opportunities[0]
    assert top.title in html and top.action[1:] in html.replace("&#x27;", "'")


def test_top_level_unit_needs_no_road(client, demo):
    unit = Unit.objects.get(name="Văn phòng UBND tỉnh")  # 99.00 in 2020: Tốt
    html = _page(client.get(reverse("web:unit-result", args=[demo["p2020"].pk, unit.pk])))
    assert "Đơn vị đã đạt mức cao nhất (Tốt)." in html


# --- scorecards ------------------------------------------------------------------------------------
def test_scorecard_docx_for_a_published_unit(client, demo):
    unit = Unit.objects.get(name="Thanh tra tỉnh")
    resp = client.get(reverse("web:scorecard", args=[demo["p2020"].pk, unit.pk, "docx"]))
    assert resp.status_code == 200
    assert resp["Content-Disposition"] == 'attachment; filename="phieu-ket-qua-2020-thanh-tra-tinh.docx"'
    text = [p.text for p in docx.Document(io.BytesIO(resp.content)).paragraphs]
    assert "Còn thiếu 4.81 điểm để đạt mức Tốt (từ 85 điểm đến 100 điểm)." in text
    # 20 departments in 2020; Thanh tra tỉnh is last with 80.19
    assert "Tổng điểm: **80.19**" not in text and any("xếp hạng 20/20 trong khối" in t for t in text)


def test_scorecard_of_an_unpublished_period_is_refused(client, demo):
    resp = client.get(reverse("web:scorecard", args=[demo["open"].pk, demo["own"].pk, "docx"]))
    assert resp.status_code in (302, 403)


def test_scorecard_pdf(client, demo):
    from xephang.documents.pdf import soffice

    if soffice() is None:
        pytest.skip("LibreOffice không có trên máy này")
    unit = Unit.objects.get(name="Thanh tra tỉnh")
    html = _page(client.get(reverse("web:unit-result", args=[demo["p2020"].pk, unit.pk])))
    assert "phieu-ket-qua.pdf" in html
    resp = client.get(reverse("web:scorecard", args=[demo["p2020"].pk, unit.pk, "pdf"]))
    assert resp.status_code == 200 and resp.content.startswith(b"%PDF")


# --- the decision's metadata ---------------------------------------------------------------------------
def test_decision_meta_form_shows_the_period_metadata(client, demo):
    html = _page(login(client, "quantri").get(reverse("web:decision-meta", args=[demo["p2020"].pk])))
    assert 'value="165/BC-STTTT"' in html and 'value="27/01/2021"' in html and "Mai Xuân Liêm" in html
    assert "Luật Tổ chức chính quyền địa phương ngày 19/6/2015" in html


def test_decision_meta_form_of_another_year_is_not_prefilled_with_2020(client, p2025):
    html = _page(login(client, "quantri").get(reverse("web:decision-meta", args=[p2025.pk])))
    assert "165/BC-STTTT" not in html.replace("Ví dụ: 165/BC-STTTT", "")
    assert 'value="27/01/2021"' not in html and 'value="Mai Xuân Liêm"' not in html


def _form(**changes):
    data = {
        "number": "",
        "date": "",
        "signer_prefix": "KT. CHỦ TỊCH",
        "signer_title": "PHÓ CHỦ TỊCH",
        "signer_name": "Mai Xuân Liêm",
        "legal_bases": "Luật Tổ chức chính quyền địa phương ngày 19/6/2015",
        "report_number": "165/BC-STTTT",
        "report_date": "27/01/2021",
        "recipients": "Như Điều 2 QĐ;\nLưu: VT.",
    }
    data.update(changes)
    return data


def test_decision_meta_invalid_date_is_refused_with_the_meta_rules(client, demo):
    p = demo["open"]
    before = dict(p.meta)
    html = _page(login(client, "quantri").post(reverse("web:decision-meta", args=[p.pk]), _form(date="31/02/2021")))
    assert "ngày &#x27;31/02/2021&#x27; không hợp lệ; cần dạng 2021-01-27 hoặc 27/01/2021" in html
    p.refresh_from_db()
    assert p.meta == before


def test_decision_meta_saved_and_used_by_the_decision(client, demo):
    import datetime

    from .conftest import publish_period

    p = demo["open"]
    p.meta = {"decision": {"group_titles": {"so_ban_nganh": "các sở, ban, ngành cấp tỉnh"}}}
    p.save()
    c = login(client, "quantri")
    resp = c.post(reverse("web:decision-meta", args=[p.pk]), _form(report_date="27/01/2022"))
    assert resp.status_code == 302
    p.refresh_from_db()
    d = p.meta["decision"]
    assert d["report_date"] == "2022-01-27" and "number" not in d
    assert d["recipients"] == ["Như Điều 2 QĐ;", "Lưu: VT."]
    assert d["group_titles"]["so_ban_nganh"] == "các sở, ban, ngành cấp tỉnh"  # fields not on the form are kept
    # the signed decision's number and date are given at publication, and the decision prints them
    publish_period(p, demo["quantri"], number="76", date=datetime.date(2022, 2, 5))
    resp = client.get(reverse("web:decision", args=[p.pk, "docx"]))
    document = docx.Document(io.BytesIO(resp.content))
    text = "\n".join(
        [par.text for par in document.paragraphs]
        + [cell.text for t in document.tables for row in t.rows for cell in row.cells]
    )
    assert "Số: 76/QĐ-UBND" in text and "ngày 05 tháng 02 năm 2022" in text and "Mai Xuân Liêm" in text
    log = _page(c.get(reverse("web:audit")))  # the audit log says it in a sentence, not as a code
    assert f"lưu thông tin quyết định của kỳ &#x27;{p.name}&#x27;" in log and "period.decision_meta" not in log


def test_decision_meta_of_a_frozen_period_is_read_only_and_the_attempt_audited(client, demo):
    from xephang.web.models import AuditEntry

    p = demo["p2020"]
    before = dict(p.meta)
    c = login(client, "quantri")
    html = _page(c.get(reverse("web:decision-meta", args=[p.pk])))
    assert "không sửa được nữa" in html and "disabled" in html and "Lưu thông tin quyết định" not in html
    resp = c.post(reverse("web:decision-meta", args=[p.pk]), _form(number="99", date="05/02/2021"), follow=True)
    assert "đã chốt kết quả: không được sửa thông tin quyết định" in resp.content.decode()
    p.refresh_from_db()
    assert p.meta == before
    entry = AuditEntry.objects.filter(action="frozen.refused", period=p).get()
    assert entry.user_name == "quantri" and entry.after["number"] == "99"


@pytest.mark.parametrize("who,status", [(None, 302), ("lanhdao", 403), ("thamdinh", 403), ("baocao", 403)])
def test_decision_meta_only_for_the_administrator(client, demo, who, status):
    assert login(client, who).get(reverse("web:decision-meta", args=[demo["p2020"].pk])).status_code == status


# --- leaders: robustness and year over year --------------------------------------------------------------
def test_analysis_page_of_the_2025_demo_follows_the_lineage(client, p2025):
    html = _page(login(client, "lanhdao").get(reverse("web:analysis", args=[p2025.pk])))
    assert "1000 lần mô phỏng (hạt giống 1)" in html and "Khoảng 5–95 %" in html
    assert "So với kỳ trước: Năm 2020" in html
    html = html[html.index('id="qua-cac-nam"') :]
    row = html[html.index("<td>Sở Tài chính") :]
    row = row[: row.index("</tr>")]
    # merged from Sở Tài chính 90.73 and Sở Kế hoạch và Đầu tư 89.56 in 2020: mean 90.145 -> 90.15
    assert "bình quân" in row and ">90.15<" in row
    row = html[html.index("<td>UBND phường Hạc Thành") :]
    row = row[: row.index("</tr>")]
    assert ">89.68<" in row  # split from UBND thành phố Thanh Hóa (89.68 in 2020)
    assert login(client, "lanhdao").get(reverse("web:analysis-chart", args=[p2025.pk]))["Content-Type"] == "image/png"


def test_analysis_of_a_totals_only_period(client, demo):
    c = login(client, "lanhdao")
    html = _page(c.get(reverse("web:analysis", args=[demo["p2020"].pk])))
    assert "kỳ này chỉ có tổng điểm đã công bố" in html and 'name="sai-so"' in html
    assert "Chưa so sánh được: chưa có kỳ trước đã công bố" in html
    html = _page(c.get(reverse("web:analysis", args=[demo["p2020"].pk]) + "?sai-so=0,5"))
    assert "tổng điểm công bố ± 0.5 điểm" in html
    # 85.03 / 85.03 (Quảng Xương, Lang Chánh) and 84.23 / 84.23 cannot be told apart within ±0.5
    assert "UBND huyện Quảng Xương / UBND huyện Lang Chánh" in html


# An appraiser reads only the periods he is assigned to (the demo's is assigned to 2021, not 2025).
@pytest.mark.parametrize(
    "who,status", [(None, 302), ("baocao", 403), ("thamdinh", 403), ("lanhdao", 200), ("quantri", 200)]
)
def test_analysis_page_permissions(client, p2025, who, status):
    assert login(client, who).get(reverse("web:analysis", args=[p2025.pk])).status_code == status


def test_dashboard_links_to_the_analysis(client, p2025):
    html = _page(login(client, "lanhdao").get(reverse("web:dashboard")))
    assert reverse("web:analysis", args=[p2025.pk]) in html


# --- the 2025 demo ---------------------------------------------------------------------------------
def test_demo_2025_groups_and_lineage(p2025):
    groups = set(p2025.units.values_list("group__code", flat=True))
    assert groups == {"so_ban_nganh", "ubnd_xa_phuong"}
    nn = Unit.objects.get(name="Sở Nông nghiệp và Môi trường")
    assert sorted(nn.merged_from.values_list("name", flat=True)) == [
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Sở Tài Nguyên và Môi trường",
    ]
    assert not Unit.objects.get(name="UBND huyện Thọ Xuân").active
    assert p2025.sample and p2025.snapshots.filter(published=True).count() == 1


def test_lineage_from_the_database(p2025):
    from xephang.web.analysis import lineage_for

    lin = lineage_for(p2025)
    assert lin.predecessors("Sở Tài chính") == ("merged", ["Sở Tài chính", "Sở Kế hoạch và Đầu tư"])
    assert lin.predecessors("Sở Dân tộc và Tôn giáo") == ("renamed", ["Ban Dân tộc"])
    assert lin.predecessors("UBND phường Sầm Sơn") == ("split", ["UBND thành phố Sầm Sơn"])
    assert lin.predecessors("Sở Y tế") == ("same", ["Sở Y tế"])


# --- reminders -----------------------------------------------------------------------------------------
def test_reminders_command_sends_to_units_that_have_not_submitted(demo, capsys):
    p = demo["open"]
    p.deadline = timezone.localdate() + timedelta(days=2)
    p.save()
    mail.outbox.clear()
    call_command("xephang_reminders")
    # Only the demo reporter's unit (Sở Thông tin và Truyền thông, a draft) has an e-mail address.
    assert len(mail.outbox) == 1
    m = mail.outbox[0]
    assert m.to == ["baocao@example.invalid"] and p.name in m.subject and "(còn 2 ngày)" in m.body
    assert "Đã gửi 1 thư nhắc hạn báo cáo." in capsys.readouterr().out


def test_reminders_not_yet_and_bad_options(demo):
    p = demo["open"]
    p.deadline = timezone.localdate() + timedelta(days=10)
    p.save()
    mail.outbox.clear()
    call_command("xephang_reminders")
    assert mail.outbox == []
    call_command("xephang_reminders", "--ngay", "10")
    assert len(mail.outbox) == 1
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("xephang_reminders", "--hom-nay", "30/06/2025")


def test_no_rank_movement_across_a_reorganised_group(p2025):
    from xephang.web.analysis import year_over_year

    comparison, previous, why = year_over_year(p2025)
    assert previous.year == 2020 and why is None
    m = {u.name: u for u in comparison.units}
    ward = m["UBND phường Hạc Thành"]
    # 89.68 for the former city among 27 districts; its rank there is no rank among 10 wards
    assert ward.how == "split" and ward.rank_change is None and ward.old_level == "Tốt"
    assert m["Sở Y tế"].old_rank == 16 and m["Sở Y tế"].rank_change == 16 - m["Sở Y tế"].new_rank


def test_unit_history_names_the_predecessors(client, p2025):
    unit = Unit.objects.get(name="Sở Tài chính")
    html = _page(client.get(reverse("web:unit-result", args=[p2025.pk, unit.pk])))
    history = html[html.index("Qua các năm") :]
    # 2020: its own row (90.73) and the merged Sở Kế hoạch và Đầu tư's (89.56), the latter named
    assert "90,73" in history and "89,56" in history
    assert "Sở Kế hoạch và Đầu tư (trước khi hợp nhất/chia tách)" in history


def test_period_page_links_to_the_new_pages(client, p2025):
    html = _page(login(client, "quantri").get(reverse("web:period", args=[p2025.pk])))
    assert reverse("web:analysis", args=[p2025.pk]) in html and reverse("web:decision-meta", args=[p2025.pk]) in html
    html = _page(login(client, "lanhdao").get(reverse("web:period", args=[p2025.pk])))
    assert (
        reverse("web:analysis", args=[p2025.pk]) in html and reverse("web:decision-meta", args=[p2025.pk]) not in html
    )
