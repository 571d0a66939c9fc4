"""The session's user, read with their unread notifications in one query compiled once.

Every logged-in page loads its user, then the menu counts their unread notifications: two
queries Django built and compiled on every request. `UserBackend.get_user` reads both in one
row, from SQL compiled once per process (core.compiled); the menu's count
(core.notifications.context) takes the number read with the user. Log-in itself is Django's
ModelBackend unchanged.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import OuterRef

from core.compiled import compiled
from core.dashboard import count_of
from core.models import Notification

# Set on the user read by get_user: how many notifications they had not read when it was read.
UNREAD = "unread_notifications_at_load"


@compiled
def _user(*, pk):
    unread = Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
    return get_user_model()._default_manager.filter(pk=pk).annotate(**{UNREAD: count_of(unread)})


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            rows = _user(pk=int(user_id))
        except (TypeError, ValueError, OverflowError):
            return None
        if not rows:
            return None
        return rows[0] if self.user_can_authenticate(rows[0]) else None
