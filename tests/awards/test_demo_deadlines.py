"""The demo's open year (2021) carries the deadlines still ahead of it: the signing and the
proposal file. The dashboards show them, `send_reminders` reminds the signing once, and a chair's
calendar feed has its events."""

import datetime
import io

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from agreements.models import Agreement
from awards.models import ProposalDeadline
from core.calendar.services import feed_issue
from core.dashboard import tasks_for
from core.models import ReminderSent
from demo import stages

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return stages.build("decided")


def test_the_open_year_has_its_deadlines_ahead(demo):
    now = timezone.now()
    agreement = Agreement.objects.get(pk=demo.agreement_2021.pk)
    # Within the reminders' window, so that the demo has a reminder to send.
    window = datetime.timedelta(days=settings.REMINDER_DAYS)
    assert now < agreement.signing_deadline < now + window
    proposal_file = ProposalDeadline.objects.get(cluster_year=demo.cluster_year_2021)
    assert proposal_file.due > agreement.signing_deadline
    assert proposal_file.set_by == demo.user("bantt")
    # The 2020 year is over: no deadline was added to it.
    assert not ProposalDeadline.objects.filter(cluster_year=demo.cluster_year).exists()
    # Loading the demo again keeps the dates it set.
    stages.build("decided")
    assert Agreement.objects.get(pk=agreement.pk).signing_deadline == agreement.signing_deadline
    assert ProposalDeadline.objects.get(pk=proposal_file.pk).due == proposal_file.due


def test_the_dashboards_show_the_due_dates(demo, client):
    agreement = Agreement.objects.get(pk=demo.agreement_2021.pk)
    to_sign = [
        t for t in tasks_for(demo.user("badinh")) if t.url.endswith(f"/{agreement.pk}/sign/")
    ]
    assert to_sign and to_sign[0].due == agreement.signing_deadline and not to_sign[0].late
    client.force_login(demo.user("badinh"))
    page = client.get(reverse("dashboard")).content.decode()
    due = timezone.localtime(agreement.signing_deadline)
    assert f"{due:%d/%m/%Y}" in page
    # The parent body's staff see the proposal file's date on the year's awards.
    client.force_login(demo.user("bantt"))
    proposal_file = ProposalDeadline.objects.get(cluster_year=demo.cluster_year_2021)
    page = client.get(reverse("awards:parent_awards", args=[demo.parent.pk, 2021])).content
    assert f"{timezone.localtime(proposal_file.due):%d/%m/%Y}" in page.decode()


def test_send_reminders_reminds_the_signing_once(demo):
    mail.outbox.clear()
    call_command("send_reminders", stdout=io.StringIO())
    keys = list(ReminderSent.objects.values_list("key", flat=True))
    assert any(key.startswith(f"agreement.signing:{demo.agreement_2021.pk}@") for key in keys)
    assert len(mail.outbox) >= 1
    mail.outbox.clear()
    call_command("send_reminders", stdout=io.StringIO())
    assert ReminderSent.objects.count() == len(keys)
    assert mail.outbox == []


def test_a_chairs_calendar_feed_has_the_deadlines(demo, client):
    token = feed_issue(actor=demo.user("badinh"))
    response = client.get(reverse("calendar_feed", args=[token]))
    assert response.status_code == 200
    events = Calendar.from_ical(response.content).walk("VEVENT")
    agreement = Agreement.objects.get(pk=demo.agreement_2021.pk)
    starts = {event["UID"].split("@")[0]: event.decoded("DTSTART") for event in events}
    assert starts[f"agreement.signing:{agreement.pk}"] == agreement.signing_deadline
    proposal_file = ProposalDeadline.objects.get(cluster_year=demo.cluster_year_2021)
    assert starts[f"awards.proposal:{demo.cluster_year_2021.pk}"] == proposal_file.due
