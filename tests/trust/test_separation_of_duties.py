"""Separation of duties: nobody gives themselves the right to sign, vote or seal for a unit.

A position that grants such a right (chair, vice-chair, clerk, or "may sign") counts only once a
second person of the parent body confirms it, however it is made: the form, the import, the
admin. The unit's chair is told and the change is in the unit's history.
"""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.signing.digital.access import clerk_unit_ids
from awards.services import votes as voting
from clusters import access, services
from clusters.models import Person, Position
from core.models import AuditEntry
from tests.agreements.signing.support import adopt_agreement, sign
from tests.awards.conftest import ranked, the_meeting  # noqa: F401  (fixtures)
from tests.awards.support import candidate_ids, session
from tests.clusters.test_views import login
from tests.results.support import results  # noqa: F401  (the results world, a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in English (the msgids), whatever catalogue is compiled."""
    settings.LANGUAGE_CODE = "en"


def _refused(callable_, match):
    with pytest.raises(ValidationError) as info:
        callable_()
    text = " ".join(str(m) for m in info.value.messages)
    assert match in text, text


def _self_appointment(world, client, unit="hoangmai", **changes):
    """Parent staff (bantt) posts the unit's new-position form with their own person."""
    data = {
        "person": world.user("bantt").person.pk,
        "title": "vice_chair",
        "can_sign": "on",
        "start": "2019-01-01",
        **changes,
    }
    response = client.post(reverse("clusters:position_create", args=[world.unit(unit).pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Position.objects.get(person=world.user("bantt").person, unit=world.unit(unit))


def _fresh(user):
    access.forget(user)
    return user


# --- the attack of the issue: sign ----------------------------------------------------------


def test_parent_staff_who_appoint_themselves_cannot_sign_until_a_second_person_confirms(world):
    bantt = world.user("bantt")
    position = _self_appointment(world, login(bantt))
    assert position.confirmation == "pending"
    assert position.requested_by == bantt
    agreement = adopt_agreement(world)
    hoangmai = world.unit("hoangmai")

    _refused(lambda: sign(world, "bantt", agreement, unit=hoangmai), "")
    assert not agreement.signatures.filter(unit=hoangmai).exists()
    assert hoangmai.pk not in access.signer_unit_ids(_fresh(bantt))
    # The sign page does not offer Hoàng Mai to them either.
    page = login(bantt).get(reverse("agreements:sign", args=[agreement.pk]))
    assert page.status_code in (403, 404)

    # They cannot confirm it themselves…
    _refused(lambda: services.position_confirm(actor=bantt, position=position), "A second person")
    # …and the second staff member can: then (and only then) the right counts.
    services.position_confirm(actor=world.user("bantt2"), position=position)
    assert hoangmai.pk in access.signer_unit_ids(_fresh(bantt))
    signature = sign(world, "bantt", agreement, unit=hoangmai)
    assert signature.unit == hoangmai


# --- the attack of the issue: vote ----------------------------------------------------------


def test_parent_staff_who_appoint_themselves_cannot_cast_the_units_ballot(ranked, the_meeting):  # noqa: F811
    world = ranked
    bantt = world.user("bantt")
    position = _self_appointment(world, login(bantt))
    leading = session(world, the_meeting, "leading")
    leading = voting.session_open(actor=world.user("dongda"), session=leading)

    def cast():
        return voting.ballot_cast(
            actor=_fresh(bantt),
            session=leading,
            unit=world.unit("hoangmai"),
            choices=candidate_ids(leading, "dongda", world=world),
        )

    _refused(cast, "")
    assert not leading.rounds.get().participations.filter(unit=world.unit("hoangmai")).exists()
    services.position_confirm(actor=world.user("bantt2"), position=position)
    cast()
    assert leading.rounds.get().participations.filter(unit=world.unit("hoangmai")).exists()


# --- the confirmation's rules ---------------------------------------------------------------


def test_the_appointee_cannot_confirm_a_right_asked_for_them(world):
    """bantt2 asks for bantt: bantt cannot confirm their own right; a third person can."""
    position = services.position_create(
        actor=world.user("bantt2"),
        person=world.user("bantt").person,
        unit=world.unit("longbien"),
        title="vice_chair",
        can_sign=True,
    )
    _refused(
        lambda: services.position_confirm(actor=world.user("bantt"), position=position),
        "Nobody confirms a right given to themselves",
    )
    services.position_confirm(actor=world.user("admin"), position=position)
    position.refresh_from_db()
    assert position.confirmation == "confirmed"
    assert position.confirmed_by == world.user("admin")


def test_a_member_units_chair_cannot_confirm(world):
    position = services.position_create(
        actor=world.user("bantt"),
        person=Person.objects.get(full_name="Bùi Thị L"),
        unit=world.unit("longbien"),
        title="vice_chair",
        can_sign=True,
    )
    _refused(
        lambda: services.position_confirm(actor=world.user("longbien"), position=position),
        "Only the parent body's staff",
    )
    assert Position.objects.get(pk=position.pk).confirmation == "pending"


def test_a_refusal_needs_a_reason_and_the_position_never_counts(world):
    bantt = world.user("bantt")
    position = _self_appointment(world, login(bantt))
    _refused(
        lambda: services.position_refuse(
            actor=world.user("bantt2"), position=position, reason="  "
        ),
        "Give the reason",
    )
    services.position_refuse(actor=world.user("bantt2"), position=position, reason="Không có QĐ")
    position.refresh_from_db()
    assert (position.confirmation, position.refusal_reason) == ("refused", "Không có QĐ")
    assert world.unit("hoangmai").pk not in access.signer_unit_ids(_fresh(bantt))
    _refused(
        lambda: services.position_confirm(actor=world.user("admin"), position=position),
        "no longer waiting",
    )


def test_an_officer_position_counts_at_once(world):
    position = services.position_create(
        actor=world.user("bantt"),
        person=Person.objects.get(full_name="Bùi Thị L"),
        unit=world.unit("longbien"),
        title="officer",
    )
    assert position.confirmation == "confirmed" and position.confirmed_by is None


def test_widening_an_officer_into_a_signer_waits_again_and_ending_does_not(world):
    position = Position.objects.get(person__user=world.user("canbo.badinh"))
    services.position_update(
        actor=world.user("bantt"), position=position, title="vice_chair", can_sign=True
    )
    position.refresh_from_db()
    assert position.confirmation == "pending"
    assert world.unit("badinh").pk not in access.signer_unit_ids(_fresh(world.user("canbo.badinh")))

    chair = Position.objects.get(person__user=world.user("badinh"))
    services.position_update(
        actor=world.user("bantt"), position=chair, end=datetime.date(2030, 1, 1)
    )
    chair.refresh_from_db()
    assert chair.confirmation == "confirmed"
    # Prolonging it is a new grant: a second person confirms it again.
    services.position_update(actor=world.user("bantt"), position=chair, end=None)
    chair.refresh_from_db()
    assert chair.confirmation == "pending"


def test_the_clerk_title_waits_for_confirmation(world):
    """The clerk applies the unit's organisation signature: the same rule."""
    clerk = world.user("canbo.dongda")
    position = services.position_create(
        actor=world.user("bantt"),
        person=clerk.person,
        unit=world.unit("dongda"),
        title=Position.Title.CLERK,
    )
    assert position.confirmation == "pending"
    assert clerk_unit_ids(clerk) == set()
    services.position_confirm(actor=world.user("bantt2"), position=position)
    assert clerk_unit_ids(clerk) == {world.unit("dongda").pk}


def test_the_import_of_positions_asks_for_confirmation_of_signers(world):
    from clusters.imports import import_position

    position = import_position(
        world.user("bantt"),
        {
            "unit": world.unit("longbien").name,
            "full_name": "Lò Văn Nhập",
            "title": "Phó Chủ tịch",
            "can_sign": "có",
            "start": "01/01/2020",
        },
    )
    assert (position.can_sign, position.confirmation) == (True, "pending")
    assert position.requested_by == world.user("bantt")


def test_the_admin_asks_for_confirmation_too(world):
    admin = login(world.user("admin"))
    response = admin.post(
        reverse("admin:clusters_position_add"),
        {
            "person": Person.objects.get(full_name="Bùi Thị L").pk,
            "unit": world.unit("longbien").pk,
            "title": "chair",
            "can_sign": "on",
            "start": "2020-01-01",
        },
    )
    assert response.status_code == 302
    position = Position.objects.get(
        person__full_name="Bùi Thị L", unit=world.unit("longbien"), title="chair"
    )
    assert (position.confirmation, position.requested_by) == ("pending", world.user("admin"))
    _refused(
        lambda: services.position_confirm(actor=world.user("admin"), position=position),
        "A second person",
    )


# --- pages: the unit, the dashboard, the buttons ---------------------------------------------


def test_the_unit_page_shows_the_pending_appointment_and_buttons_to_the_second_person(world):
    position = _self_appointment(world, login(world.user("bantt")))
    url = reverse("clusters:unit", args=[world.unit("hoangmai").pk])
    confirm_url = reverse("clusters:position_confirm", args=[position.pk])

    mine = login(world.user("bantt")).get(url).content.decode()
    assert "position-pending" in mine and confirm_url not in mine
    theirs = login(world.user("bantt2")).get(url).content.decode()
    assert confirm_url in theirs
    chair = login(world.user("hoangmai")).get(url).content.decode()
    assert "position-pending" in chair and confirm_url not in chair
    # The unit's history tells the appointment.
    history = login(world.user("hoangmai")).get(url).context["audit_entries"]
    assert any(e.action == "position.create" and e.subject for e in history)


def test_confirm_and_refuse_through_the_pages(world):
    position = _self_appointment(world, login(world.user("bantt")))
    second = login(world.user("bantt2"))
    response = second.post(reverse("clusters:position_confirm", args=[position.pk]))
    assert response.status_code == 302
    assert response.url == reverse("clusters:unit", args=[world.unit("hoangmai").pk])
    position.refresh_from_db()
    assert (position.confirmation, position.confirmed_by) == ("confirmed", world.user("bantt2"))
    assert AuditEntry.objects.filter(action="position.confirm", object_id=str(position.pk)).exists()

    other = _self_appointment(world, login(world.user("bantt")), unit="longbien")
    response = second.post(
        reverse("clusters:position_refuse", args=[other.pk]),
        {"reason": "Không đúng quy trình", "back": "dashboard"},
    )
    assert response.status_code == 302 and response.url == reverse("dashboard")
    other.refresh_from_db()
    assert other.confirmation == "refused"


def test_the_requester_is_told_why_they_cannot_confirm(world):
    client = login(world.user("bantt"))
    position = _self_appointment(world, client)
    response = client.post(reverse("clusters:position_confirm", args=[position.pk]), follow=True)
    assert response.status_code == 200
    assert Position.objects.get(pk=position.pk).confirmation == "pending"
    assert "A second person" in response.content.decode()


@pytest.mark.parametrize(
    ("username", "status"), [("ngoai", 404), ("hoangmai", 403), ("canbo.dongda", 403)]
)
@pytest.mark.parametrize("name", ["clusters:position_confirm", "clusters:position_refuse"])
def test_outsiders_get_404_and_members_403(world, username, status, name):
    position = _self_appointment(world, login(world.user("bantt")))
    response = login(world.user(username)).post(reverse(name, args=[position.pk]), {"reason": "x"})
    assert response.status_code == status
    assert Position.objects.get(pk=position.pk).confirmation == "pending"


def test_confirm_refuses_get(world):
    position = _self_appointment(world, login(world.user("bantt")))
    response = login(world.user("bantt2")).get(
        reverse("clusters:position_confirm", args=[position.pk])
    )
    assert response.status_code == 405


def test_the_dashboard_asks_the_second_person_and_warns_the_units_chair(world):
    position = _self_appointment(world, login(world.user("bantt")))
    confirm_url = reverse("clusters:position_confirm", args=[position.pk])
    second = login(world.user("bantt2")).get(reverse("dashboard")).content.decode()
    assert confirm_url in second
    mine = login(world.user("bantt")).get(reverse("dashboard"))
    assert confirm_url not in mine.content.decode()
    assert any("Waiting for confirmation" in t.title for t in _tasks(mine))
    chair = login(world.user("hoangmai")).get(reverse("dashboard"))
    assert any("in your unit" in t.title for t in _tasks(chair))


def _tasks(response):
    return [task for _kind, _label, tasks in response.context["task_groups"] for task in tasks]


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_dashboard_and_unit_page_cost_the_same_with_1_or_10_pending(world):
    bantt = world.user("bantt")
    unit = world.unit("hoangmai")
    people = [services.person_create(actor=bantt, full_name=f"Người Chờ {i}") for i in range(10)]
    services.position_create(
        actor=bantt, person=people[0], unit=unit, title="vice_chair", can_sign=True
    )
    second = login(world.user("bantt2"))
    chair = login(world.user("hoangmai"))
    urls = [reverse("dashboard"), reverse("clusters:unit", args=[unit.pk])]
    one = [_queries(c, u) for c in (second, chair) for u in urls]
    for person in people[1:]:
        services.position_create(
            actor=bantt, person=person, unit=unit, title="vice_chair", can_sign=True
        )
    many = [_queries(c, u) for c in (second, chair) for u in urls]
    assert many == one


# --- the unit is told -----------------------------------------------------------------------


def test_the_units_chair_is_mailed_when_asked_and_when_decided(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        position = _self_appointment(world, login(world.user("bantt")))
    chair_address = world.user("hoangmai").email
    assert [m.to for m in mail.outbox] == [[chair_address]]
    assert "Ngô Thị H" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.position_confirm(actor=world.user("bantt2"), position=position)
    assert [m.to for m in mail.outbox][-1] == [chair_address]
    assert "confirmed" in mail.outbox[-1].body


def test_without_a_chair_the_units_people_are_told(world, django_capture_on_commit_callbacks):
    chair = Position.objects.get(person__user=world.user("badinh"))
    services.position_update(
        actor=world.user("bantt"), position=chair, end=datetime.date(2019, 12, 31)
    )
    with django_capture_on_commit_callbacks(execute=True):
        _self_appointment(world, login(world.user("bantt")), unit="badinh")
    assert [m.to for m in mail.outbox] == [[world.user("canbo.badinh").email]]


def test_positions_made_before_the_rule_are_migrated_as_confirmed(world):
    """The data migration counts every position that existed as confirmed, so that current
    data keeps working (run here on a position left pending)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("clusters.migrations.0005_position_confirmation")
    position = _self_appointment(world, login(world.user("bantt")))
    migration.existing_positions_confirmed(apps, None)
    position.refresh_from_db()
    assert position.confirmation == "confirmed"
    assert world.unit("hoangmai").pk in access.signer_unit_ids(_fresh(world.user("bantt")))
