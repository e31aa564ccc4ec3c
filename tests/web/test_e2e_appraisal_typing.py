"""An appraiser's typing is not lost by the page redrawing itself: in a real headless Chromium, the
appraisal page redraws after each figure's decision (htmx), and a decision typed on another figure but
not yet sent keeps its text, whether that decision was refused or saved; leaving the page with such text
asks first (the browser's "leave site?"), and once sent the page leaves freely."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_e2e import CHROMIUM, _login
from .test_e2e_unsaved import _leave

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _decide(page, input_id):
    """Click the figure's "Điều chỉnh" and wait until htmx has redrawn the page."""
    page.evaluate("window.redrawn = false; document.addEventListener('htmx:afterSettle', () => window.redrawn = true)")
    page.locator(f"#i-{input_id}").get_by_role("button", name="Điều chỉnh").click()
    page.wait_for_function("window.redrawn")


def test_a_decision_typed_on_one_figure_survives_the_decision_on_another(live_server, browser, demo):
    from xephang.web import workflow
    from xephang.web.models import Status

    period = demo["open"]
    workflow.transition(period, demo["quantri"], Status.APPRAISAL)
    page = _login(browser, live_server.url, "thamdinh")
    url = f"{live_server.url}/ky/{period.pk}/tham-dinh/{demo['other'].pk}/"
    page.goto(url)

    # Typed on one figure, not sent.
    page.fill("#val-so_may_tinh", "100")
    page.fill("#rs-so_may_tinh", "Kiểm kê thực tế 100 máy")
    # Another figure adjusted without a reason: refused beside it, its own text kept...
    page.fill("#val-bang_thong_internet", "50")
    _decide(page, "bang_thong_internet")
    assert "phải ghi rõ lý do" in page.locator("#i-bang_thong_internet").inner_text()
    assert page.input_value("#val-bang_thong_internet") == "50"
    # ... and the first figure's text is still there.
    assert page.input_value("#val-so_may_tinh") == "100"
    assert page.input_value("#rs-so_may_tinh") == "Kiểm kê thực tế 100 máy"

    # The other figure saved with its reason: the first figure's text still there, and unsent.
    page.fill("#rs-bang_thong_internet", "Hợp đồng ghi 50 Mbps")
    _decide(page, "bang_thong_internet")
    assert "Điều chỉnh thành 50" in page.locator("#i-bang_thong_internet").inner_text()
    assert page.input_value("#rs-so_may_tinh") == "Kiểm kê thực tế 100 máy"
    assert _leave(page, "← Thẩm định") == ["beforeunload"]
    assert page.input_value("#val-so_may_tinh") == "100"

    # Sent: saved, and nothing is left to lose.
    _decide(page, "so_may_tinh")
    assert "Điều chỉnh thành 100" in page.locator("#i-so_may_tinh").inner_text()
    assert _leave(page, "← Thẩm định") == []
    page.context.close()


def test_deciding_an_explanation_without_a_reason_says_so_in_vietnamese_beside_it(live_server, browser, demo):
    """The browser's own "fill out this field" bubble (in the browser's language, gone in a moment) does
    not stand in for the form's message: the server's Vietnamese error shows under the reason."""
    from xephang.web import workflow
    from xephang.web.models import Status, Submission

    period, admin = demo["open"], demo["quantri"]
    workflow.transition(period, admin, Status.APPRAISAL)
    sub = Submission.objects.get(period=period, unit=demo["other"])
    adj = workflow.appraise(sub, demo["thamdinh"], "so_may_tinh", False, "100", "Kiểm kê thực tế 100 máy")
    workflow.transition(period, admin, Status.EXPLANATION)
    workflow.explain(adj, admin, "Có 103 máy: 3 máy mượn của dự án.")

    page = _login(browser, live_server.url, "thamdinh")
    page.goto(f"{live_server.url}/ky/{period.pk}/tham-dinh/{demo['other'].pk}/")
    with page.expect_navigation():
        page.locator("#i-so_may_tinh").get_by_role("button", name="Chấp nhận giải trình").click()
    box = page.locator("#i-so_may_tinh")
    assert "Chưa lưu quyết định về giải trình" in page.content()
    assert box.locator(".error-text[role=alert]").inner_text().strip()
    page.context.close()
