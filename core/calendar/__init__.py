"""A personal calendar feed (.ics): the conferences and deadlines that concern a user.

Apps register `provider(user) -> iterable[Event]` in their AppConfig.ready(); `events_for(user)`
collects them and `feed(user)` writes the iCalendar file (the `icalendar` library). Events
carry a title, a date and a link, never vote details or personal contact data.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from core.registry import Registry

_providers = Registry()


@dataclass(frozen=True)
class Event:
    uid: str  # stable: "agreement.signing:12"
    title: str
    start: datetime.datetime
    link: str  # a path of the site
    duration: datetime.timedelta | None = None  # None: a deadline (a moment)


def register(provider):
    """Register `provider(user) -> iterable[Event]`; usable as a decorator."""
    return _providers.register(provider)


PAST_DAYS = 366  # older events are left out of the feed


def events_for(user, now=None):
    since = (now or timezone.now()) - datetime.timedelta(days=PAST_DAYS)
    events = [event for provider in _providers for event in provider(user) if event.start >= since]
    return sorted(events, key=lambda event: (event.start, event.uid))
