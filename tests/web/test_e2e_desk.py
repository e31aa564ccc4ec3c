"""The everyday desk in a real headless Chromium: a reporter types figures, uploads evidence beside a
criterion without losing them, and is warned of missing evidence when submitting; an appraiser accepts
everything remaining, adjusts with and without a reason and sees the error beside the field; the
coordinator watches the progress board, reminds a unit and extends its deadline."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from .test_e2e import CHROMIUM, _login

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_reporter_uploads_in_place_without_losing_typed_figures(live_server, browser, tmp_path):
    from xephang.web.models import Evidence, Period, Submission, Unit

    base = live_server.url
    period = Period.objects.get(year=2021)
    own = Unit.objects.get(name="Sở Thông tin và Truyền thông")
    page = _login(browser, base, "baocao")
    page.goto(f"{base}/ky/{period.pk}/bao-cao/{own.pk}/")
    assert "còn 14 ngày" in page.get_by_test_id("my-reports").inner_text()  # status and deadline on every page
    # Four figures typed, not saved.
    import random

    from xephang.web.demo import sample_texts

    fw = period.framework.load()
    texts = sample_texts(fw, own.group.code, random.Random(3))
    typed = {k: texts[k] for k in ("so_cbccvc", "so_cbccvc_co_may_tinh", "so_may_tinh", "bang_thong_internet")}
    for iid, v in typed.items():
        page.fill(f"[name=v_{iid}]", v)
    # Evidence uploaded beside the criterion "may_tinh", in place.
    pdf = tmp_path / "ke-hoach-cntt-2022.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% test\n")
    block = page.locator("#ev-may_tinh")
    block.locator("summary").click()
    page.set_input_files("#evf-may_tinh-file", str(pdf))
    page.fill("#evf-may_tinh-locator", "trang 2")
    block.get_by_role("button", name="Tải lên cho tiêu chí này").click()
    page.wait_for_selector("#ev-may_tinh >> text=Đã tải lên 'ke-hoach-cntt-2022.pdf'.")
    assert "ke-hoach-cntt-2022.pdf" in page.locator("#ev-may_tinh").inner_text()
    for iid, v in typed.items():  # nothing typed was lost
        assert page.input_value(f"[name=v_{iid}]") == v, iid
    assert (
        Evidence.objects.get(submission__unit=own, submission__period=period).original_name == "ke-hoach-cntt-2022.pdf"
    )
    # The list of documents names the criterion, not its id.
    assert fw.criterion("may_tinh").title in page.locator("#minh-chung").inner_text()

    # Fill the rest, then submit: a missing-evidence warning lists criteria, nothing is submitted yet.
    for iid, value in texts.items():
        if iid in typed:
            continue
        field = page.locator(f"[name=v_{iid}]")
        if fw.inputs[iid].type in ("yesno", "choice"):
            field.select_option(label=value if fw.inputs[iid].type == "choice" else value.capitalize())
        else:
            field.fill(value)
    page.on("dialog", lambda d: d.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Nộp báo cáo", exact=True).click()
    assert "CHƯA NỘP" in page.content(), re.findall(r"class=\"msg[^>]*>([^<]*)", page.content())
    warning = page.locator("#thieu-minh-chung").inner_text()
    assert "tiêu chí chưa có tài liệu kiểm chứng bắt buộc" in warning
    assert fw.criterion("may_tinh").title not in warning  # it has its document
    sub = Submission.objects.get(period=period, unit=own)
    assert sub.state == "draft" and sub.values["so_cbccvc"] == typed["so_cbccvc"]  # saved as a draft: nothing lost
    with page.expect_navigation():
        page.get_by_role("button", name="Vẫn nộp báo cáo dù thiếu tài liệu").click()
    assert "Đã nộp báo cáo" in page.content()
    assert Submission.objects.get(period=period, unit=own).state == "submitted"
    page.context.close()


def test_appraiser_accepts_all_and_sees_errors_beside_the_field(live_server, browser):
    from xephang.web.models import Adjustment, Period, Status, Submission, Unit

    base = live_server.url
    period = Period.objects.get(year=2021)
    period.status = Status.APPRAISAL
    period.save()
    unit = Unit.objects.get(name="Văn phòng UBND tỉnh")
    sub = Submission.objects.get(period=period, unit=unit)
    page = _login(browser, base, "thamdinh")
    page.goto(f"{base}/ky/{period.pk}/tham-dinh/{unit.pk}/")
    iid = "so_cbccvc_co_may_tinh"
    field = page.locator(f"#i-{iid}")
    # Adjust without a reason: the error beside the field, the typed value kept, nothing saved.
    page.fill(f"#val-{iid}", "12")
    field.get_by_role("button", name="Điều chỉnh").click()
    page.wait_for_selector(f"#err-rs-{iid}")
    assert "Điều chỉnh số liệu phải ghi rõ lý do." in page.locator(f"#err-rs-{iid}").inner_text()
    assert page.input_value(f"#val-{iid}") == "12"
    assert not Adjustment.objects.filter(submission=sub).exists()
    # Out of bounds: the core's message, beside the field.
    page.fill(f"#val-{iid}", str(int(sub.values["so_cbccvc"]) + 100))
    page.fill(f"#rs-{iid}", "Đếm lại")
    page.locator(f"#i-{iid}").get_by_role("button", name="Điều chỉnh").click()
    page.wait_for_selector(f"#err-val-{iid}")
    assert "phần không thể lớn hơn tổng" in page.locator(f"#err-val-{iid}").inner_text()
    assert page.input_value(f"#rs-{iid}") == "Đếm lại"
    # With a reason and a valid figure: saved, the per-criterion difference appears.
    before = page.get_by_test_id("appraised-total").inner_text()
    page.fill(f"#val-{iid}", "0")
    page.locator(f"#i-{iid}").get_by_role("button", name="Điều chỉnh").click()
    page.wait_for_function(f"document.querySelector('[data-testid=appraised-total]').innerText !== '{before}'")
    assert re.search(r"−\d+,\d+ điểm", page.get_by_test_id("compare-may_tinh").inner_text())
    assert "," in page.get_by_test_id("appraised-total").inner_text()
    # Accept all the rest in one click.
    page.get_by_role("button", name=re.compile("Chấp nhận tất cả")).click()
    page.wait_for_selector("text=số liệu còn lại của Văn phòng UBND tỉnh")
    done = page.get_by_test_id("appraised-count").inner_text()
    a, b = done.split("/")
    assert a == b
    assert Adjustment.objects.filter(submission=sub, accepted=False).count() == 1
    assert Adjustment.objects.filter(submission=sub).count() == len(period.framework.load().inputs_for(unit.group.code))
    page.context.close()


def test_coordinator_watches_reminds_and_extends(live_server, browser):
    from django.utils import timezone

    from xephang.web.models import AuditEntry, DeadlineExtension, Period

    base = live_server.url
    period = Period.objects.get(year=2021)
    period.deadline = timezone.localdate() - dt.timedelta(days=1)
    period.save()
    page = _login(browser, base, "quantri")
    page.goto(f"{base}/ky/{period.pk}/")
    page.get_by_role("link", name="Tiến độ các đơn vị").click()
    counts = page.get_by_test_id("status-counts").inner_text()
    assert "Chưa bắt đầu" in counts and "Quá hạn chưa nộp" in counts
    # Filter: drafts only.
    page.select_option("#id_trang_thai", "dang-soan")
    with page.expect_navigation():
        page.get_by_role("button", name="Lọc").click()
    statuses = page.locator("table.board tbody tr td:nth-child(2) .chip").all_inner_texts()
    assert statuses and set(statuses) == {"Đang soạn"}
    assert "quá hạn 1 ngày" in page.locator("table.board").inner_text()
    # A drafting unit without any e-mail address: the coordinator is told, nothing is pretended.
    first = page.locator("table.board tbody tr").first
    nameless = first.locator("td").first.locator("a").inner_text()
    with page.expect_navigation():
        first.get_by_role("button", name=f"Nhắc {nameless}").click()
    assert "Chưa gửi được (đơn vị chưa có địa chỉ thư điện tử nào)" in page.content() and nameless in page.content()
    # Remind the unit whose reporter has an address.
    name = "Sở Thông tin và Truyền thông"
    page.goto(f"{base}/ky/{period.pk}/tien-do/")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Nhắc {name}").click()
    assert f"Đã gửi thư nhắc 1 đơn vị: {name}" in page.content()
    assert AuditEntry.objects.filter(action="report.remind", unit__name=name).exists()
    # Extend its deadline: without a reason refused beside the field, then with one.
    with page.expect_navigation():
        page.locator(f"table.board tbody tr:has-text('{name}')").get_by_role("link", name=f"Gia hạn cho {name}").click()
    until = (timezone.localdate() + dt.timedelta(days=5)).strftime("%d/%m/%Y")
    page.fill("#id_until", until)
    with page.expect_navigation():
        page.get_by_role("button", name="Gia hạn").click()
    assert "Gia hạn phải có lý do." in page.content() and page.input_value("#id_until") == until
    page.fill("#id_reason", "Đơn vị đề nghị do thay đổi nhân sự")
    with page.expect_navigation():
        page.get_by_role("button", name="Gia hạn").click()
    assert f"Đã gia hạn cho {name} đến {until}" in page.content()
    ext = DeadlineExtension.objects.get(unit__name=name)
    assert ext.reason == "Đơn vị đề nghị do thay đổi nhân sự"
    # Remind every late unit at once (the extended unit is no longer late; the demo's others have no address).
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"Nhắc tất cả \d+ đơn vị quá hạn")).click()
    warning = page.locator(".msg.warning").inner_text()
    assert "Chưa gửi được" in warning and nameless in warning and name not in warning
    # The CSV lists every unit.
    page.goto(f"{base}/ky/{period.pk}/tien-do/")
    with page.expect_download() as dl:
        page.get_by_role("link", name="Tải bảng (CSV)").click()
    text = Path(dl.value.path()).read_text(encoding="utf-8-sig")
    assert len(text.strip().splitlines()) == 1 + period.units.count()
    page.context.close()


def test_coordinator_sets_up_a_year_and_imports_accounts(live_server, browser, tmp_path):
    import openpyxl
    from django.core import mail

    from xephang.web.models import Period, Profile

    base = live_server.url
    page = _login(browser, base, "quantri")
    page.goto(f"{base}/bang-dieu-khien/")
    page.get_by_role("link", name="Tạo kỳ đánh giá mới").click()
    page.select_option("#tu", label="Năm 2021 (dữ liệu mẫu)")
    with page.expect_navigation():
        page.get_by_role("button", name="Điền sẵn từ kỳ này").click()
    assert page.input_value("#id_name") == "Năm 2022"
    page.fill("#id_deadline", "15/01/2027")
    page.fill("#id_explanation_deadline", "10/01/2027")  # before the report deadline: refused
    with page.expect_navigation():
        page.get_by_role("button", name="Tạo kỳ (dự thảo)").click()
    assert "phải sau hạn nộp báo cáo (15/01/2027)" in page.locator("#id_explanation_deadline-err").inner_text()
    page.fill("#id_explanation_deadline", "15/02/2027")
    with page.expect_navigation():
        page.get_by_role("button", name="Tạo kỳ (dự thảo)").click()
    assert "Đã tạo kỳ 'Năm 2022' (dự thảo)" in page.content()
    created = Period.objects.get(name="Năm 2022")
    assert created.units.count() == Period.objects.get(year=2021).units.filter(active=True).count()

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Đơn vị", "Họ tên", "Thư điện tử", "Vai trò"])
    ws.append(["Sở Y tế", "Nguyễn Văn A", "nguyenvana@syt.example", "Cán bộ báo cáo"])
    ws.append(["Sở Tư pháp", "Đỗ Thị D", "dothid@stp.example", "Cán bộ báo cáo"])
    ws.append(["", "Trần Thị B", "tranthib@stttt.example", "Thẩm định viên"])
    path = tmp_path / "tai-khoan.xlsx"
    wb.save(path)
    page.goto(f"{base}/bang-dieu-khien/")
    page.get_by_role("link", name="Nhập tài khoản từ Excel").click()
    page.set_input_files("#id_xlsx", str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Nhập và gửi thư mời").click()
    assert "Đã tạo 3 tài khoản" in page.content() and "dothid" in page.locator("table").inner_text()
    assert (
        Profile.objects.filter(
            user__email__in=["nguyenvana@syt.example", "dothid@stp.example", "tranthib@stttt.example"]
        ).count()
        == 3
    )
    assert len(mail.outbox) == 3
    page.context.close()
