"""In Chromium, from an empty database: the whole year 2020 of Cluster No. 1, in one run.

The only step outside the browser is the one every installation starts with: the administrator's
account (what `manage.py createsuperuser` makes). The administrator then enters the levels,
imports the organisations and people from CSV files, and creates the accounts; each person
chooses a password through the invitation's link. From there the stages' steps of
test_year_story.py follow in order.
"""

import csv
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from demo.foundation import DEMO_PASSWORD, DISTRICTS
from tests.e2e import test_year_story as story
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.browser

User = get_user_model()
PARENT = story.PARENT

LEVELS = [("Tỉnh, thành phố", "1"), ("Quận, huyện", "2")]
UNITS = [
    ["name", "short_name", "level", "parent", "place_name", "header_lines", "collective_name"],
    [
        PARENT,
        "MTTQ Hà Nội",
        "Tỉnh, thành phố",
        "",
        "Hà Nội",
        "ỦY BAN MTTQ VIỆT NAM / THÀNH PHỐ HÀ NỘI / BAN THƯỜNG TRỰC",
        "Ban Thường trực",
    ],
    *(
        [
            f"Ủy ban MTTQ Việt Nam quận {short}",
            short,
            "Quận, huyện",
            "MTTQ Hà Nội",
            short,
            f"ỦY BAN MTTQ VIỆT NAM / QUẬN {short.upper()} / BAN THƯỜNG TRỰC",
            "Ban Thường trực",
        ]
        for _username, short, _chair in DISTRICTS
    ),
]
# (username, full name, unit's short name, title, can sign)
PEOPLE = [
    ("bantt", "Ngô Thị H", "MTTQ Hà Nội", "officer", "no"),
    *((username, chair, short, "chair", "yes") for username, short, chair in DISTRICTS),
    ("canbo.dongda", "Nguyễn Văn M", "Đống Đa", "officer", "no"),
    ("canbo.badinh", "Lý Thị N", "Ba Đình", "officer", "no"),
]
POSITIONS = [
    ["unit", "full_name", "title", "can_sign", "start", "email"],
    ["MTTQ Hà Nội", "Nguyễn Lan Hương", "chair", "yes", "01/06/2019", ""],
    *(
        [unit, name, title, can_sign, "01/06/2019", f"{username}@mttq-hanoi.example.org"]
        for username, name, unit, title, can_sign in PEOPLE
    ),
]


def as_csv(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def import_csv(page, base, kind, name, content, tmp_path, shots):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    page.goto(base + reverse("clusters:import"))
    page.select_option("select[name=kind]", kind)
    page.set_input_files("input[name=file]", str(path))
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(re.escape(reverse("clusters:import_preview"))))
    shots(page, f"import-{kind}-preview")
    submit = page.locator(f"form[action$='{reverse('clusters:import_confirm')}'] button")
    submit.click()
    expect(page.locator(".alert-success")).to_be_visible()


def step_register_from_nothing(page, base, shots, tmp_path):
    from clusters.models import Level, Person, Position, Unit

    # What `createsuperuser` does; everything after this happens in the browser.
    User.objects.create_superuser("admin", "admin@mttq-hanoi.example.org", DEMO_PASSWORD)
    log_in(page, base, "admin")
    for name, rank in LEVELS:
        page.goto(base + "/admin/clusters/level/add/")
        page.fill("input[name=name]", name)
        page.fill("input[name=rank]", rank)
        page.click("input[name=_save]")
        expect(page.locator(".messagelist .success")).to_be_visible()
    assert Level.objects.count() == 2

    import_csv(page, base, "units", "don-vi.csv", as_csv(UNITS), tmp_path, shots)
    assert Unit.objects.filter(parent__name=PARENT).count() == 6
    import_csv(page, base, "positions", "chuc-danh.csv", as_csv(POSITIONS), tmp_path, shots)
    assert Position.objects.count() == len(PEOPLE) + 1

    # Accounts with invitations; each person chooses the password through the link (e-mail
    # addresses unlike the password: Django refuses a password too similar to them).
    mail.outbox.clear()
    for username, full_name, *_rest in PEOPLE:
        person = Person.objects.get(full_name=full_name)
        page.goto(base + reverse("accounts:detail", args=[person.pk]))
        page.fill("input[name=username]", username)
        page.fill("input[name=email]", f"{username}@mttq-hanoi.example.org")
        page.check("input[name=invite]")
        page.click(f"form[action$='{reverse('accounts:create', args=[person.pk])}'] button")
        expect(page.locator(".alert-success")).to_be_visible()
    shots(page, "account-created")
    assert len(mail.outbox) == len(PEOPLE)
    for message in mail.outbox:
        path = re.search(r"(/accounts/password/reset/\S+/\S+/)", message.body).group(1)
        page.context.clear_cookies()
        page.goto(base + path)
        page.fill("input[name=new_password1]", DEMO_PASSWORD)
        page.fill("input[name=new_password2]", DEMO_PASSWORD)
        page.click("main form button[type=submit]")
        expect(page).to_have_url(re.compile(re.escape(reverse("password_reset_complete"))))
    shots(page, "password-chosen")
    assert all(u.has_usable_password() for u in User.objects.all())


def step_second_person_confirms(page, base, shots):
    """The chairs' positions came from the administrator's import: they count only once a
    second person of the parent body (bantt, its officer) confirms them on the units' pages."""
    from clusters.models import Position

    pending = list(Position.objects.filter(confirmation="pending", unit__parent__name=PARENT))
    assert len(pending) == len(DISTRICTS)
    log_in(page, base, "bantt")
    for position in pending:
        page.goto(base + reverse("clusters:unit", args=[position.unit_id]))
        confirm = reverse("clusters:position_confirm", args=[position.pk])
        with page.expect_navigation():
            page.click(f"form[action='{confirm}'] button")
    shots(page, "appointments-confirmed")
    assert not Position.objects.filter(confirmation="pending", unit__parent__name=PARENT).exists()


def test_the_whole_year_from_an_empty_database(
    page, browser, browser_context_args, live_server, live_empty, shots, tmp_path
):
    base = live_server.url
    step_register_from_nothing(page, base, shots, tmp_path)
    step_second_person_confirms(page, base, shots)
    story.step_set_up_the_cluster(page, base, shots)
    story.step_draft_five_sections(page, base, shots)
    story.step_two_members_comment(page, base, shots)
    story.step_adopt_at_the_conference(page, base, shots)
    story.step_six_chairs_sign(page, browser, browser_context_args, base, shots)
    story.step_check_the_sealed_pdf(page, base, shots, tmp_path)
    story.step_units_self_assess(page, base, shots)
    story.step_head_reviews_and_locks(page, base, shots)
    story.step_parent_sets_the_catalogue(page, base, shots)
    story.step_the_vote(page, base, shots)
    story.step_the_proposal(page, base, shots)
    story.step_the_parent_decides(page, base, shots, tmp_path)
    log_in(page, base, "bantt")
    shots(page, "parent-dashboard-at-the-end")
