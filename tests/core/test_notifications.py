"""In-app notifications: one per e-mail, a count in the menu, the list, opening, reading all."""

import datetime
import re

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from agreements import services
from agreements.models import Agreement
from clusters.models import Position
from core.mail import send_each
from core.models import Notification
from core.notifications.services import notify
from core.text import lazy_interpolate
from tests.core.test_mail import TEMPLATE, _context


@pytest.fixture
def head(world):
    return world.user("canbo.dongda")


@pytest.fixture
def member(world):
    return world.user("canbo.badinh")


def circulate(world, head, capture_on_commit):
    agreement = services.agreement_create(
        actor=head, cluster_year=world.cluster_year, origin=Agreement.Origin.BLANK
    )
    services.section_add(actor=head, agreement=agreement, heading="", text="Đổi mới thi đua")
    mail.outbox.clear()
    with capture_on_commit(execute=True):
        services.agreement_circulate(actor=head, agreement=agreement)
    return agreement


@pytest.fixture
def circulated(world, head, django_capture_on_commit_callbacks):
    return circulate(world, head, django_capture_on_commit_callbacks)


def reading_in(client, language):
    """The client reads the site in `language`, as the language switch's cookie says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


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


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_lists_queries_do_not_grow_with_its_length(
    world, client_for, member, django_assert_num_queries, language
):
    def title(i):
        return lazy_interpolate(
            gettext_lazy("Comments on the draft %(title)s (%(cluster)s)"),
            {"title": f"Tin {i}", "cluster": "Cụm 1"},
        )

    notify([member.pk], title(0), "/")
    client = reading_in(client_for(member), language)
    client.get(reverse("notifications"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("notifications"))
    for i in range(1, 21):
        notify([member.pk], title(i), "/")
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(reverse("notifications"))
    expected = {"vi": "Góp ý dự thảo Tin 20", "en": "Comments on the draft Tin 20"}[language]
    assert expected in page.text


# --- in the reader's language ---------------------------------------------------------------


def test_a_notification_sent_in_english_is_shown_in_each_readers_language(
    world, head, member, client_for, django_capture_on_commit_callbacks
):
    with translation.override("en"):  # the officer who circulates reads the site in English
        circulate(world, head, django_capture_on_commit_callbacks)
    vietnamese, english = "Dự thảo lấy ý kiến:", "Draft for comment:"
    notification = Notification.objects.get(recipient=member)
    assert notification.title.startswith(vietnamese)
    assert set(notification.titles) == {code for code, _name in settings.LANGUAGES}
    assert notification.titles["en"].startswith(english)
    client = client_for(member)
    page = client.get(reverse("notifications"))
    assert page.status_code == 200
    assert vietnamese in page.text and english not in page.text
    page = reading_in(client, "en").get(reverse("notifications"))
    assert english in page.text and vietnamese not in page.text
    page = reading_in(client, "vi").get(reverse("notifications"))
    assert vietnamese in page.text and english not in page.text


def test_the_mail_of_a_sender_reading_in_english_is_in_vietnamese(
    world, head, member, django_capture_on_commit_callbacks
):
    with translation.override("en"):
        circulate(world, head, django_capture_on_commit_callbacks)
    assert mail.outbox
    for message in mail.outbox:
        assert message.subject.startswith("Dự thảo lấy ý kiến:")
        assert "đã gửi lấy ý kiến dự thảo" in message.body
        assert "has circulated the draft" not in message.body
    assert Notification.objects.get(recipient=member).title == mail.outbox[0].subject


def test_a_plain_title_is_the_same_in_every_language_and_a_lazy_one_is_translated(world, member):
    notify([member.pk], "  Tin   của\n tôi ", "/")
    lazy = lazy_interpolate(
        gettext_lazy("Reminder: %(title)s — due %(date)s"),
        {"title": "Giao ước", "date": "01/02/2020"},
    )
    notify([member.pk], lazy, "/")
    plain, translated = Notification.objects.order_by("pk")
    assert plain.title == "Tin của tôi" and set(plain.titles.values()) == {"Tin của tôi"}
    assert translated.titles == {
        "vi": "Nhắc hạn: Giao ước — hạn 01/02/2020",
        "en": "Reminder: Giao ước — due 01/02/2020",
    }
    assert translated.title == translated.titles["vi"]


def test_an_old_notification_without_titles_by_language_still_shows_its_title(
    world, member, client_for
):
    Notification.objects.create(recipient=member, title="Tin gửi trước khi có bản dịch", link="/")
    client = client_for(member)
    for language in ("vi", "en"):
        page = reading_in(client, language).get(reverse("notifications"))
        assert page.status_code == 200 and "Tin gửi trước khi có bản dịch" in page.text


def test_a_language_missing_from_a_row_falls_back_to_the_default_language(world, member):
    Notification.objects.create(
        recipient=member, title="Bản lưu", titles={"vi": "Tiếng Việt"}, link="/"
    )
    notification = Notification.objects.get()
    with translation.override("en"):
        assert notification.shown_title == "Tiếng Việt"


def test_the_migration_adds_the_titles_and_keeps_the_old_rows(world, member):
    before, after = [("core", "0005_calendar_feed")], [("core", "0006_notification_titles")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("core", "Notification")
    assert "titles" not in {f.name for f in old._meta.get_fields()}
    old.objects.create(recipient_id=member.pk, title="Tin cũ", link="/")
    with connection.cursor() as cursor:  # no deferred check may be pending when the table changes
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    notification = Notification.objects.get(recipient=member)
    assert notification.titles == {} and notification.shown_title == "Tin cũ"
