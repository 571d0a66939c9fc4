"""Browser tests: a live server on a transactional database, Chromium in Vietnamese.

Fixtures: `live_world` (the seed foundation), `live_stage(through)` (the demo story built
through a stage of demo/stages.py), `axe_page` (a page into which axe-core can be injected)
and `shots` (numbered screenshots of a test's steps under test-results/). Helpers that tests
import: `log_in`, `as_user`, `run_axe`, `reachable`, `URL`, `start_blank_agreement`.
"""

import json
import re
import shutil
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from agreements.models import Agreement
from demo.foundation import DEMO_PASSWORD

SCREENSHOTS = Path(settings.BASE_DIR) / "test-results"
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 375, "height": 812}


def _plain_static(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def reset_passwords(users):
    """Set the demo password again with the tests' hasher.

    The demo reuses one password hash across users, made with whatever hasher was active
    first (the process may have built a world with another hasher before).
    """
    for user in users:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])


@pytest.fixture
def live_world(transactional_db, live_server, settings):
    """The seed world, committed so that the live server's thread can read it."""
    from demo import foundation

    _plain_static(settings)
    world = foundation.build()
    reset_passwords(world.users.values())
    return world


def build_stage(through):
    """Build the demo story through a stage, in a thread of its own, and commit it.

    Sealing (pyHanko) calls asyncio.run(), which refuses to run in the main thread once
    Playwright's event loop lives there. Needs a transactional database (the thread commits).
    """
    from django.contrib.auth import get_user_model
    from django.db import connection

    from demo import stages

    def build():
        try:
            world = stages.build(through=through)
            reset_passwords(get_user_model().objects.all())
            return world
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(build).result()


@pytest.fixture
def live_stage(transactional_db, live_server, settings):
    """Build the demo story through a stage (`live_stage("signed")`), committed."""
    _plain_static(settings)
    return build_stage


@pytest.fixture
def live_empty(transactional_db, live_server, settings):
    """An empty database served live (the story starts from nothing)."""
    _plain_static(settings)
    return live_server.url


@pytest.fixture(scope="session")
def base_url():
    """No fixed base URL: tests use live_server.url.

    Replaces pytest-base-url's fixture, whose definition warns under pytest 9 with a
    multi-line message that the `ignore:.*base_url.*` filter in pyproject.toml misses.
    """
    return None


@pytest.fixture
def browser_context_args(browser_context_args):
    """Ask for Vietnamese, as a browser in Việt Nam does."""
    return {**browser_context_args, "locale": "vi-VN", "viewport": {"width": 1280, "height": 900}}


def log_in(page, base_url, username, password=DEMO_PASSWORD):
    """Log in through the form (after logging out whoever was logged in), land on the dashboard."""
    page.context.clear_cookies()
    page.goto(base_url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    expect(page).to_have_url(re.compile(re.escape(base_url + reverse("dashboard")) + "$"))


def as_user(page, base, username, language="vi"):
    """Log in as username (or log out for None) and ask for the language by its cookie."""
    if username is None:
        page.context.clear_cookies()
    else:
        log_in(page, base, username)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])


# What a crawl never follows: the log-out (it would end the crawl), the admin, files.
CRAWL_SKIP = ("/accounts/logout", "/admin/", "/download", "/media/")
CRAWL_FILES = (".ics", ".pdf", ".xlsx", ".docx", ".csv", ".json", ".zip", ".png")
LINKS = """() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"""


def page_links(page, base):
    """The site's own addresses the page links to (path and query), files and log-out left out."""
    found = []
    for href in page.evaluate(LINKS):
        url = urlparse(urldefrag(href)[0])
        if url.scheme and not href.startswith(base):
            continue
        target = url.path + (f"?{url.query}" if url.query else "")
        if (
            target.startswith("/")
            and not any(s in target for s in CRAWL_SKIP)
            and not url.path.endswith(CRAWL_FILES)
        ):
            found.append(target)
    return found


def reachable(page, base, limit, *, start=(), key=None, explore=1, visit=None):
    """The HTML pages this user reaches from the dashboard by links, breadth first.

    Returns their addresses (after redirects), at most `limit`. `start`: addresses to look at
    first (pages no link leads to). `key(path)`: of the pages of one key (e.g. one view), only
    the first is kept, and `explore` of them are opened to follow their links (another year's
    page of a view links to other pages). `visit(path)` runs on each kept page while it is open.
    """
    queue = deque([*start, reverse("dashboard")])
    seen, opened, pages = set(), Counter(), []
    while queue and len(pages) < limit:
        path = queue.popleft()
        if path in seen or (key is not None and opened[key(path)] >= explore):
            continue
        seen.add(path)
        try:
            response = page.goto(base + path)
        except PlaywrightError as error:  # a file served without a file name's extension
            if "Download is starting" in str(error):
                continue
            raise
        if (
            response is None
            or response.status != 200
            or "text/html" not in response.headers.get("content-type", "")
        ):
            continue
        landed = page.url.removeprefix(base)
        if landed != path:  # redirected: the page is the one landed on
            if landed in seen or (key is not None and opened[key(landed)] >= explore):
                continue
            seen.add(landed)
        kind = key(landed) if key is not None else landed
        opened[kind] += 1
        if opened[kind] == 1:
            pages.append(landed)
            if visit is not None:
                visit(landed)
        queue.extend(page_links(page, base))
    return pages


def start_blank_agreement(page, base_url, cluster_year):
    """From the cluster year's agreements page, start a blank draft; land on it and return it."""
    page.goto(base_url + reverse("agreements:cluster_year_agreements", args=[cluster_year.pk]))
    page.check("input[name=origin][value=blank]")
    page.click(
        f"form[action$='{reverse('agreements:start', args=[cluster_year.pk])}'] button[type=submit]"
    )
    agreement = Agreement.objects.get(cluster_year=cluster_year)
    expect(page).to_have_url(re.compile(re.escape(agreement.get_absolute_url()) + "$"))
    return agreement


class Shots:
    """Numbered full-page screenshots of one test's steps: test-results/<test>/NN-<name>.png."""

    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        self.taken = []

    def __call__(self, page, name):
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return path


@pytest.fixture
def shots(request):
    # test-results/ is ours (pytest-playwright's own output goes to var/playwright, which it
    # empties at every start): each test replaces only its own folder, so the screenshots of a
    # whole run stay together after it.
    name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    shutil.rmtree(SCREENSHOTS / name, ignore_errors=True)
    return Shots(SCREENSHOTS / name)


@pytest.fixture
def axe_page(browser, browser_context_args):
    """A page whose context lets a test inject axe-core despite the site's CSP.

    The site's own pages never load axe: it comes from node_modules at test time only.
    """
    context = browser.new_context(**browser_context_args, bypass_csp=True)
    yield context.new_page()
    context.close()


def run_axe(page, impacts=("serious", "critical")):
    """Run axe-core (WCAG 2.x A/AA rules and best practices) on the page; return the
    violations of the given impacts as readable lines."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' +
                    (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 200)),
            }));
        }"""
    )
    return [
        f"{v['impact']} {v['id']} ({v['help']}): {json.dumps(v['nodes'], ensure_ascii=False)}"
        for v in result
        if v["impact"] in impacts
    ]
