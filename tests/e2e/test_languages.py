"""Two languages in Chromium: the switch, <html lang>, English pages in English, Vietnamese
pages without English left, and Vietnamese formats for numbers and dates."""

import re

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from playwright.sync_api import expect

from core.models import Notification
from tests.e2e.conftest import as_user, log_in
from tests.e2e.test_accessibility import main_pages

pytestmark = pytest.mark.browser

VIETNAMESE_LETTERS = re.compile(
    "[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE
)
# Vietnamese that an English page keeps on purpose: the product's name, and the Vietnamese
# term glossed after its English name (DOMAIN.md's words).
KEPT_IN_ENGLISH = ["Thi đua", "(sơ kết)", "(tổng kết)"]
# Words of the English interface that a complete Vietnamese catalogue leaves nowhere in the
# Vietnamese pages (whole words, case-sensitive: data such as "PDF" or "SHA-256" is not here).
ENGLISH_WORDS = [
    "Log out",
    "Password",
    "Language",
    "To do",
    "Save",
    "Cancel",
    "Sign",
    "Results",
    "Submit",
    "Status",
    "Agreement",
    "Cluster",
    "Clusters",
    "Units",
    "Members",
    "Search",
    "Edit",
    "Remove",
    "Add",
    "Vote",
    "Proposal",
    "Decision",
    "Points",
    "points",
    "Total",
    "Review",
    "Deadline",
    "Draft",
    "Download",
    "Skip to content",
    "Second factor",
    "Change",
    "Show",
    "the",
    "and",
    "of",
]
# Where the interface speaks (data such as names and criteria is subtracted from these).
INTERFACE = (
    "header nav a, header nav button, header nav label, main h1, main h2, main h3, main h4,"
    " main th, main label, main legend, main summary, main button, main .btn, main caption,"
    " main dt, footer"
)


def data_strings():
    """Every text the demo's database holds (names, titles, criteria...), longest first."""
    found = set()
    for label in ("clusters", "agreements", "awards", "auth"):
        for model in apps.get_app_config(label).get_models():
            fields = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField) and not f.choices
            ]
            for row in model.objects.values_list(*fields) if fields else ():
                for value in row:
                    for line in str(value or "").splitlines():
                        if len(line.strip()) > 1:
                            found.add(line.strip())
    # A notification is the copy of an e-mail, kept in the language it was sent in (Vietnamese).
    found.update(Notification.objects.values_list("title", flat=True))
    return sorted(found, key=len, reverse=True)


@pytest.fixture
def demo_year(live_stage):
    return live_stage("decided")


def test_the_switch_changes_the_language_and_html_lang(page, live_server, live_world):
    base = live_server.url
    log_in(page, base, "dongda")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.select_option("#language-switch", "en")
    page.click("form[action$='/i18n/setlang/'] button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(re.escape(base + reverse("dashboard")) + "$"))
    expect(page.locator("header nav")).to_contain_text("To do")
    expect(page.locator("header form[action$='/accounts/logout/'] button")).to_have_text("Log out")
    # The choice sticks to the next page, and switching back returns to Vietnamese.
    page.goto(base + reverse("clusters:cluster_year", args=[live_world.cluster_year.pk]))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.select_option("#language-switch", "vi")
    page.click("form[action$='/i18n/setlang/'] button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page).to_have_url(
        re.compile(re.escape(reverse("clusters:cluster_year", args=[live_world.cluster_year.pk])))
    )
    expect(page.locator("header nav")).not_to_contain_text("To do")


ENGLISH = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ENGLISH_WORDS)) + r")(?![\w-])")


def vietnamese_interface_text(page, data):
    """Vietnamese text in the interface of the current (English) page, data subtracted."""
    texts = page.evaluate(
        f"""() => [...document.querySelectorAll({INTERFACE!r})]
            .filter(e => !e.closest('[lang]:not(html)') && e.getClientRects().length)
            .map(e => e.innerText)"""
    )
    found = []
    for text in texts:
        for value in data + KEPT_IN_ENGLISH:
            text = text.replace(value, " ")
        if VIETNAMESE_LETTERS.search(text):
            found.append(" ".join(text.split())[:150])
    return found


def english_words(page, data):
    """English interface words on the current (Vietnamese) page, data subtracted."""
    text = page.locator("body").inner_text()
    for value in data:
        text = text.replace(value, " ")
    return sorted(set(ENGLISH.findall(text)))


def test_each_language_speaks_only_itself_on_the_main_pages(page, live_server, demo_year):
    """English pages: no Vietnamese interface text. Vietnamese pages: no English left (this
    part waits for the complete Vietnamese catalogue). Points and dates in each format."""
    base, data = live_server.url, data_strings()
    leftovers = []
    for language in ("en", "vi"):
        current = object()
        for username, what, path in main_pages(demo_year):
            if username != current:
                as_user(page, base, username, language)
                current = username
            page.goto(base + path)
            expect(page.locator("html")).to_have_attribute("lang", language)
            if language == "en":
                leftovers += [f"en {what}: {t!r}" for t in vietnamese_interface_text(page, data)]
            elif found := english_words(page, data):
                leftovers.append(f"vi {what} {path}: {', '.join(found)}")
    assert not leftovers, "\n".join(sorted(set(leftovers)))

    # Points with a decimal comma in Vietnamese (101,8), a decimal point in English.
    results = base + reverse("results:period", args=[demo_year.period.pk])
    as_user(page, base, "dongda", "vi")
    page.goto(results)
    table = page.locator("#results-table")
    expect(table).to_contain_text("101,8")
    expect(table).not_to_contain_text("101.8")
    expect(page.locator("main")).to_contain_text("22/12/2020")  # the lock date, dd/mm/yyyy
    as_user(page, base, "dongda", "en")
    page.goto(results)
    expect(table).to_contain_text("101.8")
    expect(table).not_to_contain_text("101,8")


ADD_BUTTON = """text => document.querySelector('main').append(
    Object.assign(document.createElement('button'), {textContent: text}))"""


def test_the_checks_see_a_leftover(page, live_server, live_world):
    """A Vietnamese button on an English page and an English one on a Vietnamese page."""
    base = live_server.url
    as_user(page, base, None, "en")
    page.goto(base + reverse("login"))
    assert vietnamese_interface_text(page, []) == []
    page.evaluate(ADD_BUTTON, "Lưu lại")
    assert vietnamese_interface_text(page, []) == ["Lưu lại"]
    as_user(page, base, None, "vi")
    page.goto(base + reverse("login"))
    page.evaluate(ADD_BUTTON, "Save")
    assert "Save" in english_words(page, [])
