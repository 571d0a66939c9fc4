"""Reading a user's notifications (only ever their own)."""

from django.shortcuts import get_object_or_404

from core.models import Notification


def unread_count(user):
    if not user.is_authenticated:
        return 0
    return Notification.objects.for_user(user).unread().count()


def notifications_of(user):
    return Notification.objects.for_user(user)


def get_notification(user, pk):
    """The user's own notification; anyone else's is a 404."""
    return get_object_or_404(Notification.objects.for_user(user), pk=pk)
