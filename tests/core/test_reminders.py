"""`send_reminders`: each step due soon is reminded once, by e-mail and notification."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from agreements import services as agreement_services
from agreements.models import Agreement
from awards.services import proposals
from core.models import Notification, ReminderSent
from results.models import Assessment
from tests.awards.conftest import ranked  # noqa: F401  (fixtures of the results and awards worlds)
from tests.results.support import results  # noqa: F401

pytestmark = pytest.mark.django_db


def run(days=None):
    out = io.StringIO()
    args = ["send_reminders"] + ([f"--days={days}"] if days is not None else [])
    call_command(*args, stdout=out)
    return out.getvalue()


def soon(days=2):
    return timezone.now() + datetime.timedelta(days=days)


@pytest.fixture
def circulated(world):
    head = world.user("canbo.dongda")
    agreement = agreement_services.agreement_create(
        actor=head, cluster_year=world.cluster_year, origin=Agreement.Origin.BLANK
    )
    agreement_services.section_add(actor=head, agreement=agreement, heading="", text="Nội dung")
    agreement_services.agreement_circulate(actor=head, agreement=agreement, deadline=soon())
    mail.outbox.clear()
    Notification.objects.all().delete()
    return agreement


def test_a_consultation_due_soon_is_reminded_once_by_mail_and_notification(circulated, world):
    output = run()
    assert "1 reminder(s) sent." in output
    member = world.user("canbo.badinh")
    assert any(member.email in m.to for m in mail.outbox)
    subject = mail.outbox[0].subject
    assert circulated.title in subject and "Nhắc" in subject
    assert f"/agreements/{circulated.pk}/" in mail.outbox[0].body
    notification = Notification.objects.get(recipient=member)
    assert notification.title == subject and notification.link.endswith("#comments")
    record = ReminderSent.objects.get()
    circulated.refresh_from_db()
    assert record.recipients == len(mail.outbox) and record.due == circulated.consultation_deadline

    sent = len(mail.outbox)
    assert "0 reminder(s) sent." in run()
    assert len(mail.outbox) == sent and Notification.objects.filter(recipient=member).count() == 1


def test_a_reminder_is_mailed_in_vietnamese_and_notified_in_each_language(circulated, world):
    with translation.override("en"):  # e.g. the command run from an English shell
        run()
    member = world.user("canbo.badinh")
    subject = mail.outbox[0].subject
    assert subject.startswith(f"Nhắc hạn: Góp ý dự thảo {circulated.title}")
    notification = Notification.objects.get(recipient=member)
    assert notification.title == notification.titles["vi"] == subject
    assert notification.titles["en"].startswith(
        f"Reminder: Comments on the draft {circulated.title}"
    )
    assert ReminderSent.objects.get().title.startswith("Góp ý dự thảo")


def test_a_moved_deadline_is_reminded_again(circulated):
    run()
    Agreement.objects.filter(pk=circulated.pk).update(consultation_deadline=soon(1))
    assert "1 reminder(s) sent." in run()
    assert ReminderSent.objects.count() == 2


def test_nothing_is_reminded_too_early_after_the_deadline_or_once_the_step_is_done(
    circulated, world
):
    Agreement.objects.filter(pk=circulated.pk).update(consultation_deadline=soon(10))
    assert "0 reminder(s) sent." in run()
    assert "1 reminder(s) sent." in run(days=11)
    Agreement.objects.filter(pk=circulated.pk).update(
        consultation_deadline=timezone.now() - datetime.timedelta(hours=1)
    )
    assert "0 reminder(s) sent." in run()
    Agreement.objects.filter(pk=circulated.pk).update(
        consultation_deadline=soon(1), status=Agreement.Status.ADOPTED
    )
    assert "0 reminder(s) sent." in run()
    assert mail.outbox  # only the one of the 11-day run


def test_signing_is_reminded_to_the_units_that_have_not_signed(circulated, world):
    agreement_services.agreement_adopt(
        actor=world.user("canbo.dongda"), agreement=circulated, signing_deadline=soon()
    )
    mail.outbox.clear()
    run()
    [record] = ReminderSent.objects.filter(key__startswith="agreement.signing:")
    assert record.recipients == len(mail.outbox) > 0
    assert all("/sign/" in m.body for m in mail.outbox)


def test_self_assessments_due_soon_are_reminded_per_unfinished_sheet(results):  # noqa: F811
    period = results.open(days=2)
    sheets = list(period.assessments.all())
    Assessment.objects.filter(pk=sheets[0].pk).update(status=Assessment.Status.SUBMITTED)
    mail.outbox.clear()
    run()
    keys = set(ReminderSent.objects.values_list("key", flat=True))
    assert {k.split("@")[0] for k in keys} == {
        f"results.self_assessment:{sheet.pk}" for sheet in sheets[1:]
    }


def test_the_proposal_file_is_reminded_to_the_cluster_head(ranked):  # noqa: F811
    proposals.proposal_deadline_set(
        actor=ranked.user("bantt"), cluster_year=ranked.cluster_year, due=soon()
    )
    mail.outbox.clear()
    run()
    record = ReminderSent.objects.get(key__startswith="awards.proposal:")
    assert record.recipients > 0
    dongda_chair = ranked.user("dongda")
    assert Notification.objects.filter(recipient=dongda_chair).exists()


def test_the_command_runs_with_no_step_due(world):
    assert "0 reminder(s) sent." in run()
    assert mail.outbox == []
