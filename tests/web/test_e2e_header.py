"""The page header in a real headless Chromium at a desktop, a small laptop and a phone width: the
account's name and "Đăng xuất" stay together on one line, no menu link breaks inside its words, and on a
desktop the header is two rows (the name and the account, then the menu) even for the administrator's
longest menu."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_e2e import CHROMIUM

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _boxes(browser, base, username, width):
    ctx = browser.new_context(viewport={"width": width, "height": 800}, locale="vi-VN")
    page = ctx.new_page()
    page.goto(f"{base}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("xephang-demo")
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()
    header = page.locator("header.top")
    name = header.get_by_title("Đổi mật khẩu").bounding_box()
    logout = header.get_by_role("button", name="Đăng xuất")
    line = float(logout.evaluate("b => parseFloat(getComputedStyle(b).lineHeight)"))
    menu = [a.bounding_box() for a in header.locator("nav a").all()]
    boxes = {
        "header": header.bounding_box(),
        "name": name,
        "logout": logout.bounding_box(),
        "line": line,
        "menu": menu,
        "menu_line": float(header.locator("nav a").first.evaluate("a => parseFloat(getComputedStyle(a).lineHeight)")),
    }
    ctx.close()
    return boxes


@pytest.mark.parametrize("width", [1280, 1024, 390])
@pytest.mark.parametrize("username", ["quantri", "baocao"])
def test_logout_stays_beside_the_name_and_menu_links_do_not_break(live_server, browser, username, width):
    b = _boxes(browser, live_server.url, username, width)
    name, logout = b["name"], b["logout"]
    # Same line: the button's vertical middle falls within the name's line box.
    middle = logout["y"] + logout["height"] / 2
    assert name["y"] <= middle <= name["y"] + name["height"], (name, logout)
    assert logout["x"] > name["x"] + name["width"]
    # "Đăng xuất" on one line inside its button (one line of text plus the button's padding and border).
    assert logout["height"] < 2 * b["line"], logout
    for box in b["menu"]:
        assert box["height"] < 1.5 * b["menu_line"], box
    # Within the page's width: nothing pushed off to the right.
    assert logout["x"] + logout["width"] <= width
    if width >= 1024:
        # Two rows: the site's name with the account, then the menu on one line.
        assert len({round(box["y"]) for box in b["menu"]}) == 1
        assert b["header"]["height"] < 3 * b["menu_line"] + 30, b["header"]
