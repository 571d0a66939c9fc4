"""E-mails about agreements; called after the transaction commits, never inside it."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.template.loader import render_to_string

from agreements.models import Agreement, Comment
from clusters.models import Position

logger = logging.getLogger(__name__)


def _link(obj):
    return f"{settings.SITE_URL}{obj.get_absolute_url()}"


def _send(recipients, template, context):
    """Send one message per recipient (nobody sees the others' addresses)."""
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}_body.txt", context)
    messages = [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        for address in sorted(set(recipients))
        if address
    ]
    if messages:
        try:
            mailers.default.send_messages(messages)
        except OSError:  # the change is committed; a mail server outage must not undo it
            logger.exception("Could not send %s to %d recipients", template, len(messages))
    return len(messages)


def member_addresses(cluster_year):
    """E-mail addresses of the people who work for the cluster year's member units."""
    unit_ids = [m.unit_id for m in cluster_year.memberships.all() if m.is_active]
    positions = (
        Position.objects.current().filter(unit_id__in=unit_ids).select_related("person__user")
    )
    addresses = []
    for p in positions:
        user = p.person.user
        if user is not None and not user.is_active:
            continue
        addresses.append((user.email if user is not None else "") or p.person.email)
    return addresses


def draft_circulated(agreement_pk):
    agreement = Agreement.objects.select_related("cluster_year__cluster").get(pk=agreement_pk)
    context = {"agreement": agreement, "link": _link(agreement)}
    return _send(member_addresses(agreement.cluster_year), "agreements/email/circulated", context)


def comment_answered(comment_pk):
    comment = Comment.objects.select_related("agreement", "author", "unit").get(pk=comment_pk)
    context = {"comment": comment, "agreement": comment.agreement, "link": _link(comment.agreement)}
    return _send([comment.author.email], "agreements/email/comment_answered", context)
