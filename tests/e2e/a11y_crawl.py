"""`make a11y`: axe-core on every page each demo user reaches, at 1280 px and 375 px.

As the visitor and every demo user of the fullest demo stage, from the dashboard, follows the
site's own links breadth first until no new page is left, never the log-out, the admin, downloads
or media; runs axe on each page at both sizes and fails on any serious or critical violation.

No page limit by default: only a safety cap of SAFETY_CAP pages a user, against an endless chain
of links, and reaching it fails the run (the crawl did not see every page). A11Y_PAGES=N crawls at
most N pages a user (reported, not a failure); A11Y_USERS=bantt,dongda only these users ("-" for the
visitor who is not logged in). Each page prints a progress line; the end prints, per user, the
pages visited, the page views axe checked, the seconds and whether the cap was hit, and writes the
same table to test-results/a11y_crawl.txt.

Too long for `make test` (its file name keeps it out of the suite's collection); `make a11y` names
it.
"""

import os
import time
import traceback
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from tests.e2e.a11y_views import DESKTOP, STAGE
from tests.e2e.conftest import PHONE, as_user, reachable, run_axe

pytestmark = pytest.mark.browser

SAFETY_CAP = 5000
CAP = int(os.environ.get("A11Y_PAGES") or 0) or SAFETY_CAP
CAP_IS_CHOSEN = bool(os.environ.get("A11Y_PAGES"))
# A11Y_USERS=bantt,dongda: only these demo users ("-" for the visitor who is not logged in).
ONLY = [name for name in os.environ.get("A11Y_USERS", "").split(",") if name]
REPORT = Path("test-results/a11y_crawl.txt")


class CapReached(Exception):
    """The crawl found one page more than the cap allows."""


def crawl(page, base, username, problems):
    """axe on every page the user reaches; returns (pages, page views, cap reached)."""
    as_user(page, base, username, "vi")
    pages, views = [], 0
    started = time.monotonic()

    def check(path):
        nonlocal views
        if len(pages) == CAP:  # one page more than the cap: there is more to see
            raise CapReached
        pages.append(path)
        found = 0
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            views += 1
            lines = [f"[{size['width']}px {username or '-'}] {path}: {v}" for v in run_axe(page)]
            found += len(lines)
            problems.extend(lines)
        page.set_viewport_size(DESKTOP)
        print(
            f"a11y {username or '-'} {len(pages)} {time.monotonic() - started:.0f}s {path}"
            + (f"  ** {found} serious/critical" if found else ""),
            flush=True,
        )

    try:
        reachable(page, base, CAP + 1, visit=check)
    except CapReached:
        return len(pages), views, True
    return len(pages), views, False


def test_every_page_every_demo_user_reaches(axe_page, live_server, live_stage):
    started = time.monotonic()
    live_stage(STAGE)
    print(f"\na11y: stage {STAGE!r} built in {time.monotonic() - started:.0f} s", flush=True)
    page, base = axe_page, live_server.url
    users = [None] + list(
        get_user_model()
        .objects.filter(is_active=True)
        .order_by("username")
        .values_list("username", flat=True)
    )
    print(f"a11y: the stage's users: {', '.join(user or '-' for user in users)}", flush=True)
    if ONLY:
        unknown = set(ONLY) - {user or "-" for user in users}
        assert not unknown, f"A11Y_USERS names no user of the stage: {', '.join(sorted(unknown))}"
        users = [user for user in users if (user or "-") in ONLY]
    problems, rows = [], []
    for username in users:
        began = time.monotonic()
        try:
            pages, views, capped = crawl(page, base, username, problems)
        except Exception:  # noqa: BLE001 - one user's error must not end the others' crawl
            problems.append(f"[{username or '-'}] crawl stopped:\n{traceback.format_exc()}")
            pages, views, capped = None, None, None
        rows.append((username or "-", pages, views, time.monotonic() - began, capped))
        print(f"a11y: {username or '(visitor)'}: {pages} pages, {views} views", flush=True)
    total = time.monotonic() - started
    lines = [
        f"{'user':<18} {'pages':>6} {'views':>6} {'seconds':>8}  cap {CAP} reached",
        *(
            f"{name:<18} {pages if pages is not None else 'error':>6} {views or 0:>6}"
            f" {seconds:>8.0f}  {'yes' if capped else 'no' if capped is not None else '-'}"
            for name, pages, views, seconds, capped in rows
        ),
        f"{len(rows)} users, {sum(r[1] or 0 for r in rows)} pages,"
        f" {sum(r[2] or 0 for r in rows)} page views, {total:.0f} s (stage build included),"
        f" {len(problems)} serious or critical violations",
    ]
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines), flush=True)
    capped = [name for name, _, _, _, reached in rows if reached]
    assert not problems, "\n".join(problems)
    assert CAP_IS_CHOSEN or not capped, (
        f"{', '.join(capped)}: more than {SAFETY_CAP} pages (an endless chain of links?);"
        " A11Y_PAGES sets another cap"
    )
