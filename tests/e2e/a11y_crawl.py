"""`make a11y`: axe-core on every page each demo user reaches, at 1280 px and 375 px.

From the dashboard, follows the site's own links (breadth first, at most A11Y_PAGES pages a user,
25 unless set), never the log-out, the admin, downloads or media; fails on any serious or
critical violation. Too long for `make test` (its file name keeps it out of the suite's
collection); `make a11y` names it.
"""

import os
from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.e2e.conftest import PHONE, run_axe
from tests.e2e.test_accessibility import as_user

pytestmark = pytest.mark.browser

LIMIT = int(os.environ.get("A11Y_PAGES", "25"))
SKIP = ("/accounts/logout", "/admin/", "/download", "/media/")
FILES = (".ics", ".pdf", ".xlsx", ".docx", ".csv", ".json", ".zip", ".png")

LINKS = """() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"""


def reachable(page, base, limit):
    """Addresses of the pages this user reaches from the dashboard (breadth first)."""
    seen, queue, pages = set(), deque([reverse("dashboard")]), []
    while queue and len(pages) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(base + path)
        if (
            response is None
            or response.status != 200
            or "text/html" not in (response.headers.get("content-type", ""))
        ):
            continue
        pages.append(path)
        for href in page.evaluate(LINKS):
            url = urlparse(urldefrag(href)[0])
            if url.scheme and not href.startswith(base):
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if (
                target.startswith("/")
                and not any(s in target for s in SKIP)
                and not url.path.endswith(FILES)
            ):
                queue.append(target)
    return pages


def test_every_page_every_demo_user_reaches(axe_page, live_server, live_stage):
    live_stage("decided")
    page, base = axe_page, live_server.url
    users = list(
        get_user_model()
        .objects.filter(is_active=True)
        .order_by("username")
        .values_list("username", flat=True)
    )
    problems, visited = [], 0
    for username in users:
        as_user(page, base, username, "vi")
        pages = reachable(page, base, LIMIT)
        for size in ({"width": 1280, "height": 900}, PHONE):
            page.set_viewport_size(size)
            for path in pages:
                page.goto(base + path)
                visited += 1
                problems += [f"[{size['width']}px {username}] {path}: {v}" for v in run_axe(page)]
        page.set_viewport_size({"width": 1280, "height": 900})
    print(f"axe ran on {visited} page views of {len(users)} users")
    assert not problems, "\n".join(problems)
