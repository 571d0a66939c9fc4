"""The unread count of the menu: one query, and only when a page shows the menu.

Nothing is read when the context is built: a page that shows no menu (the benchmark's bare
page, a document) reads neither the session's user nor the count.
"""

from functools import partial

from core.notifications.selectors import unread_count


def _unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user)


def notifications(request):
    return {"unread_notifications": partial(_unread, request)}
