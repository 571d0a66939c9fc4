"""The calendar address: made, replaced and revoked by its user; only its hash is stored."""

import hashlib
import secrets

from core.audit import audit_record
from core.models import CalendarFeed

TOKEN_BYTES = 24  # 192 bits


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def feed_issue(*, actor):
    """A new address for the user's calendar (any earlier one stops working); returns the token."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed, created = CalendarFeed.objects.update_or_create(
        user=actor, defaults={"token_hash": token_hash(token)}
    )
    audit_record(actor=actor, obj=feed, action="calendar.issue" if created else "calendar.replace")
    return token


def feed_revoke(*, actor):
    feed = CalendarFeed.objects.filter(user=actor).first()
    if feed is None:
        return False
    audit_record(actor=actor, obj=feed, action="calendar.revoke")
    feed.delete()
    return True


def user_for_token(token):
    """The active user whose calendar the token opens, or None."""
    feed = (
        CalendarFeed.objects.filter(token_hash=token_hash(token or ""))
        .select_related("user")
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    return feed.user
