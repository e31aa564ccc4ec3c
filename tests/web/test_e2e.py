"""The whole cycle in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright):
a reporter fills the form and uploads evidence, an appraiser adjusts one criterion, the unit explains,
the administrator publishes, an anonymous visitor sees the ranking and downloads the results and the
decision."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _login(browser, base, username):
    ctx = browser.new_context(locale="vi-VN", accept_downloads=True, bypass_csp=True)  # the test waits with eval()
    page = ctx.new_page()
    page.goto(f"{base}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("xephang-demo")
    with page.expect_navigation():  # the form posts and the page reloads
        page.get_by_role("button", name="Đăng nhập").click()
    return page


def _advance(browser, base, period_id, expected):
    page = _login(browser, base, "quantri")
    page.goto(f"{base}/ky/{period_id}/")
    page.on("dialog", lambda d: d.accept())  # moving on before a deadline asks first: yes
    with page.expect_navigation():  # the form posts and the page reloads
        page.get_by_role("button", name=re.compile("Chuyển sang")).click()
    assert page.get_by_test_id("period-status").inner_text() == expected
    page.context.close()


def _adjust_computers(browser, base, period_id, unit_id):
    """The appraiser sets the unit's computers to 0, with a reason, and sees the appraised total move."""
    page = _login(browser, base, "thamdinh")
    page.goto(f"{base}/ky/{period_id}/tham-dinh/{unit_id}/")
    before = page.get_by_test_id("appraised-total").inner_text()
    page.fill("#val-so_cbccvc_co_may_tinh", "0")
    page.fill("#rs-so_cbccvc_co_may_tinh", "Sổ tài sản không ghi máy tính")
    page.locator("#i-so_cbccvc_co_may_tinh").get_by_role("button", name="Điều chỉnh").click()
    page.wait_for_function(f"document.querySelector('[data-testid=appraised-total]').innerText !== '{before}'")
    page.context.close()


def _record_missing(page, base, period_id, reason="Quá hạn báo cáo, đã nhắc bằng văn bản"):
    page.goto(f"{base}/ky/{period_id}/")
    page.get_by_role("link", name="Ghi nhận đơn vị không báo cáo").click()
    page.get_by_label("Lý do (ghi vào kết quả và nhật ký)").fill(reason)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Ghi nhận:")).click()
    assert "Mọi đơn vị đều đã có báo cáo hoặc đã được ghi nhận" in page.content()


def _publish(page, base, period_id, number, date, reason=None):
    page.goto(f"{base}/ky/{period_id}/cong-bo/")
    page.get_by_label("Số quyết định đã ký").fill(number)
    page.get_by_label("Ngày ký").fill(date)
    if reason is not None:
        page.get_by_label(re.compile("Lý do đính chính")).fill(reason)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Công bố")).click()
    assert f"Quyết định số {number}" in page.content(), page.content()


