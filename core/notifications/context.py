"""The unread count of the menu, only when a page shows the menu.

Nothing is read when the context is built: a page that shows no menu (the benchmark's bare
page, a document) reads neither the session's user nor the count. The session's user comes
with the count read in the same query (core.auth); any other user costs one query.
"""

from functools import partial

from core.auth import UNREAD
from core.notifications.selectors import unread_count


def _unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    # The session's user was read with the count (core.auth); a user set another way is not.
    counted = getattr(user, UNREAD, None)
    return unread_count(user) if counted is None else counted


def notifications(request):
    return {"unread_notifications": partial(_unread, request)}
