"""In Chromium: the top menu stays on one row at 1280 and 1366 px (the parent body's staff have
the most entries), words are never split, and below it collapses behind the toggler."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, log_in

pytestmark = pytest.mark.browser

ONE_ROW = 70  # px: the navbar's height with a single row of entries (two rows measure ~90)


@pytest.mark.parametrize("width", [1280, 1366])
def test_the_menu_is_one_row_at_desktop_widths(page, live_server, live_world, shots, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server.url, "bantt")
    height = page.evaluate("document.querySelector('header .navbar').offsetHeight")
    shots(page, f"menu-{width}")
    assert height <= ONE_ROW, f"the menu is {height} px high at {width} px"
    # No entry wraps inside itself ("Việc cần / làm").
    wrapped = page.evaluate(
        "[...document.querySelectorAll('header .nav-link, header .btn')]"
        ".filter(e => e.offsetParent && e.getClientRects().length > 1"
        " || (e.offsetParent && e.offsetHeight > 45)).map(e => e.textContent.trim())"
    )
    assert wrapped == []
    page.click("#manage-menu")
    expect(page.locator("[aria-labelledby=manage-menu] a").first).to_be_visible()
    page.click("#account-menu")
    expect(page.locator("[aria-labelledby=account-menu] a").first).to_be_visible()


def test_below_it_collapses_behind_the_toggler(page, live_server, live_world, shots):
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "bantt")
    expect(page.locator("#main-nav")).not_to_be_visible()
    assert page.evaluate("document.querySelector('header .navbar').offsetHeight") <= ONE_ROW
    page.click("button.navbar-toggler")
    expect(page.locator("#main-nav")).to_be_visible()
    expect(page.locator("header form[action$='/accounts/logout/'] button")).to_be_in_viewport()
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shots(page, "menu-phone-open")
