"""In Chromium: a member unit fills and submits its sheet, the head accepts it and locks."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from demo.foundation import DEMO_PASSWORD
from results import services
from results.models import Assessment, Period, RankingSnapshot
from tests.e2e.conftest import SCREENSHOTS
from tests.results.support import Results, build_agreement

pytestmark = pytest.mark.browser


# What Ba Đình types, by criterion code: (input kind, value, own score or "" for the rule's).
TYPED = {
    "1.1": ("input", "9", ""),
    "1.2": ("input", "100", ""),
    "2.1": ("select", "1", ""),
    "2.2": ("textarea", "Hoàn thành tốt các nhiệm vụ", "4,5"),
    "3.1": ("input", "3", ""),
    "T.1": ("input", "1", ""),
    "TR.1": ("input", "0", ""),
}


def log_in(page, base_url, username):
    page.context.clear_cookies()
    page.goto(base_url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    expect(page).to_have_url(re.compile(re.escape(base_url + reverse("dashboard")) + "$"))


@pytest.fixture
def review(live_world):
    """A signed agreement, an open year-end review, and every sheet but Ba Đình's accepted."""
    results = Results(live_world, build_agreement(live_world.cluster_year))
    period = services.period_open(
        actor=live_world.user("dongda"),
        cluster_year=live_world.cluster_year,
        kind=Period.Kind.YEAR_END,
        deadline=timezone.now() + datetime.timedelta(days=7),
    )
    for sheet in period.assessments.exclude(unit=live_world.unit("badinh")):
        results.submit(sheet)
        services.assessment_accept(actor=results.reviewer_for(sheet), assessment=sheet)
    return results, period


def test_a_unit_submits_and_the_head_locks(page, live_server, review):
    results, period = review
    base = live_server.url
    SCREENSHOTS.mkdir(exist_ok=True)
    sheet = period.assessments.get(unit=results.unit("badinh"))

    # Ba Đình's officer finds the sheet on the dashboard and fills it in.
    log_in(page, base, "canbo.badinh")
    page.click(f"a[href='{reverse('results:assessment', args=[sheet.pk])}']")
    expect(page.locator("#sheet-status")).to_have_class(re.compile(r"\bsheet-draft\b"))
    for code, (kind, value, own) in TYPED.items():
        criterion = results.criterion(code)
        field = f"[name='value_{criterion.pk}']"
        if kind == "select":
            page.select_option(f"select{field}", value)
        else:
            page.fill(f"{kind}{field}", value)
        if own:
            page.fill(f"input[name='score_{criterion.pk}']", own)
    page.fill(f"textarea[name='explanation_{results.criterion('1.1').pk}']", "9 hội nghị")
    page.click("#save-draft")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(".section-progress").first).to_have_text("2/2")
    page.click("#submit-sheet")
    expect(page.locator("#sheet-status")).to_have_class(re.compile(r"\bsheet-submitted\b"))
    page.screenshot(path=str(SCREENSHOTS / "results-sheet-submitted.png"), full_page=True)
    sheet.refresh_from_db()
    assert sheet.status == Assessment.Status.SUBMITTED
    assert sheet.scores.get(criterion__code="2.2").self_score == 4.5

    # The head's officer accepts it and locks the results.
    log_in(page, base, "canbo.dongda")
    page.goto(base + reverse("results:assessment", args=[sheet.pk]))
    page.click("#accept-sheet")
    expect(page).to_have_url(re.compile(re.escape(reverse("results:period", args=[period.pk]))))
    page.click("#lock-results")
    expect(page.locator(".alert-success").first).to_be_visible()
    expect(page.get_by_text("SHA-256")).to_be_visible()
    expect(page.locator("svg.results-chart")).to_have_count(2)
    page.screenshot(path=str(SCREENSHOTS / "results-locked.png"), full_page=True)
    period.refresh_from_db()
    assert period.is_locked
    snapshot = RankingSnapshot.objects.get(period=period)
    assert snapshot.entries.count() == 6
    assert snapshot.entries.get(unit=results.unit("badinh")).total == 39.5
