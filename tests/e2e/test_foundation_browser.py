"""In Chromium: Đống Đa's chair logs in and reads the cluster-year page in Vietnamese."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from clusters.models import Membership
from demo.foundation import DEMO_PASSWORD
from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def log_in(page, base_url, username, password=DEMO_PASSWORD):
    page.goto(base_url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[action$='/accounts/login/'] button[type=submit]")


def test_dongda_reads_the_cluster_year_page_in_vietnamese(page, live_server, live_world):
    world = live_world
    log_in(page, live_server.url, "dongda")
    expect(page).to_have_url(re.compile(re.escape(live_server.url + reverse("dashboard")) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")

    page.goto(live_server.url + reverse("clusters:cluster_year", args=[world.cluster_year.pk]))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("h1")).to_contain_text("Cụm thi đua số 1")
    expect(page.locator("h1")).to_contain_text("2020")
    expect(page.get_by_text("Ủy ban MTTQ Việt Nam thành phố Hà Nội").first).to_be_visible()

    rows = page.locator("#members-heading ~ * tbody tr")
    members = [m.unit.name for m in world.cluster_year.memberships.order_by("order")]
    assert len(members) == 6
    expect(rows).to_have_count(6)
    for row, name in zip(rows.all(), members, strict=True):
        expect(row).to_contain_text(name)

    with translation.override("vi"):
        head_label = str(Membership.Role.HEAD.label)
        deputy_label = str(Membership.Role.DEPUTY.label)
    expect(rows.filter(has_text="quận Đống Đa")).to_contain_text(head_label)
    expect(rows.filter(has_text="quận Hoàn Kiếm")).to_contain_text(deputy_label)
    expect(page.get_by_text("37/KH-MTTQ-BTT").first).to_be_visible()

    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "foundation-cluster-year.png"), full_page=True)


def test_a_wrong_password_is_refused_in_the_browser(page, live_server, live_world):
    log_in(page, live_server.url, "dongda", "sai-mat-khau")
    expect(page).to_have_url(re.compile(re.escape(reverse("login"))))
    expect(page.locator("form .alert-danger, form .invalid-feedback").first).to_be_visible()


def test_logout_is_a_post_from_the_header(page, live_server, live_world):
    log_in(page, live_server.url, "dongda")
    expect(page).to_have_url(re.compile(re.escape(live_server.url + reverse("dashboard")) + "$"))
    page.click("header form[action$='/accounts/logout/'] button[type=submit]")
    expect(page).to_have_url(re.compile(re.escape(reverse("login"))))
    page.goto(live_server.url + reverse("dashboard"))
    expect(page).to_have_url(re.compile(re.escape(reverse("login")) + r"\?next="))
