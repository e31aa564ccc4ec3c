"""A reporter's typing is not lost by a wrong click: in a real headless Chromium, leaving the report
form with figures typed but not saved asks first (the browser's "leave site?"), and staying keeps
them; once saved, the form leaves without asking."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from .test_e2e import CHROMIUM, _login

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _leave(page, link: str = "Trang chủ") -> list[str]:
    """Click the link (by default "← Trang chủ") and say which dialogs the browser raised (each
    dismissed: stay)."""
    asked: list[str] = []
    page.on("dialog", lambda d: (asked.append(d.type), d.dismiss()))
    page.locator("main a", has_text=link).first.click(no_wait_after=True)
    time.sleep(1)
    return asked


def test_leaving_the_report_with_unsaved_figures_asks_and_staying_keeps_them(live_server, browser, demo):
    page = _login(browser, live_server.url, "baocao")
    form = f"{live_server.url}/ky/{demo['open'].pk}/bao-cao/{demo['own'].pk}/"
    page.goto(form)
    page.fill("#v_so_cbccvc", "150")
    assert _leave(page) == ["beforeunload"]
    assert page.url == form and page.input_value("#v_so_cbccvc") == "150"

    with page.expect_navigation():
        page.get_by_role("button", name="Lưu bản nháp").click()
    assert page.input_value("#v_so_cbccvc") == "150"
    assert _leave(page) == []  # saved: nothing to lose
    page.context.close()
