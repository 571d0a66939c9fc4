"""The unread count of the menu: one query, and only when a page shows the menu."""

from functools import partial

from core.notifications.selectors import unread_count


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": partial(unread_count, user)}
