"""Separation of duties in Chromium: a parent staff member who gives himself the right to sign for
a unit gets nothing until a second staff member confirms it, on the unit's page and from the
dashboard; the unit's chair is warned on their dashboard meanwhile."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clusters.models import Position
from tests.e2e.conftest import PHONE, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _ask_for_himself(page, url, world, unit):
    """bantt fills in the unit's new-position form with his own person, as a signing vice-chair."""
    log_in(page, url, "bantt")
    page.goto(url + reverse("clusters:position_create", args=[unit.pk]))
    page.select_option("select[name=person]", str(world.user("bantt").person.pk))
    page.select_option("select[name=title]", "vice_chair")
    page.check("input[name=can_sign]")
    page.fill("input[name=start]", "2019-01-01")
    page.locator("main form[method=post] button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(re.escape(url + reverse("clusters:unit", args=[unit.pk]))))


def test_a_self_appointment_waits_for_the_second_person_then_counts(
    page, live_server, live_world, shots
):
    world, url = live_world, live_server.url
    unit = world.unit("hoangmai")
    _ask_for_himself(page, url, world, unit)
    position = Position.objects.get(person=world.user("bantt").person, unit=unit)
    assert position.confirmation == "pending"
    row = page.locator(".position-pending")
    expect(row).to_have_count(1)
    expect(row).to_have_text("Chờ xác nhận")
    # The one who asked is offered no button to confirm his own right.
    expect(
        page.locator(f"form[action='{reverse('clusters:position_confirm', args=[position.pk])}']")
    ).to_have_count(0)
    shots(page, "asked-unit-page")

    # The unit's chair sees the warning on the dashboard, on a phone.
    page.set_viewport_size(PHONE)
    log_in(page, url, "hoangmai")
    expect(page.get_by_text("chờ xác nhận", exact=False).first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shots(page, "chair-warned-phone")

    # The second staff member confirms it from the dashboard.
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, url, "bantt2")
    confirm = page.locator(
        f"form[action='{reverse('clusters:position_confirm', args=[position.pk])}'] button"
    )
    expect(confirm).to_have_count(1)
    shots(page, "second-person-dashboard")
    confirm.click()
    page.wait_for_load_state()
    position.refresh_from_db()
    assert position.confirmation == "confirmed"
    assert position.confirmed_by == world.user("bantt2")
    page.goto(url + reverse("clusters:unit", args=[unit.pk]))
    expect(page.get_by_text("do Đào Văn Q xác nhận", exact=False).first).to_be_visible()
    shots(page, "confirmed-unit-page")
