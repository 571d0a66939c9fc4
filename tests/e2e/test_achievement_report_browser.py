"""In Chromium: the nominee's unit completes its achievement report section by section, saves
it (a version is kept) and downloads it as PDF, prepared in the background."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from awards.models import ReportVersion
from awards.services import proposals
from awards.services import votes as voting
from tests.awards.support import build_catalogue, full_meeting, lock_ranking
from tests.e2e.conftest import log_in
from tests.results.support import Results, build_agreement

pytestmark = pytest.mark.browser


@pytest.fixture
def item(live_world):
    results = Results(live_world, build_agreement(live_world.cluster_year))
    lock_ranking(results)
    live_world.flag, live_world.merit, live_world.person = build_catalogue(live_world)
    live_world.meeting = full_meeting(live_world)
    voting.minutes_issue(
        actor=live_world.user("dongda"),
        meeting=live_world.meeting,
        date=datetime.date(2020, 12, 18),
    )
    proposal = proposals.proposal_create(
        actor=live_world.user("dongda"), cluster_year=live_world.cluster_year
    )
    return proposal.items.filter(person_name="").order_by("pk").first()


def test_the_unit_writes_its_report_and_downloads_the_pdf(page, live_server, item, shots):
    base = live_server.url
    log_in(page, base, "canbo.dongda")
    page.goto(base + reverse("awards:proposal_item", args=[item.pk]))
    results = page.locator("textarea[name=results]")
    expect(results).to_contain_text(f"xếp thứ {item.rank} trong cụm")  # the application's draft
    page.fill("textarea[name=measures]", "Tổ chức tốt Ngày hội Đại đoàn kết ở mọi khu dân cư.")
    shots(page, "form")
    page.click("#report-form button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("textarea[name=measures]")).to_have_value(
        "Tổ chức tốt Ngày hội Đại đoàn kết ở mọi khu dân cư."
    )
    version = ReportVersion.objects.get(item=item)
    assert version.saved_by.username == "canbo.dongda"

    url = reverse("awards:proposal_item_report_pdf", args=[item.pk])
    page.locator(f"form.prepare-form[action='{url}'] button").click()
    link = page.locator("#prepared-files a.prepared-download").first
    expect(link).to_be_visible(timeout=15_000)
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.startswith("bao-cao-thanh-tich-")
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")
    shots(page, "downloaded")
