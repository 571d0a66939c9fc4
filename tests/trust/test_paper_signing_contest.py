"""A paper signing recorded in a unit's name: the unit's chair sees it and may contest it.

The attack of issue 14: the cluster head's chair recorded a paper signing for another unit with
any PDF and parent staff confirmed it at once, so a signature appeared in the name of a chair
who took no part. Now the unit's chair is shown the record (dashboard and signing page) and may
contest it for PAPER_SIGNING_CONTEST_DAYS; parent staff confirm only after that, or once the
chair accepts it; a contested record counts only if parent staff uphold it; the recorder never
confirms; the signing record names who recorded and who confirmed it.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement
from agreements.signing import services as signing
from agreements.signing.models import PaperSigning, Seal, Signature
from tests.agreements.signing.support import MEMBERS, adopt_agreement, scan_pdf, sign
from tests.clusters.test_views import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def agreement(world):
    return adopt_agreement(world)


def _refused(callable_, match):
    with pytest.raises(ValidationError) as info:
        callable_()
    text = " ".join(str(m) for m in info.value.messages)
    assert match in text, text


def _record(world, agreement, unit="longbien", by="dongda"):
    (paper,) = signing.paper_signing_record(
        actor=world.user(by), agreement=agreement, units=[world.unit(unit)], scan=scan_pdf()
    )
    return paper


def _period_over(paper):
    PaperSigning.objects.filter(pk=paper.pk).update(
        contest_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    paper.refresh_from_db()


def test_the_heads_chair_records_for_another_unit_and_its_chair_contests(world, agreement):
    paper = _record(world, agreement)
    assert paper.contest_until > timezone.now() + datetime.timedelta(days=2, hours=23)
    # Parent staff can no longer confirm it at once…
    _refused(
        lambda: signing.paper_signing_confirm(actor=world.user("bantt"), paper=paper),
        "may contest it until",
    )
    # …the unit's chair sees it on the dashboard and the signing page…
    dashboard = login(world.user("longbien")).get(reverse("dashboard")).content.decode()
    assert "Confirm or contest the paper signing" in dashboard
    page = login(world.user("longbien")).get(reverse("agreements:signing", args=[agreement.pk]))
    assert reverse("agreements:paper_contest", args=[paper.pk]) in page.content.decode()
    assert "Recorded by Đỗ Trọng Nam" in page.content.decode()
    # …and contests it: it does not count, even after the period, until parent staff resolve.
    signing.paper_signing_contest(actor=world.user("longbien"), paper=paper, reason="Không ký")
    _period_over(paper)
    _refused(
        lambda: signing.paper_signing_confirm(actor=world.user("bantt"), paper=paper),
        "contested",
    )
    assert not Signature.objects.filter(unit=world.unit("longbien")).exists()
    signing.paper_signing_resolve(
        actor=world.user("bantt"), paper=paper, uphold=False, reason="Không có trong biên bản"
    )
    paper.refresh_from_db()
    assert paper.withdrawn and paper.resolved_by == world.user("bantt")
    assert not Signature.objects.filter(unit=world.unit("longbien")).exists()


def test_a_contested_paper_signing_upheld_by_parent_staff_counts(world, agreement):
    paper = _record(world, agreement)
    signing.paper_signing_contest(actor=world.user("longbien"), paper=paper, reason="Nhầm")
    _refused(
        lambda: signing.paper_signing_resolve(
            actor=world.user("bantt"), paper=paper, uphold=True, reason=""
        ),
        "Give the reason",
    )
    signature = signing.paper_signing_resolve(
        actor=world.user("bantt"), paper=paper, uphold=True, reason="Có chữ ký trong biên bản"
    )
    assert signature.paper == paper
    paper.refresh_from_db()
    assert (paper.confirmed_by, paper.resolved_by) == (world.user("bantt"), world.user("bantt"))


def test_the_recorder_never_confirms(world, agreement):
    """The head's chair records their own unit's paper copy: accepted, but a second person
    (parent staff) confirms it — at once, since its chair accepted it."""
    paper = _record(world, agreement, unit="dongda", by="dongda")
    assert paper.accepted_by == world.user("dongda")
    _refused(
        lambda: signing.paper_signing_confirm(actor=world.user("dongda"), paper=paper),
        "Whoever recorded",
    )
    signing.paper_signing_confirm(actor=world.user("bantt"), paper=paper)
    assert Signature.objects.get(unit=world.unit("dongda")).method == "paper"


def test_sealing_waits_for_the_period_or_the_chairs_acceptance(
    world, agreement, django_capture_on_commit_callbacks
):
    paper = _record(world, agreement)
    for username in MEMBERS:
        if username != "longbien":
            sign(world, username, agreement)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNING
    assert not Seal.objects.filter(agreement=agreement).exists()
    # The chair accepts it by confirming it: then the agreement is complete.
    signing.paper_signing_confirm(actor=world.user("longbien"), paper=paper)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNED
    assert Seal.objects.filter(agreement=agreement).exists()
    paper.refresh_from_db()
    assert paper.accepted_by == world.user("longbien")
    _refused(
        lambda: signing.paper_signing_contest(
            actor=world.user("longbien"), paper=paper, reason="x"
        ),
        "already been confirmed",
    )


def test_no_contest_after_the_period_nor_by_another_units_chair(world, agreement):
    paper = _record(world, agreement)
    _refused(
        lambda: signing.paper_signing_contest(actor=world.user("badinh"), paper=paper, reason="x"),
        "Only the signatory",
    )
    _refused(
        lambda: signing.paper_signing_contest(
            actor=world.user("longbien"), paper=paper, reason=" "
        ),
        "Say why",
    )
    _period_over(paper)
    _refused(
        lambda: signing.paper_signing_contest(
            actor=world.user("longbien"), paper=paper, reason="x"
        ),
        "period for contesting",
    )
    signing.paper_signing_confirm(actor=world.user("bantt"), paper=paper)
    assert Signature.objects.filter(unit=world.unit("longbien")).exists()


def test_the_period_is_a_setting(world, agreement, settings):
    settings.PAPER_SIGNING_CONTEST_DAYS = 7
    paper = _record(world, agreement)
    assert paper.contest_until - paper.recorded_at == datetime.timedelta(days=7)


# --- the pages ------------------------------------------------------------------------------


def test_contest_and_resolve_through_the_pages(world, agreement):
    paper = _record(world, agreement)
    contest = reverse("agreements:paper_contest", args=[paper.pk])
    resolve = reverse("agreements:paper_resolve", args=[paper.pk])
    signing_page = reverse("agreements:signing", args=[agreement.pk])
    chair = login(world.user("longbien"))
    assert chair.get(contest).status_code == 405
    response = chair.post(contest, {"reason": "Đơn vị không ký bản này"})
    assert (response.status_code, response.url) == (302, signing_page)
    paper.refresh_from_db()
    assert paper.contested_by == world.user("longbien")
    assert paper.contest_reason == "Đơn vị không ký bản này"

    staff = login(world.user("bantt"))
    assert resolve in staff.get(signing_page).content.decode()
    response = staff.post(resolve, {"decision": "annul", "reason": "Không có trong biên bản"})
    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.withdrawn


@pytest.mark.parametrize(
    ("username", "name", "status"),
    [
        ("ngoai", "agreements:paper_contest", 404),
        ("ngoai", "agreements:paper_resolve", 404),
        ("badinh", "agreements:paper_contest", 403),
        ("dongda", "agreements:paper_contest", 403),
        ("longbien", "agreements:paper_resolve", 403),
        ("dongda", "agreements:paper_resolve", 403),
    ],
)
def test_outsiders_get_404_and_others_403(world, agreement, username, name, status):
    paper = _record(world, agreement)
    response = login(world.user(username)).post(
        reverse(name, args=[paper.pk]), {"reason": "x", "decision": "annul"}
    )
    assert response.status_code == status
    paper.refresh_from_db()
    assert (paper.contested_at, paper.withdrawn) == (None, False)


def test_parent_staff_see_contested_and_due_papers_on_the_dashboard(world, agreement):
    waiting = _record(world, agreement)
    contested = _record(world, agreement, unit="hoangmai")
    signing.paper_signing_contest(actor=world.user("hoangmai"), paper=contested, reason="x")
    page = login(world.user("bantt")).get(reverse("dashboard")).content.decode()
    assert "Resolve the contested paper signing" in page
    assert "Confirm the paper signing of" not in page
    _period_over(waiting)
    page = login(world.user("bantt")).get(reverse("dashboard")).content.decode()
    assert "Confirm the paper signing of" in page


def test_signing_page_query_count_does_not_grow_with_paper_signings(world, agreement):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("agreements:signing", args=[agreement.pk])
    client = login(world.user("bantt"))
    _record(world, agreement)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for unit in ("hoangmai", "badinh", "haibatrung"):
        paper = _record(world, agreement, unit=unit)
        signing.paper_signing_contest(actor=world.user(unit), paper=paper, reason="x")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(one.captured_queries)


def test_the_units_chair_is_mailed_with_the_period(
    world, agreement, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        paper = _record(world, agreement)
    assert [m.to for m in mail.outbox] == [[world.user("longbien").email]]
    body = " ".join(mail.outbox[0].body.split())
    assert "Recorded by Đỗ Trọng Nam" in body
    assert f"after {timezone.localtime(paper.contest_until):%d/%m/%Y %H:%M}" in body
    assert "contest it before then" in body


def test_dashboards_cost_the_same_with_1_or_4_paper_signings(world, agreement):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(username):
        client = login(world.user(username))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("dashboard")).status_code == 200
        return len(queries.captured_queries)

    _record(world, agreement)
    one = [count("bantt"), count("longbien")]
    for unit in ("hoangmai", "badinh", "haibatrung"):
        paper = _record(world, agreement, unit=unit)
        signing.paper_signing_contest(actor=world.user(unit), paper=paper, reason="x")
    assert [count("bantt"), count("longbien")] == one
