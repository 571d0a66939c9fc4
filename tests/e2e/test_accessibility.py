"""Accessibility in Chromium: axe-core on every main page in both languages, labelled forms,
announced errors, and signing with the keyboard only.

axe-core comes from node_modules (npm) and is injected by the test into a context that
bypasses the site's CSP; the site itself never loads it.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from demo.foundation import DEMO_PASSWORD
from tests.e2e.conftest import as_user, log_in, run_axe

pytestmark = pytest.mark.browser

LANGUAGES = ("vi", "en")


def main_pages(world):
    """(who looks, what, address) of every main page of the demo year; None: logged out."""
    from agreements.models import Agreement
    from agreements.signing.models import Seal
    from awards.models import Proposal, VoteSession
    from results.models import Assessment

    agreement = world.agreement
    template = Agreement.objects.get(kind=Agreement.Kind.TEMPLATE, template_year=2021)
    seal_code = Seal.objects.get(agreement=agreement).verification_code
    sheet = Assessment.objects.get(period=world.period, unit=world.unit("hoangmai"))
    vote = VoteSession.objects.filter(meeting=world.meeting).order_by("pk").first()
    proposal = Proposal.objects.get(cluster_year=world.cluster_year)
    cy = world.cluster_year.pk
    return [
        (None, "login", reverse("login")),
        (None, "verification", reverse("agreements:verify")),
        (None, "verification of a code", reverse("agreements:verify_code", args=[seal_code])),
        ("dongda", "dashboard", reverse("dashboard")),
        ("dongda", "cluster-year page", reverse("clusters:cluster_year", args=[cy])),
        ("dongda", "unit page", reverse("clusters:unit", args=[world.unit("dongda").pk])),
        ("dongda", "agreement page", agreement.get_absolute_url()),
        ("dongda", "signing status", reverse("agreements:signing", args=[agreement.pk])),
        ("dongda", "results page", reverse("results:period", args=[world.period.pk])),
        ("dongda", "self-assessment sheet", reverse("results:assessment", args=[sheet.pk])),
        ("dongda", "vote page", reverse("awards:vote", args=[vote.pk])),
        ("dongda", "vote and awards", reverse("awards:award_overview", args=[cy])),
        ("dongda", "notifications", reverse("notifications")),
        ("dongda", "calendar address", reverse("calendar_settings")),
        ("hoankiem", "signing page", reverse("agreements:sign", args=[world.agreement_2021.pk])),
        ("bantt", "cluster-year list", reverse("clusters:cluster_year_list")),
        ("bantt", "agreement editor", template.get_absolute_url()),
        ("bantt", "comparison", reverse("results:comparison", args=[world.parent.pk])),
        ("bantt", "proposal page", reverse("awards:proposal", args=[proposal.pk])),
        (
            "bantt",
            "awards of the year and the files' due dates",
            reverse("awards:parent_awards", args=[world.parent.pk, world.cluster_year.year]),
        ),
        ("bantt", "accounts list", reverse("accounts:list")),
    ]


@pytest.fixture
def demo_year(live_stage):
    return live_stage("decided")


UNNAMED_CONTROLS = """() => [...document.querySelectorAll('input, select, textarea')]
    .filter(e => !['hidden', 'submit', 'button', 'reset', 'image'].includes(e.type))
    .filter(e => !e.closest('[hidden]'))
    .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                 && !e.getAttribute('aria-labelledby') && !e.title)
    .map(e => e.outerHTML.slice(0, 120))"""


def test_no_serious_or_critical_violation_on_the_main_pages(axe_page, live_server, demo_year):
    """axe-core on every main page in both languages; beyond axe's rules, every visible
    input, select and textarea has an accessible name."""
    page, base = axe_page, live_server.url
    pages = main_pages(demo_year)
    problems = []
    for language in LANGUAGES:
        current = object()
        for username, what, path in pages:
            if username != current:
                as_user(page, base, username, language)
                current = username
            response = page.goto(base + path)
            assert response.status == 200, (what, language, response.status)
            expect(page.locator("html")).to_have_attribute("lang", language)
            problems += [f"[{language}] {what} {path}: {v}" for v in run_axe(page)]
            problems += [
                f"[{language}] {what}: no label for {html}"
                for html in page.evaluate(UNNAMED_CONTROLS)
            ]
    assert not problems, "\n".join(problems)


def test_the_checker_finds_a_violation(axe_page, live_server, live_world):
    """The checks really run: an image without a text alternative is a critical violation,
    an input without a label is found."""
    page = axe_page
    page.goto(live_server.url + reverse("login"))
    page.evaluate(
        "() => { const i = document.createElement('img'); i.src = '/x.png';"
        " document.querySelector('main').append(i); }"
    )
    assert any(" image-alt " in line for line in run_axe(page))
    page.evaluate("() => document.querySelector('main').append(document.createElement('input'))")
    assert page.evaluate(UNNAMED_CONTROLS) == ["<input>"]


def test_errors_are_announced(page, live_server, live_world):
    """A refused log-in is an alert; a field in error says so and points at its message."""
    base = live_server.url
    page.goto(base + reverse("login"))
    page.fill("input[name=username]", "dongda")
    page.fill("input[name=password]", "sai-mat-khau")
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    expect(page.locator("main [role=alert]").first).to_be_visible()

    # An empty required field on a create form: aria-invalid, and its message described by.
    log_in(page, base, "bantt")
    page.goto(base + reverse("clusters:plan_create"))
    page.click("main form button[type=submit]")
    invalid = page.locator("main form [aria-invalid=true]")
    expect(invalid.first).to_be_visible()
    for field in invalid.all():
        described = field.get_attribute("aria-describedby") or ""
        messages = [
            page.locator(f"[id='{ident}']").inner_text() for ident in described.split() if ident
        ]
        assert any(text.strip() for text in messages), field.evaluate("e => e.outerHTML")


def test_a_chair_signs_with_the_saved_signature_by_keyboard_only(live_server, page, live_stage):
    """Tab to each control, arrow keys in the radio group, Space and Enter: no mouse."""
    from agreements.signing import services as signing
    from agreements.signing.models import Signature
    from tests.agreements.signing.support import drawn_png

    world, base = live_stage("adopted"), live_server.url
    agreement = world.agreement
    signing.saved_signature_save(actor=world.user("hoankiem"), image=drawn_png(3))
    log_in(page, base, "hoankiem")
    page.goto(base + reverse("agreements:sign", args=[agreement.pk]))
    focus_by_tab(page, "input[name=method]")
    for _ in range(4):
        if page.evaluate("document.activeElement.value") == "saved":
            break
        page.keyboard.press("ArrowDown")
    expect(page.locator("input[name=method][value=saved]")).to_be_checked()
    expect(page.locator("[data-method-panel=saved] img")).to_be_visible()
    focus_by_tab(page, "input[name=password]")
    page.keyboard.type(DEMO_PASSWORD)
    focus_by_tab(page, "input[name=confirm]")
    page.keyboard.press("Space")
    focus_by_tab(page, "#sign-button")
    page.keyboard.press("Enter")
    expect(page).to_have_url(
        re.compile(re.escape(reverse("agreements:signing", args=[agreement.pk])) + "$")
    )
    signature = Signature.objects.get(agreement=agreement, unit=world.unit("hoankiem"))
    assert signature.method == Signature.Method.SAVED


def focus_by_tab(page, selector, limit=120):
    from tests.e2e.test_year_story import focus_by_tab as tab

    tab(page, selector, limit)


def other_roles_pages(world):
    """The main pages again as the other demo roles who open them: the parent body's staff and a
    member's chair."""
    cy = world.cluster_year.pk
    return [
        ("bantt", "dashboard", reverse("dashboard")),
        ("bantt", "cluster-year page", reverse("clusters:cluster_year", args=[cy])),
        ("bantt", "agreement page", world.agreement.get_absolute_url()),
        ("bantt", "results page", reverse("results:period", args=[world.period.pk])),
        ("bantt", "notifications", reverse("notifications")),
        ("hoankiem", "dashboard", reverse("dashboard")),
        ("hoankiem", "cluster-year page", reverse("clusters:cluster_year", args=[cy])),
        ("hoankiem", "unit page", reverse("clusters:unit", args=[world.unit("hoankiem").pk])),
        ("hoankiem", "agreement page", world.agreement.get_absolute_url()),
        ("hoankiem", "results page", reverse("results:period", args=[world.period.pk])),
        ("hoankiem", "vote and awards", reverse("awards:award_overview", args=[cy])),
        ("hoankiem", "notifications", reverse("notifications")),
    ]


def test_no_serious_or_critical_violation_for_every_role_at_both_sizes(
    axe_page, live_server, demo_year
):
    """axe-core on the main pages, as each demo role that opens them, at desktop (1280 px)
    and phone (375 px) size, in Vietnamese."""
    from tests.e2e.conftest import PHONE

    page, base = axe_page, live_server.url
    pages = sorted(main_pages(demo_year) + other_roles_pages(demo_year), key=lambda p: str(p[0]))
    problems = []
    for size in ({"width": 1280, "height": 900}, PHONE):
        page.set_viewport_size(size)
        current = object()
        for username, what, path in pages:
            if username != current:
                as_user(page, base, username, "vi")
                current = username
            response = page.goto(base + path)
            assert response.status == 200, (username, what, response.status)
            problems += [
                f"[{size['width']}px {username}] {what} {path}: {v}" for v in run_axe(page)
            ]
    assert not problems, "\n".join(problems)
