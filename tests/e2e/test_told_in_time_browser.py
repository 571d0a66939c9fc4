"""In Chromium: being told in time. A reminder arrives as a notification (the menu's count, the
list, opening it leads to the draft), the draft's deadline is shown, the calendar address is made
and its feed read by a calendar client; the notification list on a phone."""

import datetime
import io
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from agreements import services as agreement_services
from agreements.models import Agreement
from core.models import Notification
from tests.e2e.conftest import PHONE, log_in

pytestmark = pytest.mark.browser


def test_a_reminder_is_seen_in_the_app_and_the_calendar(page, live_server, live_world, shots):
    world, base = live_world, live_server.url
    head = world.user("canbo.dongda")
    agreement = agreement_services.agreement_create(
        actor=head, cluster_year=world.cluster_year, origin=Agreement.Origin.BLANK
    )
    agreement_services.section_add(actor=head, agreement=agreement, heading="", text="Nội dung")
    agreement_services.agreement_circulate(
        actor=head, agreement=agreement, deadline=timezone.now() + datetime.timedelta(days=2)
    )
    Notification.objects.all().delete()  # keep only the reminder's
    call_command("send_reminders", stdout=io.StringIO())

    # A member's officer sees the count in the menu, then the list.
    log_in(page, base, "canbo.badinh")
    badge = page.locator("#nav-notifications .badge")
    expect(badge).to_contain_text("1")
    shots(page, "menu-with-count")
    page.click("#nav-notifications")
    item = page.locator(".notification-list li").first
    expect(item).to_contain_text(agreement.title)
    expect(item).to_have_class(re.compile("notification-unread"))
    shots(page, "notification-list")

    # Opening it marks it read and leads to the draft, which shows its deadline.
    item.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/agreements/\d+/#comments$"))
    expect(page.locator(".deadline")).to_be_visible()
    expect(page.locator("#nav-notifications .badge")).to_have_count(0)
    shots(page, "draft-with-deadline")

    # The calendar address: made once, shown once; a calendar client reads the feed.
    page.goto(base + reverse("calendar_settings"))
    page.click("form button[type=submit].btn-primary")
    address = page.locator("#calendar-address").input_value()
    assert address.startswith("http") and address.endswith(".ics")
    shots(page, "calendar-address")
    feed = page.request.get(base + urlsplit(address).path)
    assert feed.status == 200
    events = Calendar.from_ical(feed.body()).walk("VEVENT")
    assert any(agreement.title in str(event["SUMMARY"]) for event in events)

    # On a phone the list stays within the screen.
    page.set_viewport_size(PHONE)
    page.goto(base + reverse("notifications"))
    width = page.evaluate("document.documentElement.scrollWidth")
    shots(page, "notifications-phone")
    assert width <= PHONE["width"]
