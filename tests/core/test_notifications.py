"""In-app notifications: one per e-mail, a count in the menu, the list, opening, reading all."""

import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements import services
from agreements.models import Agreement
from clusters.models import Position
from core.mail import send_each
from core.models import Notification
from core.notifications.services import notify
from tests.core.test_mail import TEMPLATE, _context


@pytest.fixture
def head(world):
    return world.user("canbo.dongda")


@pytest.fixture
def member(world):
    return world.user("canbo.badinh")


@pytest.fixture
def circulated(world, head, django_capture_on_commit_callbacks):
    agreement = services.agreement_create(
        actor=head, cluster_year=world.cluster_year, origin=Agreement.Origin.BLANK
    )
    services.section_add(actor=head, agreement=agreement, heading="", text="Đổi mới thi đua")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.agreement_circulate(actor=head, agreement=agreement)
    return agreement


def test_every_mail_recipient_with_an_account_is_notified_with_the_mails_subject(
    circulated, member
):
    notification = Notification.objects.get(recipient=member)
    subjects = {m.subject for m in mail.outbox}
    assert notification.title in subjects
    assert notification.link == circulated.get_absolute_url()
    assert notification.read_at is None
    notified = set(Notification.objects.values_list("recipient__email", flat=True))
    assert notified and notified <= {address for m in mail.outbox for address in m.to}


def test_a_user_without_an_address_is_notified_and_an_address_without_account_only_mailed(
    world, member
):
    member.email = ""
    member.save(update_fields=["email"])
    sent = send_each([member, "someone@x.invalid"], TEMPLATE, _context())
    assert sent == 1 and mail.outbox[-1].to == ["someone@x.invalid"]
    assert Notification.objects.get().recipient == member


def test_a_deactivated_account_is_not_notified(world, member):
    member.is_active = False
    member.save(update_fields=["is_active"])
    send_each([member.email], TEMPLATE, _context())
    assert not Notification.objects.exists()


def test_the_menu_counts_unread_ones_with_one_query(
    world, client_for, member, django_assert_num_queries
):
    client = client_for(member)
    client.get(reverse("notifications"))  # warm the session
    notify([member.pk], "Một", "/")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dashboard"))
    notify([member.pk], "Hai", "/")
    notify([member.pk], "Ba", "/")
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(reverse("dashboard"))
    assert re.search(r'id="nav-notifications">[^<]+ <span class="badge[^"]*">3<', page.text)


def test_the_list_shows_only_ones_own_with_read_and_unread(world, client_for, member):
    notify([member.pk], "Của tôi", "/")
    notify([world.user("ngoai").pk], "Của người khác", "/")
    Notification.objects.filter(title="Của tôi").update(read_at=timezone.now())
    notify([member.pk], "Chưa đọc", "/")
    page = client_for(member).get(reverse("notifications"))
    assert page.status_code == 200
    assert "Của tôi" in page.text and "Chưa đọc" in page.text
    assert "Của người khác" not in page.text
    assert "notification-unread" in page.text


def test_the_list_needs_a_login(client):
    response = client.get(reverse("notifications"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_opening_marks_read_and_goes_to_the_link(circulated, client_for, member):
    notification = Notification.objects.get(recipient=member)
    client = client_for(member)
    response = client.post(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == circulated.get_absolute_url()
    assert Notification.objects.get(pk=notification.pk).read_at is not None
    assert client.get(response["Location"]).status_code == 200


def test_a_right_lost_since_means_404_at_the_link(circulated, client_for, member):
    notification = Notification.objects.get(recipient=member)
    Position.objects.filter(person__user=member).update(
        end=timezone.localdate() - datetime.timedelta(days=1)
    )
    client = client_for(member)
    response = client.post(reverse("notification_open", args=[notification.pk]), follow=True)
    assert response.status_code == 404


def test_someone_elses_notification_is_404_and_stays_unread(circulated, world, client_for, member):
    notification = Notification.objects.get(recipient=member)
    response = client_for(world.user("ngoai")).post(
        reverse("notification_open", args=[notification.pk])
    )
    assert response.status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_opening_needs_post(circulated, client_for, member):
    notification = Notification.objects.get(recipient=member)
    response = client_for(member).get(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 405


def test_mark_all_read_marks_only_ones_own(world, client_for, member):
    other = world.user("ngoai")
    notify([member.pk, other.pk], "Tin", "/")
    notify([member.pk], "Tin hai", "/")
    response = client_for(member).post(reverse("notifications_read_all"))
    assert response.status_code == 302 and response["Location"] == reverse("notifications")
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    assert Notification.objects.get(recipient=other).read_at is None


def test_the_lists_queries_do_not_grow_with_its_length(
    world, client_for, member, django_assert_num_queries
):
    notify([member.pk], "Tin", "/")
    client = client_for(member)
    client.get(reverse("notifications"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("notifications"))
    for i in range(20):
        notify([member.pk], f"Tin {i}", "/")
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("notifications"))
