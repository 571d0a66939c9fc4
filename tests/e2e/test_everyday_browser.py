"""The parent body's everyday work in Chromium: the year at a glance on the dashboard, a head
and deputy swapped in one step, every cluster rolled over to next year after a confirmation —
at desktop size and on a 375 px phone, with screenshots of each step."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from clusters.models import ClusterYear, Membership
from tests.e2e.conftest import PHONE, log_in, run_axe


def fits_the_phone(page):
    """Nothing makes the page wider than the screen (wide tables scroll in their region)."""
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_parent_staff_swap_the_head_and_roll_every_cluster_over(
    page, live_server, live_world, shots
):
    world, url = live_world, live_server.url
    cluster_year = world.cluster_year
    log_in(page, url, "bantt")

    # The year at a glance: every cluster of 2020, a column per step, links to act.
    board = page.locator("#year-board")
    expect(board.get_by_role("heading", name="Toàn cảnh năm 2020")).to_be_visible()
    row = board.locator("tbody tr").filter(has_text="Cụm thi đua số 1")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Đang diễn ra · 6 thành viên")
    expect(row.get_by_role("link", name="Chưa soạn thảo")).to_be_visible()
    shots(page, "dashboard-desktop")
    page.set_viewport_size(PHONE)
    page.reload()
    expect(board.locator("tbody tr")).to_have_count(1)
    assert fits_the_phone(page)
    shots(page, "dashboard-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Hoàn Kiếm, the deputy, becomes the head: Đống Đa takes the deputy's role, in one step.
    deputy = cluster_year.memberships.get(role=Membership.Role.DEPUTY)
    page.goto(url + reverse("clusters:membership_edit", args=[cluster_year.pk, deputy.pk]))
    expect(page.get_by_text("hoán đổi vai trò của hai đơn vị")).to_be_visible()
    page.select_option("select[name=role]", "head")
    shots(page, "head-swap-form")
    page.click("form.form-narrow button[type=submit]")
    expect(page).to_have_url(url + reverse("clusters:cluster_year", args=[cluster_year.pk]))
    roles = dict(cluster_year.memberships.values_list("unit__short_name", "role"))
    assert (roles["Hoàn Kiếm"], roles["Đống Đa"]) == ("head", "deputy")
    shots(page, "head-swapped")

    # Every cluster to 2021 at once, after a confirmation page that says what will happen.
    page.goto(url + reverse("clusters:cluster_year_list"))
    page.get_by_role("link", name="Chuyển mọi cụm sang năm sau").click()
    table = page.locator("#rollover-rows")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Hoàn Kiếm")
    assert not ClusterYear.objects.filter(cluster=world.cluster, year=2021).exists()
    shots(page, "rollover-confirm-desktop")
    page.set_viewport_size(PHONE)
    assert fits_the_phone(page)
    shots(page, "rollover-confirm-phone")
    page.get_by_role("button", name="Tạo 1 năm 2021 của các cụm").click()
    expect(page).to_have_url(re.compile(r"year=2021"))
    expect(page.get_by_text("Đã tạo 1 năm 2021 của các cụm.")).to_be_visible()
    new = ClusterYear.objects.get(cluster=world.cluster, year=2021)
    assert new.memberships.count() == 6
    assert new.head == world.unit("hoankiem") and new.deputy == world.unit("dongda")
    assert fits_the_phone(page)
    shots(page, "rolled-over-phone")


def test_the_year_board_has_no_serious_accessibility_violation(axe_page, live_server, live_world):
    log_in(axe_page, live_server.url, "bantt")
    for size in ({"width": 1280, "height": 900}, PHONE):
        axe_page.set_viewport_size(size)
        axe_page.goto(live_server.url + reverse("dashboard"))
        expect(axe_page.locator("#year-board tbody tr")).to_have_count(1)
        assert run_axe(axe_page) == [], size
