"""The personal calendar feed: made, replaced and revoked by its user, hashed, rate-limited."""

import datetime
import hashlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from agreements import services as agreement_services
from agreements.models import Agreement
from awards.models import ProposalDeadline
from clusters.models import ClusterYear
from core.calendar import views as calendar_views
from core.models import AuditEntry, CalendarFeed

pytestmark = pytest.mark.django_db


def issue(client):
    response = client.post(reverse("calendar_settings"), {"action": "issue"})
    assert response.status_code == 200
    match = re.search(r'value="(http[^"]+/calendar/([^"/]+)\.ics)"', response.text)
    assert match, "the new address is shown once"
    return match.group(2)


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


@pytest.fixture
def circulated(world):
    head = world.user("canbo.dongda")
    agreement = agreement_services.agreement_create(
        actor=head, cluster_year=world.cluster_year, origin=Agreement.Origin.BLANK
    )
    agreement_services.section_add(actor=head, agreement=agreement, heading="", text="Nội dung")
    return agreement_services.agreement_circulate(
        actor=head, agreement=agreement, deadline=timezone.now() + datetime.timedelta(days=9)
    )


def test_the_settings_page_needs_a_login(client):
    response = client.get(reverse("calendar_settings"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_member_gets_an_address_whose_token_is_long_and_stored_hashed(
    world, client_for, circulated
):
    member = world.user("canbo.badinh")
    client = client_for(member)
    assert "calendar_settings" and client.get(reverse("calendar_settings")).status_code == 200
    token = issue(client)
    assert len(token) >= 32  # 24 random bytes: 192 bits
    feed = CalendarFeed.objects.get(user=member)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in feed.token_hash
    assert AuditEntry.objects.filter(action="calendar.issue", actor=member).exists()
    # Not shown again later.
    assert token not in client.get(reverse("calendar_settings")).text

    calendar = parse(client.get(reverse("calendar_feed", args=[token])))
    events = calendar.walk("VEVENT")
    consultation = [e for e in events if str(e["UID"]).startswith("agreement.consultation:")]
    assert len(consultation) == 1
    event = consultation[0]
    assert circulated.title in str(event["SUMMARY"])
    assert event.decoded("DTSTART") == circulated.consultation_deadline.replace(microsecond=0)
    assert str(event["URL"]).endswith(circulated.get_absolute_url())


def test_the_feed_carries_no_contact_data(world, client_for, circulated):
    client = client_for(world.user("canbo.badinh"))
    text = client.get(reverse("calendar_feed", args=[issue(client)])).content.decode()
    for person_user in world.users.values():
        if person_user.email:
            assert person_user.email not in text
    assert "LOCATION" not in text and "ATTENDEE" not in text and "ORGANIZER" not in text


def test_an_outsider_sees_none_of_the_clusters_events(world, client_for, circulated):
    client = client_for(world.user("ngoai"))
    calendar = parse(client.get(reverse("calendar_feed", args=[issue(client)])))
    assert not [e for e in calendar.walk("VEVENT") if circulated.title in str(e["SUMMARY"])]


def test_replacing_the_address_stops_the_old_one_and_revoking_stops_both(world, client_for):
    client = client_for(world.user("canbo.badinh"))
    old = issue(client)
    new = issue(client)
    assert old != new
    assert client.get(reverse("calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("calendar_feed", args=[new])).status_code == 200
    response = client.post(reverse("calendar_settings"), {"action": "revoke"})
    assert response.status_code == 302 and response["Location"] == reverse("calendar_settings")
    assert not CalendarFeed.objects.exists()
    assert client.get(reverse("calendar_feed", args=[new])).status_code == 404


def test_an_unknown_token_or_a_deactivated_user_gets_404(world, client_for, client):
    member = world.user("canbo.badinh")
    token = issue(client_for(member))
    assert client.get(reverse("calendar_feed", args=["x" * 32])).status_code == 404
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert client.get(reverse("calendar_feed", args=[token])).status_code == 404


def test_an_unknown_action_changes_nothing(world, client_for):
    client = client_for(world.user("canbo.badinh"))
    response = client.post(reverse("calendar_settings"), {"action": "delete-all"})
    assert response.status_code == 302
    assert not CalendarFeed.objects.exists()


def test_the_feed_is_rate_limited_per_address(world, client_for, client, monkeypatch):
    monkeypatch.setattr(calendar_views, "FEED_LIMIT", 3)
    token = issue(client_for(world.user("canbo.badinh")))
    answers = [client.get(reverse("calendar_feed", args=[token])).status_code for _ in range(5)]
    assert answers == [200, 200, 200, 429, 429]


def test_the_feeds_queries_do_not_grow_with_its_events(
    world, client_for, client, circulated, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    token = issue(client_for(world.user("canbo.badinh")))
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("calendar_feed", args=[token]))
    Agreement.objects.filter(pk=circulated.pk).update(
        signing_deadline=timezone.now() + datetime.timedelta(days=20)
    )
    for cluster_year in ClusterYear.objects.all():
        ProposalDeadline.objects.create(
            cluster_year=cluster_year, due=timezone.now() + datetime.timedelta(days=30)
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        events = parse(client.get(reverse("calendar_feed", args=[token]))).walk("VEVENT")
    assert len(events) >= 3