def test_whole_cycle(live_server, browser, tmp_path):
    from xephang.web.demo import sample_texts
    from xephang.web.models import Adjustment, Period, Unit

    base = live_server.url
    period = Period.objects.get(year=2021)
    own = Unit.objects.get(name="Sở Thông tin và Truyền thông")
    fw = period.framework.load()

    # 1. The reporter fills the form (the live score follows), attaches evidence, submits.
    page = _login(browser, base, "baocao")
    page.goto(f"{base}/ky/{period.pk}/bao-cao/{own.pk}/")
    texts = sample_texts(fw, own.group.code, random.Random(3))
    for iid, value in texts.items():
        field = page.locator(f"[name=v_{iid}]")
        if fw.inputs[iid].type in ("yesno", "choice"):
            field.select_option(label=value if fw.inputs[iid].type == "choice" else value.capitalize())
        else:
            field.fill(value)
    page.wait_for_function("document.querySelector('[data-testid=self-total]') !== null")
    with page.expect_navigation():  # the form posts and the page reloads
        page.get_by_role("button", name="Lưu bản nháp").click()
    assert "Đã lưu bản nháp" in page.content()
    evidence = tmp_path / "Quyết định kiểm chứng.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% test\n")
    page.set_input_files("#ev-file", str(evidence))
    page.fill("#ev-summary", "Quyết định số 12/QĐ-STTTT")
    page.check("#ev-criteria input[value=may_tinh]")
    page.fill("#ev-locator", "trang 2")
    page.get_by_role("button", name="Tải lên", exact=True).click()  # in place (htmx): no reload
    page.wait_for_selector("#minh-chung >> text=Đã tải lên 'Quyết định kiểm chứng.pdf'.")
    page.on("dialog", lambda d: d.accept())
    with page.expect_navigation():  # other criteria still lack evidence: saved as a draft, with the list
        page.get_by_role("button", name="Nộp báo cáo", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Vẫn nộp báo cáo dù thiếu tài liệu").click()
    assert "Đã nộp báo cáo" in page.content()
    page.context.close()

    # 2. Appraisal: the appraiser adjusts one figure, with a reason.
    _advance(browser, base, period.pk, "Đang thẩm định")
    _adjust_computers(browser, base, period.pk, own.pk)
    assert Adjustment.objects.get(input_id="so_cbccvc_co_may_tinh").reason == "Sổ tài sản không ghi máy tính"

    # 3. Explanation: the unit answers; the appraiser keeps his figure, with a reason.
    _advance(browser, base, period.pk, "Giải trình")
    page = _login(browser, base, "baocao")
    page.goto(f"{base}/ky/{period.pk}/giai-trinh/{own.pk}/")
    assert "Sổ tài sản không ghi máy tính" in page.content()
    page.get_by_label("Nội dung giải trình").fill("Máy tính được cấp trong năm, xem biên bản bàn giao.")
    with page.expect_navigation():  # the form posts and the page reloads
        page.get_by_role("button", name="Gửi giải trình").click()
    assert "Đã gửi giải trình" in page.content()
    page.context.close()
    page = _login(browser, base, "thamdinh")
    page.goto(f"{base}/ky/{period.pk}/tham-dinh/{own.pk}/")
    page.get_by_label("Lý do quyết định").fill("Biên bản không ghi số máy")
    with page.expect_navigation():  # the form posts and the page reloads
        page.get_by_role("button", name="Giữ kết quả thẩm định").click()
    assert "Biên bản không ghi số máy" in page.content()
    page.context.close()

    # 4. The units that never reported are recorded under the criteria set's rule, then final, then
    #    published with the signed decision's number and date.
    page = _login(browser, base, "quantri")
    _record_missing(page, base, period.pk)
    page.context.close()
    _advance(browser, base, period.pk, "Đã chốt kết quả")
    page = _login(browser, base, "quantri")
    _publish(page, base, period.pk, "76", "05/02/2022")
    page.context.close()

    # 5. The public sees the ranking (with the SHA-256) and downloads the results.
    ctx = browser.new_context(accept_downloads=True, bypass_csp=True)  # the test waits with eval()
    page = ctx.new_page()
    page.goto(base)
    page.get_by_role("link", name=period.name).click()
    assert re.fullmatch(r"[0-9a-f]{64}", page.get_by_test_id("sha256").inner_text())
    assert page.get_by_role("link", name=own.name).count() == 1
    with page.expect_download() as dl:
        page.get_by_role("link", name="CSV").click()
    content = Path(dl.value.path()).read_text(encoding="utf-8-sig")
    assert own.name in content
    with page.expect_download() as dl:
        page.get_by_role("link", name="Quyết định (DOCX)").click()
    assert dl.value.suggested_filename.endswith(".docx")
    import zipfile

    xml = zipfile.ZipFile(dl.value.path()).read("word/document.xml").decode()
    assert own.name in xml and "QUYẾT ĐỊNH" in xml
    ctx.close()


def test_publication_cycle_of_three_units_with_a_non_reporter_and_a_correction(live_server, browser, tmp_path):
    """Three units: the demo reporter's unit reports in the browser, Sở Y tế has submitted, Sở Nội vụ
    never reports. Freezing lists the missing unit first; the leader reviews the draft that the public
    cannot see; publication without a number is refused; after publication Sở Y tế is corrected and
    the public page shows version 2 and what changed."""
    import datetime

    from xephang.web.demo import sample_texts
    from xephang.web.models import AuditEntry, Period, Status, Submission, Unit

    base = live_server.url
    old = Period.objects.get(year=2021)
    own = Unit.objects.get(name="Sở Thông tin và Truyền thông")
    yte, noivu = Unit.objects.get(name="Sở Y tế"), Unit.objects.get(name="Sở Nội vụ")
    p = Period.objects.create(name="Năm 2022", year=2022, framework=old.framework, status=Status.OPEN)
    p.units.set([own, yte, noivu])
    p.appraisers.set(old.appraisers.all())
    fw = p.framework.load()
    Submission.objects.create(
        period=p, unit=yte, values=sample_texts(fw, yte.group.code, random.Random(5)), state=Submission.State.SUBMITTED
    )
    own_texts = sample_texts(fw, own.group.code, random.Random(6))
    Submission.objects.create(period=p, unit=own, values=own_texts)

    # The reporter submits in the browser (the figures were saved as a draft).
    page = _login(browser, base, "baocao")
    page.goto(f"{base}/ky/{p.pk}/bao-cao/{own.pk}/")
    page.on("dialog", lambda d: d.accept())
    with page.expect_navigation():  # the saved figures claim evidence not attached: listed, then confirmed
        page.get_by_role("button", name="Vẫn nộp báo cáo dù thiếu tài liệu").click()
    assert "Đã nộp báo cáo" in page.content()
    page.context.close()
    _advance(browser, base, p.pk, "Đang thẩm định")
    _advance(browser, base, p.pk, "Giải trình")

    # Freezing: the missing unit is listed first, and freezing is refused until it is recorded.
    page = _login(browser, base, "quantri")
    page.goto(f"{base}/ky/{p.pk}/")
    assert "Sở Nội vụ" in page.get_by_test_id("missing-units").inner_text()
    asked = []  # appraisal unfinished: the button asks before freezing; yes
    page.on("dialog", lambda d: (asked.append(d.message), d.accept()))
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Chuyển sang")).click()
    assert asked and "Mới thẩm định" in asked[0]
    assert "chưa được ghi nhận là đơn vị không báo cáo" in page.content()
    assert page.get_by_test_id("period-status").inner_text() == "Giải trình"
    page.get_by_role("link", name="Ghi nhận đơn vị không báo cáo").click()
    assert page.get_by_test_id("rule").inner_text() == "không báo cáo / không xếp hạng"
    with page.expect_navigation():  # no reason: refused next to the field
        page.get_by_role("button", name=re.compile("Ghi nhận:")).click()
    assert "Hãy ghi lý do" in page.content()
    page.get_by_label("Lý do (ghi vào kết quả và nhật ký)").fill("Quá hạn 15/01/2023, đã nhắc hai lần")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Ghi nhận:")).click()
    page.context.close()
    _advance(browser, base, p.pk, "Đã chốt kết quả")

    # The draft: the leader sees it, marked, and downloads the draft decision; the public does not.
    page = _login(browser, base, "lanhdao")
    page.goto(f"{base}/ky/{p.pk}/")
    page.get_by_role("link", name="Xem dự thảo kết quả và quyết định").click()
    assert "DỰ THẢO" in page.get_by_test_id("draft-banner").inner_text()
    assert "Sở Nội vụ" in page.get_by_test_id("non-reporting").inner_text()
    with page.expect_download() as dl:
        page.get_by_role("link", name="Dự thảo quyết định (DOCX)").click()
    import zipfile

    xml = zipfile.ZipFile(dl.value.path()).read("word/document.xml").decode()
    assert "DỰ THẢO" in xml and "Sở Nội vụ không gửi báo cáo" in xml
    page.context.close()
    public = browser.new_context().new_page()
    assert public.goto(f"{base}/ket-qua/{p.pk}/").status == 403
    assert "DỰ THẢO" not in public.content()

    # Publication: refused without the signed number, then published with it.
    page = _login(browser, base, "quantri")
    page.goto(f"{base}/ky/{p.pk}/cong-bo/")
    with page.expect_navigation():
        page.get_by_role("button", name="Công bố kết quả").click()
    assert "Hãy nhập số của quyết định đã ký." in page.content()
    assert Period.objects.get(pk=p.pk).status == Status.FINAL
    _publish(page, base, p.pk, "41", "10/02/2023")

    # Every post-freeze edit path of the app refuses: the decision's metadata.
    page.goto(f"{base}/ky/{p.pk}/thong-tin-quyet-dinh/")
    assert "không sửa được nữa" in page.content()
    page.goto(f"{base}/quan-tri/web/period/{p.pk}/change/")  # the admin shows the frozen fields read-only
    assert page.locator("input[name=year]").count() == 0 and page.locator("input[name=name]").count() == 0
    assert "Năm 2022" in page.content()

    # Correction after publication, limited to Sở Y tế, through appraisal again.
    page.goto(f"{base}/ky/{p.pk}/")
    page.get_by_role("link", name=re.compile("Đính chính")).click()
    page.get_by_label("Sở Y tế").check()
    page.get_by_label(re.compile("Lý do \\(bắt buộc")).fill("Sở Y tế: số máy tính nhập sai")
    with page.expect_navigation():
        page.get_by_role("button", name="Mở vòng đính chính").click()
    assert "Sở Y tế: số máy tính nhập sai" in page.get_by_test_id("correction-round").inner_text()
    page.context.close()
    _adjust_computers(browser, base, p.pk, yte.pk)
    _advance(browser, base, p.pk, "Giải trình")
    _advance(browser, base, p.pk, "Đã chốt kết quả")
    page = _login(browser, base, "quantri")
    _publish(page, base, p.pk, "52", "01/03/2023", reason="Sở Y tế: số máy tính nhập sai")
    page.context.close()

    # The public sees version 2, its reason, what changed, and version 1 still.
    public.goto(f"{base}/ket-qua/{p.pk}/")
    assert public.get_by_test_id("edition").inner_text() == "Phiên bản 2"
    assert "Sở Y tế: số máy tính nhập sai" in public.get_by_test_id("correction-reason").inner_text()
    changes = public.get_by_test_id("changes").inner_text()
    assert "Sở Y tế" in changes and "→" in changes and "Sở Nội vụ" not in changes
    assert "Phiên bản 1" in public.get_by_test_id("editions").inner_text()
    public.get_by_role("link", name="Phiên bản 1").click()
    assert public.get_by_test_id("edition").inner_text() == "Phiên bản 1"
    assert "Quyết định số 41" in public.content()
    public.context.close()
    assert AuditEntry.objects.filter(period=p, action="frozen.refused").count() == 0  # nobody forced anything
    assert [s.data.get("edition") for s in p.snapshots.filter(published=True).order_by("version")] == [1, 2]
    assert datetime.date.fromisoformat(
        p.snapshots.filter(published=True).order_by("version").last().data["decision"]["date"]
    ) == datetime.date(2023, 3, 1)
