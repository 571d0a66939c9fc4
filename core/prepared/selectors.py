"""Reads of prepared files: a user's own job, the latest ready copy."""

from django.http import Http404
from django.utils import timezone

from core.models import PreparedFile
from core.prepared.kinds import retention


def get_job(user, pk):
    """The user's own job, or 404 (nobody sees another person's files)."""
    job = PreparedFile.objects.filter(pk=pk, requested_by_id=user.pk).first()
    if job is None:
        raise Http404
    return job


def latest_ready(user, kind, params):
    """The user's latest ready file of this kind and object still kept, or None."""
    return (
        PreparedFile.objects.filter(
            requested_by=user,
            kind=kind.key,
            params=params,
            status=PreparedFile.Status.READY,
            created_at__gte=timezone.now() - retention(),
        )
        .order_by("-created_at", "-pk")
        .first()
    )
