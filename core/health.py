"""The health endpoint for load balancers: database, storage and the task queue, as JSON.

200 when the database answers and the media storage can write, read and delete a probe;
503 otherwise. The queue's counts are information (a long queue is not a reason to take an
app server out of rotation). No login: it says nothing about anybody's data.
"""

import time
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

PROBE_DIR = "health"


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0] == 1


def check_storage():
    name = default_storage.save(f"{PROBE_DIR}/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name, "rb") as probe:
            return probe.read() == b"ok"
    finally:
        default_storage.delete(name)


def task_counts():
    """Tasks waiting for a worker and tasks running (django-tasks-db's queue)."""
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).values_list(
        "status", flat=True
    )
    statuses = list(rows)
    return {"pending": statuses.count("READY"), "running": statuses.count("RUNNING")}


def _timed(check):
    started = time.monotonic()
    try:
        result = {"ok": bool(check())}
    except Exception as error:  # a health check reports failures, it does not raise them
        result = {"ok": False, "error": type(error).__name__}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


@never_cache
@require_GET
def health(request):
    checks = {"database": _timed(check_database), "storage": _timed(check_storage)}
    if checks["database"]["ok"]:
        try:
            checks["tasks"] = {"ok": True, **task_counts()}
        except Exception as error:
            checks["tasks"] = {"ok": False, "error": type(error).__name__}
    healthy = checks["database"]["ok"] and checks["storage"]["ok"]
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
