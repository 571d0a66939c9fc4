"""E-mail from templates, one message per recipient; called after the commit, never inside it."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def send_each(recipients, template, context):
    """Send `template` (its _subject.txt and _body.txt) to each address; return how many.

    Nobody sees the others' addresses. A mail server outage is logged, never raised: the change
    that the message announces is already committed.
    """
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}_body.txt", context)
    messages = [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        for address in sorted({address for address in recipients if address})
    ]
    if messages:
        try:
            mailers.default.send_messages(messages)
        except OSError:
            logger.exception("Could not send %s to %d recipients", template, len(messages))
    return len(messages)
