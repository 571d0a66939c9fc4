"""In Chromium: a page asked for again comes from the session's copy, and never outlives a change.

The live server runs outside any test transaction, so the copies of core/pagecache.py are on:
reloading the cluster year's page is answered from the copy (X-Page-Cache: hit) once nothing has
been committed in between; a change committed by somebody else ends it at once, and the forms
of a copied page still pass the CSRF check (the language switch below).
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clusters import services
from core.pagecache import HEADER
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.browser


def reload_until_copy(page, attempts=60):
    """Reload until the server answers from the copy (other workers' commits end copies too)."""
    for _ in range(attempts):
        response = page.reload()
        if response.headers.get(HEADER.lower()) == "hit":
            return response
    raise AssertionError("the page was never served from its copy")


def test_a_reload_is_served_from_the_copy_until_somebody_changes_something(
    page, live_server, live_world, shots
):
    world, base = live_world, live_server.url
    log_in(page, base, "bantt")
    first = page.goto(base + reverse("clusters:cluster_year", args=[world.cluster_year.pk]))
    assert first.status == 200
    expect(page.locator("h1")).to_contain_text(world.cluster.name)

    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    hit = reload_until_copy(page)
    assert re.search(r"'nonce-[^']+'", hit.headers["content-security-policy"])
    # The copy's scripts carry this response's nonce: they ran, and the policy refused nothing.
    assert page.evaluate("typeof htmx === 'object' && typeof bootstrap === 'object'")
    assert not violations, violations
    shots(page, "served-from-the-copy")

    # Somebody else renames the cluster: the next reload is rendered again and shows it.
    cluster = type(world.cluster).objects.get(pk=world.cluster.pk)
    services.cluster_update(
        actor=world.user("admin"),
        cluster=cluster,
        expected_version=cluster.version,
        name="Cụm thi đua số 1 — đổi tên",
    )
    fresh = page.reload()
    assert fresh.headers.get(HEADER.lower()) == "stored"
    expect(page.locator("h1")).to_contain_text("Cụm thi đua số 1 — đổi tên")

    # A form of a copied page still works: switch to English from a copy.
    reload_until_copy(page)
    page.select_option("select[name=language]", "en")
    page.locator("form[action$='/i18n/setlang/'] button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shots(page, "english-from-a-copy")
