"""Regenerate the screenshots of the web application's main pages into docs/screenshots/.

Runs the demo on a throw-away SQLite database, walks the cycle (reporting, appraisal, explanation,
publication) and photographs each main page in headless Chromium (Debian's /usr/bin/chromium), at a
desktop width and, for the public ranking, a phone width.

    .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
state = tempfile.mkdtemp(prefix="xephang-shots-")
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "xephang.web.settings",
        "XEPHANG_DEBUG": "1",
        "XEPHANG_STATE_DIR": state,
        # Playwright runs an event loop in this thread; the ORM calls here are plain and sequential.
        "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
    }
)
sys.path.insert(0, str(ROOT / "src"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    import datetime

    from playwright.sync_api import sync_playwright

    from xephang.web import publication, workflow
    from xephang.web.demo import load_demo, sample_texts
    from xephang.web.models import Period, Status, Submission, Unit

    call_command("migrate", verbosity=0)
    load_demo()
    period = Period.objects.get(year=2021)
    own = Unit.objects.get(name="Sở Thông tin và Truyền thông")
    fw = period.framework.load()
    texts = sample_texts(fw, own.group.code, random.Random(5))
    sub = Submission.objects.get(period=period, unit=own)
    # Half the form filled, as a reporter mid-way.
    sub.values = dict(list(texts.items())[:20])
    sub.save()

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])

            def shoot(name, path, user=None, width=1280, full=True, before=None):
                ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
                page = ctx.new_page()
                if user:
                    page.goto(f"{base}/dang-nhap/")
                    page.fill("#id_username", user)
                    page.fill("#id_password", "xephang-demo")
                    page.click("button[type=submit]")
                page.goto(base + path)
                if before:
                    before(page)
                page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)
                ctx.close()
                print(OUT / f"{name}.png")

            shoot("01-trang-chu", "/")
            shoot("02-ket-qua-2020", f"/ket-qua/{Period.objects.get(year=2020).pk}/")
            shoot("03-ket-qua-2020-dien-thoai", f"/ket-qua/{Period.objects.get(year=2020).pk}/", width=390)

            def type_one(page):
                page.fill("#v_so_cbccvc", texts["so_cbccvc"])
                page.wait_for_selector("[data-testid=self-total]")

            shoot("04-bao-cao-don-vi", f"/ky/{period.pk}/bao-cao/{own.pk}/", user="baocao", full=False, before=type_one)

            # Evidence uploaded in place beside a criterion (htmx), then the missing-evidence warning.
            pdf = Path(state) / "ke-hoach-cntt-2022.pdf"
            pdf.write_bytes(b"%PDF-1.4\n% screenshot\n")

            def upload_in_place(page):
                page.fill("#v_so_cbccvc", texts["so_cbccvc"])
                block = page.locator("#ev-may_tinh")
                block.locator("summary").click()
                page.set_input_files("#evf-may_tinh-file", str(pdf))
                page.fill("#evf-may_tinh-locator", "trang 2")
                block.get_by_role("button", name="Tải lên cho tiêu chí này").click()
                page.wait_for_selector("#ev-may_tinh >> text=Đã tải lên")
                page.locator("#i-so_cbccvc").scroll_into_view_if_needed()

            shoot(
                "17-minh-chung-tai-cho",
                f"/ky/{period.pk}/bao-cao/{own.pk}/",
                user="baocao",
                full=False,
                before=upload_in_place,
            )
            shoot(
                "18-thieu-minh-chung",
                f"/ky/{period.pk}/bao-cao/{own.pk}/",
                user="baocao",
                full=False,
                before=lambda page: page.locator("#thieu-minh-chung").scroll_into_view_if_needed(),
            )

            # The coordinator's board the day after the deadline: one unit extended, one reminded.
            import datetime as dt

            from django.utils import timezone

            from xephang.web import progress

            admin = __import__("django.contrib.auth", fromlist=["x"]).get_user_model().objects.get(username="quantri")
            deadline = period.deadline
            period.deadline = timezone.localdate() - dt.timedelta(days=1)
            period.save()
            late = [r for r in progress.board(period) if r.late]
            progress.extend_deadline(
                period,
                late[0].unit,
                timezone.localdate() + dt.timedelta(days=5),
                "Đơn vị đề nghị do thay đổi cán bộ phụ trách",
                admin,
            )
            progress.remind(period, [r for r in late if r.unit == own], admin, base)
            shoot("19-tien-do", f"/ky/{period.pk}/tien-do/", user="quantri", full=False)

            def extension_error(page):
                page.fill("#id_until", (timezone.localdate() + dt.timedelta(days=7)).strftime("%d/%m/%Y"))
                with page.expect_navigation():
                    page.get_by_role("button", name="Gia hạn").click()

            shoot(
                "20-gia-han",
                f"/ky/{period.pk}/tien-do/{late[1].unit.pk}/gia-han/",
                user="quantri",
                before=extension_error,
            )
            period.deadline = deadline
            period.save()
            shoot("22-tao-ky-moi", f"/ky/moi/?tu={period.pk}", user="quantri", full=False)

            import openpyxl

            accounts = Path(state) / "tai-khoan.xlsx"
            wb = openpyxl.Workbook()
            wb.active.append(["Đơn vị", "Họ tên", "Thư điện tử", "Vai trò"])
            wb.active.append(["Sở Y tế", "Nguyễn Văn A", "nguyenvana@syt.example", "Cán bộ báo cáo"])
            wb.active.append(["Sở Không Có", "Trần Thị B", "tranthib@example", "Cán bộ báo cáo"])
            wb.active.append(["", "Lê Văn C", "nguyenvana@syt.example", "Thủ trưởng"])
            wb.save(accounts)

            def import_with_errors(page):
                page.set_input_files("#id_xlsx", str(accounts))
                with page.expect_navigation():
                    page.get_by_role("button", name="Nhập và gửi thư mời").click()

            shoot("23-nhap-tai-khoan", "/tai-khoan/nhap/", user="quantri", before=import_with_errors)
            shoot("24-thong-tin-tinh", "/cai-dat/", user="quantri")

            # One form per account: a verifying agency's account (Sở Nội vụ), first refused without its agency.
            def verifier_without_agency(page):
                page.fill("#id_full_name", "Lê Văn Xác")
                page.fill("#id_username", "xacminh2")
                page.fill("#id_email", "xacminh2@snv.example")
                page.select_option("#id_role", "verifier")
                with page.expect_navigation():
                    page.get_by_role("button", name="Tạo tài khoản và gửi thư mời").click()

            shoot("25-tao-tai-khoan-loi", "/tai-khoan/moi/", user="quantri", before=verifier_without_agency)
            from xephang.web import verification

            checker = admin.__class__.objects.get(username="xacminh")  # the demo's verifying agency (Sở Nội vụ)
            shoot("26-tai-khoan", "/tai-khoan/", user="quantri", full=False)
            verification.assign(period, admin, {"nhan_luc": checker})
            shoot("27-giao-xac-minh", f"/ky/{period.pk}/xac-minh/", user="quantri", full=False)
            sub.values = texts
            sub.state = Submission.State.SUBMITTED
            sub.save()
            appraiser = admin.__class__.objects.get(username="thamdinh")
            workflow.transition(period, admin, Status.APPRAISAL)
            workflow.appraise(sub, appraiser, "so_cbccvc", True, "", "")
            workflow.appraise(
                sub,
                appraiser,
                "so_cbccvc_co_may_tinh",
                False,
                str(int(texts["so_cbccvc_co_may_tinh"]) - 5),
                "Sổ tài sản chỉ ghi nhận số máy đã bàn giao",
            )
            workflow.appraise(
                sub,
                checker,
                "so_cbccvc_dat_chuan_cntt",
                False,
                str(max(0, int(texts["so_cbccvc_dat_chuan_cntt"]) - 3)),
                "Ba người chưa có chứng chỉ hợp lệ",
            )
            shoot(
                "28-tham-dinh-co-quan-xac-minh",
                f"/ky/{period.pk}/tham-dinh/{own.pk}/",
                user="xacminh",
                full=False,
                before=lambda page: page.locator("[data-testid=verifier-nhan_luc]").scroll_into_view_if_needed(),
            )
            shoot("05-tham-dinh-tien-do", f"/ky/{period.pk}/tham-dinh/", user="thamdinh")
            shoot("06-tham-dinh-don-vi", f"/ky/{period.pk}/tham-dinh/{own.pk}/", user="thamdinh", full=False)

            def adjust_without_reason(page):
                page.fill("#val-so_may_tinh", "30")
                page.locator("#i-so_may_tinh").get_by_role("button", name="Điều chỉnh").click()
                page.wait_for_selector("#err-rs-so_may_tinh")
                page.locator("#i-so_may_tinh").scroll_into_view_if_needed()

            shoot(
                "21-tham-dinh-loi-canh-o",
                f"/ky/{period.pk}/tham-dinh/{own.pk}/",
                user="thamdinh",
                full=False,
                before=adjust_without_reason,
            )
            workflow.transition(period, admin, Status.EXPLANATION)
            shoot("07-giai-trinh", f"/ky/{period.pk}/giai-trinh/{own.pk}/", user="baocao")
            shoot("08-bang-dieu-khien", "/bang-dieu-khien/", user="lanhdao")
            # the leaders' analysis of the 2025 sample period (against 2020, through
            # the lineage), a unit's road to the next level, the decision's metadata form.
            p2025 = Period.objects.get(year=2025)
            shoot("13-phan-tich-2025", f"/ky/{p2025.pk}/phan-tich/", user="lanhdao")
            below = _below_top(p2025)
            shoot(
                "14-don-vi-2025-muc-ke-tiep",
                f"/ket-qua/{p2025.pk}/don-vi/{below.pk}/",
                full=False,
                before=lambda page: page.locator("#muc-ke-tiep").scroll_into_view_if_needed(),
            )
            shoot(
                "15-thong-tin-quyet-dinh",
                f"/ky/{Period.objects.get(year=2020).pk}/thong-tin-quyet-dinh/",
                user="quantri",
            )
            shoot(
                "16-phan-tich-2020-sai-so",
                f"/ky/{Period.objects.get(year=2020).pk}/phan-tich/?sai-so=0,5",
                user="lanhdao",
                full=False,
            )
            # freezing: the units without a report first, recorded under the criteria set's rule
            shoot("17-ky-chua-du-bao-cao", f"/ky/{period.pk}/", user="quantri", full=False)
            shoot("18-don-vi-khong-bao-cao", f"/ky/{period.pk}/khong-bao-cao/", user="quantri", full=False)
            publication.record_non_reporting(
                period, admin, publication.missing_units(period), "Quá hạn báo cáo ngày 15/01, đã nhắc bằng văn bản"
            )
            workflow.transition(period, admin, Status.FINAL)
            # the draft for the leaders, then publication with the signed decision (a bad submit shown)
            shoot("19-du-thao-ket-qua", f"/ky/{period.pk}/du-thao/", user="lanhdao", full=False)

            def bad_publish(page):
                page.fill("#id_date", "31/02/2022")
                page.get_by_role("button", name="Công bố kết quả").click()
                page.wait_for_selector(".error-text[role=alert]")

            shoot("20-cong-bo", f"/ky/{period.pk}/cong-bo/", user="quantri", before=bad_publish)
            workflow.publish(period, admin, number="76", date=datetime.date(2022, 2, 5))
            # a correction after publication: one unit reappraised, published as version 2
            shoot("21-dinh-chinh", f"/ky/{period.pk}/dinh-chinh/", user="quantri", full=False)
            publication.reopen(period, admin, [own], "Sở TTTT: số cán bộ nhập thiếu")
            period.appraisers.add(appraiser)
            workflow.appraise(
                sub,
                appraiser,
                "so_cbccvc",
                False,
                str(int(texts["so_cbccvc"]) + 40),
                "Biên chế năm 2021 theo quyết định giao biên chế",
            )
            for to in (Status.EXPLANATION, Status.FINAL):
                workflow.transition(period, admin, to)
            workflow.publish(
                period, admin, "Sở TTTT: số cán bộ nhập thiếu", number="97", date=datetime.date(2022, 3, 1)
            )
            shoot(
                "22-ket-qua-phien-ban-2",
                f"/ket-qua/{period.pk}/",
                full=False,
                before=lambda page: page.locator("#thay-doi").scroll_into_view_if_needed(),
            )
            shoot("09-ket-qua-2021", f"/ket-qua/{period.pk}/")
            shoot("10-don-vi", f"/ket-qua/{period.pk}/don-vi/{own.pk}/")
            shoot("11-nhat-ky", "/nhat-ky/", user="quantri", full=False)
            shoot("12-bo-tieu-chi", "/bo-tieu-chi/?xem=thanhhoa-2016", user="quantri", full=False)
            browser.close()
    finally:
        server.terminate()
        server.wait(10)


def _below_top(period):
    """A unit of the period below the top level with criteria to improve (for the road screenshot)."""
    from xephang.analysis import road_to_next_level
    from xephang.web.analysis import published_scores
    from xephang.web.models import Unit

    ps = published_scores(period)
    gap = next(g for g in road_to_next_level(ps.ranking) if g.opportunities)
    return Unit.objects.get(name=gap.name)


if __name__ == "__main__":
    main()
