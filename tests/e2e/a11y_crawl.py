"""`make a11y`: axe-core on every page each demo user reaches, at 1280 px and 375 px.

As the visitor and every demo user of the fullest demo stage, from the dashboard, follows the
site's own links (breadth first, at most A11Y_PAGES pages a user, 25 unless set; A11Y_USERS
limits the users), never the log-out, the admin, downloads or media; runs axe on each page at
both sizes and fails on any serious or critical violation. Too long for `make test` (its file
name keeps it out of the suite's collection); `make a11y` names it.
"""

import os
import time

import pytest
from django.contrib.auth import get_user_model

from tests.e2e.a11y_views import DESKTOP, STAGE
from tests.e2e.conftest import PHONE, as_user, reachable, run_axe

pytestmark = pytest.mark.browser

LIMIT = int(os.environ.get("A11Y_PAGES", "25"))
# A11Y_USERS=bantt,dongda: only these demo users ("-" for the visitor who is not logged in).
ONLY = [name for name in os.environ.get("A11Y_USERS", "").split(",") if name]


def test_every_page_every_demo_user_reaches(axe_page, live_server, live_stage):
    started = time.monotonic()
    live_stage(STAGE)
    page, base = axe_page, live_server.url
    users = [None] + list(
        get_user_model()
        .objects.filter(is_active=True)
        .order_by("username")
        .values_list("username", flat=True)
    )
    if ONLY:
        users = [user for user in users if (user or "-") in ONLY]
    problems, visited = [], 0
    for username in users:
        as_user(page, base, username, "vi")

        def check(path, username=username):
            nonlocal visited
            for size in (DESKTOP, PHONE):
                page.set_viewport_size(size)
                visited += 1
                problems.extend(
                    f"[{size['width']}px {username}] {path}: {v}" for v in run_axe(page)
                )
            page.set_viewport_size(DESKTOP)

        pages = reachable(page, base, LIMIT, visit=check)
        elapsed = time.monotonic() - started
        print(f"a11y: {username or '(visitor)'}: {len(pages)} pages, at {elapsed:.0f} s")
    print(
        f"axe ran on {visited} page views of {len(users)} users"
        f" in {time.monotonic() - started:.0f} s"
    )
    assert not problems, "\n".join(problems)
