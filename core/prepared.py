"""Prepared files: documents and exports produced in the background (django.tasks).

Each app registers the kinds it offers (`register`), like the dashboard's providers: a kind
knows how to find its object for a user (the app's access check, which raises 404 or 403) and
how to produce the file from that object. A request only creates the job and queues the task;
the page shows the job's progress (htmx polling) and then the download link. In tests and in
`make run` the immediate backend runs the task inside the request.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from core.models import PreparedFile

logger = logging.getLogger(__name__)

_kinds = {}


@dataclass(frozen=True)
class Produced:
    """What a producer returns: the file's bytes and the name it is downloaded under."""

    content: bytes
    filename: str


@dataclass(frozen=True)
class Kind:
    """One kind of prepared file.

    `target(user, **params)` returns the object the file is made from, or raises Http404 /
    PermissionDenied (the app's access check); `produce(obj, **params)` returns `Produced`;
    `title(obj, **params)` names the file for people; `url_name` is the URL that prepares it
    (its keyword arguments are the params).
    """

    key: str
    url_name: str
    target: Callable
    produce: Callable
    title: Callable

    def prepare_url(self, params):
        return reverse(self.url_name, kwargs=params)


def register(kind):
    _kinds[kind.key] = kind
    return kind


def kind_for(key):
    try:
        return _kinds[key]
    except KeyError:
        raise Http404 from None


def retention():
    return datetime.timedelta(hours=settings.PREPARED_FILE_HOURS)


# --- services ----------------------------------------------------------------------------


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
    from core.tasks import prepare_file

    prepare_file.enqueue(job.pk)
    job.refresh_from_db()  # the immediate backend has run it already
    return job


def _claim(job_pk):
    with transaction.atomic():
        job = (
            PreparedFile.objects.select_for_update()
            .select_related("requested_by")
            .filter(pk=job_pk, status=PreparedFile.Status.QUEUED)
            .first()
        )
        if job is None:
            return None
        job.status = PreparedFile.Status.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    return job


def run(job_pk):
    """Produce the file of a queued job (the task's body); return its final status."""
    job = _claim(job_pk)
    if job is None:
        return "skipped"
    try:
        kind = kind_for(job.kind)
        obj = kind.target(job.requested_by, **job.params)  # access may have changed meanwhile
        produced = kind.produce(obj, **job.params)
    except Exception as error:  # any failure ends in a visible state the user can retry
        logger.exception("Preparing %s (job %s) failed", job.kind, job.pk)
        job.status = PreparedFile.Status.FAILED
        job.error = f"{type(error).__name__}: {error}"[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return job.status
    job.file.save(produced.filename, ContentFile(produced.content), save=False)
    job.filename = produced.filename
    job.size = len(produced.content)
    job.status = PreparedFile.Status.READY
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "filename", "size", "status", "finished_at"])
    prune()
    return job.status


def prune(now=None):
    """Delete the jobs and files older than the retention period; return how many."""
    cutoff = (now or timezone.now()) - retention()
    old = list(PreparedFile.objects.filter(created_at__lt=cutoff))
    for job in old:
        if job.file:
            job.file.delete(save=False)
    PreparedFile.objects.filter(pk__in=[job.pk for job in old]).delete()
    return len(old)


# --- reading -----------------------------------------------------------------------------


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
