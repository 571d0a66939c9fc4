"""In Chromium: a document prepared in the background appears on the page without a reload.

The member's officer asks for the draft agreement's PDF from its page. With no worker running
yet (the dummy task backend) the panel says it waits and asks for itself every second; the job
is then run as the db_worker would, and the panel turns into the download link on the same
page (the page is not reloaded: a marker set in it survives). The downloaded file is the PDF.
With the immediate backend (`make run`) the link is there at once.
"""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from core.models import PreparedFile
from core.prepared import tasks
from tests.agreements.helpers import make_draft
from tests.e2e.conftest import PHONE, log_in

pytestmark = pytest.mark.browser

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def test_the_prepared_pdf_appears_without_a_reload(page, live_server, live_world, settings, shots):
    world, base = live_world, live_server.url
    draft = make_draft(world)
    url = reverse("agreements:document_pdf", args=[draft.pk])
    log_in(page, base, "canbo.badinh")
    page.goto(base + draft.get_absolute_url())
    page.evaluate("window.notReloaded = true")

    settings.TASKS = DUMMY_TASKS  # no worker yet: the job waits
    page.locator(f"form.prepare-form[action='{url}'] button").first.click()
    panel = page.locator("#prepared-files .prepared-file")
    expect(panel).to_have_attribute("data-status", "queued")
    expect(panel).to_contain_text("đang chờ được tạo")
    shots(page, "waiting")

    job = PreparedFile.objects.get()
    assert tasks.run(job.pk) == PreparedFile.Status.READY  # what the db_worker does
    expect(panel).to_have_attribute("data-status", "ready", timeout=10_000)
    expect(panel).to_contain_text("đã sẵn sàng")
    assert page.evaluate("window.notReloaded") is True
    shots(page, "ready")

    with page.expect_download() as download_info:
        panel.locator("a.prepared-download").click()
    download = download_info.value
    assert download.suggested_filename == f"giao-uoc-2020-{draft.pk}-du-thao.pdf"
    path = Path(download.path())
    assert path.read_bytes().startswith(b"%PDF-")

    # With the immediate backend the file is made during the request: the link comes at once.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    page.locator(f"form.prepare-form[action='{url}'] button").first.click()
    expect(page.locator("#prepared-files .prepared-file[data-status=ready]")).to_have_count(2)
    assert page.evaluate("window.notReloaded") is True


def test_a_file_ready_soon_downloads_by_itself_and_the_page_stays(
    browser, browser_context_args, live_server, live_world, settings, shots
):
    """On a phone, far down the page: one tap on "prepare"; the job runs; the download starts
    without a second tap and the page has not moved."""
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE})
    page = context.new_page()
    world, base = live_world, live_server.url
    draft = make_draft(world)
    url = reverse("agreements:document_pdf", args=[draft.pk])
    log_in(page, base, "canbo.badinh")
    page.goto(base + draft.get_absolute_url())
    button = page.locator(f"form.prepare-form[action='{url}'] button").first
    button.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 40)")
    before = page.evaluate("window.scrollY")
    assert before > 0

    settings.TASKS = DUMMY_TASKS
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    button.click()
    panel = page.locator("#prepared-files .prepared-file")
    expect(panel).to_have_attribute("data-status", "queued")
    job = PreparedFile.objects.get()
    assert tasks.run(job.pk) == PreparedFile.Status.READY
    expect(panel).to_have_attribute("data-status", "ready", timeout=10_000)
    page.wait_for_timeout(500)
    assert len(downloads) == 1  # no second tap
    assert downloads[0].suggested_filename == f"giao-uoc-2020-{draft.pk}-du-thao.pdf"
    assert Path(downloads[0].path()).read_bytes().startswith(b"%PDF-")
    assert page.evaluate("window.scrollY") == before
    expect(panel).to_be_in_viewport()
    shots(page, "ready-on-a-phone")
    panel.get_by_role("button", name="Đóng thông báo này").click()
    expect(panel).to_have_count(0)

    # A page opened later with the finished panel does not download again by itself.
    page.goto(base + reverse("prepared_file", args=[job.pk]))
    page.wait_for_timeout(500)
    assert len(downloads) == 1
    context.close()
