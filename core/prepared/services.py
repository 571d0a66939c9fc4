"""Asking for a prepared file: the job is created and its task queued."""

from django.db import transaction

from core.models import PreparedFile
from core.prepared.tasks import prepare_file


def prepare(*, actor, kind, params):
    """Queue the file for `actor` (after the kind's access check) and return the job.

    A request while the same file is still waiting or being prepared returns that job
    instead of queueing a second one.
    """
    obj = kind.target(actor, **params)
    with transaction.atomic():
        pending = (
            PreparedFile.objects.select_for_update()
            .filter(
                requested_by=actor,
                kind=kind.key,
                params=params,
                status__in=[PreparedFile.Status.QUEUED, PreparedFile.Status.RUNNING],
            )
            .first()
        )
        if pending is not None:
            return pending
        job = PreparedFile.objects.create(
            kind=kind.key,
            params=params,
            requested_by=actor,
            title=str(kind.title(obj, **params))[:300],
        )
    prepare_file.enqueue(job.pk)
    job.refresh_from_db()  # the immediate backend has run it already
    return job
