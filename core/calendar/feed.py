"""The iCalendar file of a user's events."""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as IcsEvent

from core.calendar import events_for


def feed(user, now=None):
    now = now or timezone.now()
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "thidua"
    calendar = Calendar()
    calendar.add("prodid", "-//Thi đua//Lịch cá nhân//VI")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Thi đua")
    calendar.add("x-published-ttl", "PT6H")
    for event in events_for(user, now):
        item = IcsEvent()
        item.add("uid", f"{event.uid}@{host}")
        item.add("dtstamp", now)
        item.add("summary", event.title)
        start = event.start.astimezone(datetime.UTC)
        item.add("dtstart", start)
        item.add("dtend", start + (event.duration or datetime.timedelta(0)))
        url = f"{settings.SITE_URL}{event.link}"
        item.add("url", url)
        item.add("description", url)
        calendar.add_component(item)
    return calendar.to_ical()
