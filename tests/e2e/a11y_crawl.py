"""`make a11y`: axe-core on every page each demo user reaches, at 1280 px and 375 px.

From the dashboard, follows the site's own links (breadth first, at most A11Y_PAGES pages a user,
25 unless set), never the log-out, the admin, downloads or media; fails on any serious or
critical violation. Too long for `make test` (its file name keeps it out of the suite's
collection); `make a11y` names it.
"""

import os

import pytest
from django.contrib.auth import get_user_model

from tests.e2e.conftest import PHONE, as_user, reachable, run_axe

pytestmark = pytest.mark.browser

LIMIT = int(os.environ.get("A11Y_PAGES", "25"))


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
