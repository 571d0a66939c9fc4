"""At a phone's size (375×812): the dashboard, the signing page and the results page scroll
only vertically, and every action on them can be reached."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, as_user, log_in
from tests.e2e.test_accessibility import LANGUAGES

pytestmark = pytest.mark.browser

# Controls that are outside the screen's width and not inside a box that scrolls sideways.
UNREACHABLE = """() => {
    const width = document.documentElement.clientWidth;
    const scrolls = e => {
        for (let box = e.parentElement; box; box = box.parentElement) {
            const overflow = getComputedStyle(box).overflowX;
            if ((overflow === 'auto' || overflow === 'scroll') && box.scrollWidth > box.clientWidth)
                return true;
        }
        return false;
    };
    return [...document.querySelectorAll(
        'main a[href], main button, main select, main textarea, main input:not([type=hidden])')]
        .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
        .filter(e => { const r = e.getBoundingClientRect();
                       return (r.left < -1 || r.right > width + 1) && !scrolls(e); })
        .map(e => e.outerHTML.slice(0, 140));
}"""


@pytest.fixture
def phone(browser, browser_context_args):
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE, "has_touch": True})
    yield context.new_page()
    context.close()


def phone_pages(world):
    return [
        ("dongda", "dashboard", reverse("dashboard")),
        ("hoankiem", "signing page", reverse("agreements:sign", args=[world.agreement_2021.pk])),
        ("dongda", "results page", reverse("results:period", args=[world.period.pk])),
    ]


def test_no_sideways_scroll_and_every_action_reachable(phone, live_server, live_stage, shots):
    world, base = live_stage("decided"), live_server.url
    problems = []
    for language in LANGUAGES:
        for username, what, path in phone_pages(world):
            as_user(phone, base, username, language)
            phone.goto(base + path)
            scroll, client = phone.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if scroll > client:
                problems.append(f"[{language}] {what}: {scroll}px wide on a {client}px screen")
            problems += [f"[{language}] {what}: {e}" for e in phone.evaluate(UNREACHABLE)]
            shots(phone, f"{language}-{what.replace(' ', '-')}")
    assert not problems, "\n".join(problems)


def test_the_menu_opens_on_a_phone(phone, live_server, live_world):
    """The main menu folds behind its button; opened, its links fit the screen."""
    base = live_server.url
    log_in(phone, base, "bantt")
    menu = phone.locator("#main-nav")
    expect(menu).to_be_hidden()
    toggler = phone.locator("button.navbar-toggler")
    expect(toggler).to_have_attribute("aria-expanded", "false")
    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(menu.locator(f"a[href='{reverse('clusters:cluster_year_list')}']")).to_be_visible()
    expect(menu.locator("form[action$='/accounts/logout/'] button")).to_be_visible()
    # The grouped entries (management, the account's pages) open in place and fit too.
    for group in ("#manage-menu", "#account-menu"):
        phone.click(group)
        items = phone.locator(f"[aria-labelledby={group[1:]}] a")
        expect(items.first).to_be_visible()
        for item in items.all():
            box = item.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1
        phone.click(group)
    for link in menu.locator("a, button, select").all():
        if not link.is_visible():
            continue  # inside a closed group, checked above
        box = link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1


def test_the_checks_see_a_control_off_the_screen(phone, live_server, live_world):
    phone.goto(live_server.url + reverse("login"))
    phone.evaluate(
        "() => { const b = document.createElement('button'); b.textContent = 'x';"
        " b.style.marginLeft = '600px';"
        " document.querySelector('main').append(b); }"
    )
    assert phone.evaluate("document.documentElement.scrollWidth") > PHONE["width"]
    assert any("<button" in e for e in phone.evaluate(UNREACHABLE))
