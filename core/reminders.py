"""Reminders before every deadline: each app says which of its steps fall due, core sends.

An app registers `provider(start, end) -> iterable[Due]` (in its AppConfig.ready()): the steps
still to do whose deadline lies in [start, end), with whom to remind. `send_reminders()` — run
daily by the `send_reminders` command — sends each one once, by e-mail and in-app notification
(core.mail.send_each), and records it (ReminderSent).
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from core.mail import send_each
from core.models import ReminderSent
from core.registry import Registry

logger = logging.getLogger(__name__)

_providers = Registry()


@dataclass(frozen=True)
class Due:
    key: str  # the step, stable: "agreement.consultation:12"
    title: str  # what is due, lazy (core.text.lazy_interpolate): read in each reader's language
    due: datetime.datetime
    link: str  # a path of the site
    recipients: list = field(default_factory=list)  # core.mail recipients: addresses or users


def register(provider):
    """Register `provider(start, end) -> iterable[Due]`; usable as a decorator."""
    return _providers.register(provider)


def due_between(start, end):
    return sorted(_providers.collect(start, end), key=lambda item: (item.due, item.key))


def send_reminders(now=None, days=None):
    """Remind every step due within `days` (REMINDER_DAYS) that was not reminded yet.

    Returns the reminders sent. The record is written before the mail goes, so that two runs
    at once never send the same reminder twice.
    """
    now = now or timezone.now()
    days = settings.REMINDER_DAYS if days is None else days
    sent = []
    for item in due_between(now, now + datetime.timedelta(days=days)):
        key = f"{item.key}@{item.due.isoformat()}"[:200]
        with translation.override(settings.LANGUAGE_CODE):
            title = str(item.title)[:300]
        try:
            with transaction.atomic():
                record = ReminderSent.objects.create(key=key, title=title, due=item.due)
        except IntegrityError:
            continue  # reminded already
        context = {
            "title": item.title,
            "due": timezone.localtime(item.due),
            "link": f"{settings.SITE_URL}{item.link}",
        }
        record.recipients = send_each(item.recipients, "reminders/email/reminder", context)
        record.save(update_fields=["recipients"])
        logger.info("Reminder %s sent to %d addresses", key, record.recipients)
        sent.append(record)
    return sent
