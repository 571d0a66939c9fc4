"""Background work of the shared blocks (django.tasks)."""

from django.tasks import task

from core import prepared


@task
def prepare_file(job_pk):
    """Produce one prepared file (core.prepared); queued when a user asks for it."""
    return prepared.run(job_pk)
