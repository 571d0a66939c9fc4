"""E-mail from templates, one message per recipient; called after the commit, never inside it."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import lazy

from core.notifications.services import notify, recipients_of

logger = logging.getLogger(__name__)


def _subject(template, context):
    return " ".join(render_to_string(f"{template}_subject.txt", context).split())


# The subject in the language active when it is read: once per language for the notification.
_lazy_subject = lazy(_subject, str)


def send_each(recipients, template, context):
    """Send `template` (its _subject.txt and _body.txt) to each recipient; return how many mails.

    A recipient is an address or a user. Each user concerned (given, or whose account has one of
    the addresses) also gets the message as an in-app notification linking to `context["link"]`,
    so that a user without an address, or whose mail is lost, still sees it, titled with the
    subject in the language they read the site in. The e-mail itself is written in the site's
    default language (settings.LANGUAGE_CODE), whatever language the sender reads the site in.
    Nobody sees the others' addresses. A mail server outage is logged, never raised: the change
    that the message announces is already committed.
    """
    recipients = [r for r in recipients if r]
    users = [r for r in recipients if not isinstance(r, str)]
    addresses = {r for r in recipients if isinstance(r, str)} | {u.email for u in users if u.email}
    with translation.override(settings.LANGUAGE_CODE):
        subject = _subject(template, context)
        body = render_to_string(f"{template}_body.txt", context)
    notify(
        recipients_of(addresses, users), _lazy_subject(template, context), context.get("link", "")
    )
    messages = [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        for address in sorted(addresses)
    ]
    if messages:
        try:
            mailers.default.send_messages(messages)
        except OSError:
            logger.exception("Could not send %s to %d recipients", template, len(messages))
    return len(messages)
