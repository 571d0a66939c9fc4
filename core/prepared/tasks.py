"""The task that produces a prepared file, and the pruning of old ones."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from core.models import PreparedFile
from core.prepared.kinds import kind_for, retention

logger = logging.getLogger(__name__)


@task
def prepare_file(job_pk):
    """Produce one prepared file; queued when a user asks for it."""
    return run(job_pk)


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
