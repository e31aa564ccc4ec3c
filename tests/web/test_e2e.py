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
    ctx = browser.new_context(locale="vi-VN", accept_downloads=True)
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
    with page.expect_navigation():  # the form posts and the page reloads
        page.get_by_role("button", name=re.compile("Chuyển sang")).click()
    assert page.get_by_test_id("period-status").inner_text() == expected
    page.context.close()


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
    page = _login(browser, base, "thamdinh")
    page.goto(f"{base}/ky/{period.pk}/tham-dinh/{own.pk}/")
    before = page.get_by_test_id("appraised-total").inner_text()
    page.fill("#val-so_cbccvc_co_may_tinh", "0")
    page.fill("#rs-so_cbccvc_co_may_tinh", "Sổ tài sản không ghi máy tính")
    page.locator("#i-so_cbccvc_co_may_tinh").get_by_role("button", name="Điều chỉnh").click()
    page.wait_for_function(f"document.querySelector('[data-testid=appraised-total]').innerText !== '{before}'")
    assert Adjustment.objects.get(input_id="so_cbccvc_co_may_tinh").reason == "Sổ tài sản không ghi máy tính"
    page.context.close()

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

    # 4. Final, then published.
    _advance(browser, base, period.pk, "Đã chốt kết quả")
    _advance(browser, base, period.pk, "Đã công bố")

    # 5. The public sees the ranking (with the SHA-256) and downloads the results.
    ctx = browser.new_context(accept_downloads=True)
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
