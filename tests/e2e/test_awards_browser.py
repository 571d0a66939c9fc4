"""In Chromium: from opening the vote to the parent's recorded decision.

The cluster head's officer records the year-end meeting and opens the vote on the leading
unit; four chairs find the ballot on their dashboard and vote in secret; the head closes the
round, issues the minutes, builds and sends the proposal file; parent staff accept it and
record the decision with its scan. Screenshots go to test-results/.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from awards.models import (
    Candidate,
    Decision,
    Meeting,
    Participation,
    Proposal,
    ProposalItem,
    VoteRound,
    VoteSession,
)
from tests.awards.support import PDF_BYTES, build_catalogue, lock_ranking
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_results_browser import log_in
from tests.results.support import Results, build_agreement

pytestmark = pytest.mark.browser


@pytest.fixture
def ranked(live_world):
    results = Results(live_world, build_agreement(live_world.cluster_year))
    lock_ranking(results)
    build_catalogue(live_world)
    return live_world


def submit(page, action_suffix):
    page.click(f"form[action$='{action_suffix}'] button[type=submit]")


def test_from_the_vote_to_the_recorded_decision(page, live_server, ranked, tmp_path):
    world, base = ranked, live_server.url
    SCREENSHOTS.mkdir(exist_ok=True)
    overview = base + reverse("awards:award_overview", args=[world.cluster_year.pk])

    # The head's officer records the meeting (title and chair come pre-filled).
    log_in(page, base, "canbo.dongda")
    page.goto(overview)
    expect(page.locator("input[name=chair_name]")).to_have_value("Đỗ Trọng Nam")
    page.fill("input[name=held_at]", "2020-12-24T08:30")
    page.fill("input[name=venue]", "Trụ sở Ủy ban MTTQ Việt Nam quận Đống Đa")
    page.fill("input[name=secretary_name]", "Nguyễn Văn M")
    submit(page, "/awards/meeting/")
    expect(page.locator(".alert-success")).to_be_visible()
    meeting = Meeting.objects.get()

    # ... prepares the vote on the leading unit and opens it.
    page.select_option("select[name=purpose]", "leading")
    submit(page, f"/meetings/{meeting.pk}/votes/new/")
    session = VoteSession.objects.get()
    expect(page).to_have_url(base + reverse("awards:vote", args=[session.pk]))
    expect(page.locator("table").first).to_contain_text(world.unit("dongda").name)
    submit(page, f"/votes/{session.pk}/open/")
    expect(page.locator(".counts-hidden")).to_be_visible()

    # Four chairs vote in secret from their dashboard.
    for chair in ("dongda", "badinh", "hoankiem", "longbien"):
        log_in(page, base, chair)
        page.click(f"a[href='{reverse('awards:ballot', args=[session.pk])}']")
        page.check("input[name=choices]")
        if chair == "badinh":
            page.screenshot(path=str(SCREENSHOTS / "awards-ballot.png"), full_page=True)
        submit(page, f"/votes/{session.pk}/ballot/")
        expect(page.locator(".alert-success")).to_be_visible()
        expect(page.locator(".voted-units")).to_contain_text(world.unit(chair).name)
        expect(page.locator(".vote-count")).to_have_count(0)
    assert Participation.objects.count() == 4

    # The round's time runs out with two units not voting (a round closes only when every unit
    # present has voted or its deadline has passed); the head closes it: 4 of 6 is more than half.
    VoteRound.objects.filter(session=session).update(
        deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    log_in(page, base, "canbo.dongda")
    page.goto(base + reverse("awards:vote", args=[session.pk]))
    submit(page, f"/votes/{session.pk}/close/")
    expect(page.locator(".vote-count")).to_have_text("4")
    page.screenshot(path=str(SCREENSHOTS / "awards-vote-counted.png"), full_page=True)
    assert Candidate.objects.get().outcome == Candidate.Outcome.ELECTED

    # ... issues the minutes, starts the file, writes the report and sends it.
    page.goto(overview)
    page.fill("input[name=date]", "2020-12-24")
    submit(page, f"/meetings/{meeting.pk}/minutes/")
    expect(page.get_by_text("01/BB-MTTQ")).to_be_visible()
    submit(page, f"/cluster-years/{world.cluster_year.pk}/proposal/new/")
    proposal = Proposal.objects.get()
    item = proposal.items.get()
    page.click(f"a[href='{reverse('awards:proposal_item', args=[item.pk])}']")
    page.fill("textarea[name=measures]", "Báo cáo thành tích năm 2020 của quận Đống Đa.")
    submit(page, f"/proposal-items/{item.pk}/report/")
    page.goto(base + reverse("awards:proposal", args=[proposal.pk]))
    page.fill("input[name=date]", "2020-12-28")
    submit(page, f"/proposals/{proposal.pk}/submit/")
    expect(page.get_by_text("02/TTr-MTTQ")).to_be_visible()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.AWAITING_REVIEW

    # Parent staff find the file on their dashboard, accept it and record the decision.
    log_in(page, base, "bantt")
    page.click(f"a[href='{reverse('awards:proposal', args=[proposal.pk])}']")
    submit(page, f"/proposals/{proposal.pk}/accept/")
    expect(page.locator(".proposal-status")).to_have_text(re.compile("Accepted|Đã chấp nhận"))
    scan = tmp_path / "quyet-dinh.pdf"
    scan.write_bytes(PDF_BYTES)
    page.fill("input[name=number]", "125/QĐ-MTTQ-BTT")
    page.fill("input[name=date]", "2021-01-15")
    page.fill("input[name=signer_name]", "Nguyễn Lan Hương")
    page.set_input_files("input[name=scan]", str(scan))
    submit(page, f"/proposals/{proposal.pk}/decide/")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_text("125/QĐ-MTTQ-BTT")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "awards-decision.png"), full_page=True)

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DECIDED
    assert Decision.objects.get().number == "125/QĐ-MTTQ-BTT"
    assert proposal.items.get().status == ProposalItem.Status.GRANTED
