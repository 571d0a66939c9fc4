"""Writing notifications: one per user for each message, read one, read all."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone, translation

from core.models import Notification


def site_path(link):
    """The path of a link of this site (notifications keep paths, not the e-mail's full URL)."""
    link = link or ""
    if link.startswith(settings.SITE_URL):
        link = link[len(settings.SITE_URL) :] or "/"
    return link if link.startswith("/") else ""


def recipients_of(addresses, users=()):
    """The active users to notify: those given, and those whose e-mail is one of `addresses`."""
    ids = {user.pk for user in users if user.is_active}
    lowered = {address.strip().lower() for address in addresses if address}
    if lowered:
        match = Q()
        for address in lowered:
            match |= Q(email__iexact=address)
        users = get_user_model().objects.filter(match, is_active=True)
        ids |= set(users.values_list("pk", flat=True))
    return sorted(ids)


def titles_by_language(title):
    """`title` read once in each language of the site, the default language first.

    A lazy string (gettext_lazy, core.text.lazy_interpolate, a lazily rendered template) gives
    each language its own; a plain string is the same in all of them.
    """
    codes = dict.fromkeys([settings.LANGUAGE_CODE, *(code for code, _name in settings.LANGUAGES)])
    titles = {}
    for code in codes:
        with translation.override(code):
            titles[code] = " ".join(str(title).split())[:300]
    return titles


def notify(user_ids, title, link=""):
    """One unread notification per user, titled in every language; returns how many were written.

    Each reader sees the title in the language they read the site in (Notification.shown_title).
    """
    titles = titles_by_language(title)
    default = titles[settings.LANGUAGE_CODE]
    path = site_path(link)[:500]
    rows = [
        Notification(recipient_id=pk, title=default, titles=titles, link=path)
        for pk in dict.fromkeys(user_ids)
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def mark_read(notification):
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(user):
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())
