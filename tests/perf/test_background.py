"""Background work: the seal is produced by a task; the page shows progress and then the result.

In production the task is queued in PostgreSQL (django-tasks-db) and `manage.py db_worker`
runs it; the signing panel asks for itself every 2 s (htmx) while the seal is pending and stops
once it is sealed.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from agreements.signing import services as signing
from agreements.signing.models import Seal, Signature
from tests.agreements.signing.support import MEMBERS, adopt_agreement, drawn_png
from tests.perf.support import database_url

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
POLLING = 'hx-trigger="every 2s"'


def _sign_all(world, agreement):
    for seed, username in enumerate(MEMBERS):
        signing.signature_sign(
            actor=world.user(username),
            agreement=agreement,
            unit=world.unit(username),
            method=Signature.Method.DRAWN,
            image=drawn_png(seed),
            content_hash=agreement.content_hash,
        )


def _db_worker_batch():
    """`manage.py db_worker --batch` in its own process, on the test database."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        "DEBUG": "0",
        "SECRET_KEY": "test-only-not-a-secret",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_the_queued_seal_is_made_by_the_db_worker_while_the_panel_polls(
    world, settings, client_for
):
    settings.TASKS = DATABASE_TASKS
    from django_tasks_db.models import DBTaskResult

    agreement = adopt_agreement(world)
    _sign_all(world, agreement)  # no surrounding transaction: the task is queued at each commit
    sealing = DBTaskResult.objects.filter(task_path="agreements.signing.tasks.seal_agreement")
    assert sealing.count() == 1
    assert Seal.objects.get(agreement=agreement).status == Seal.Status.PENDING

    client = client_for(world.user("dongda"))
    url = reverse("agreements:signing", args=[agreement.pk])
    pending = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert POLLING in pending
    assert f'hx-get="{url}"' in pending
    assert reverse("agreements:sealed_pdf", args=[agreement.pk]) not in pending

    worker = _db_worker_batch()
    assert worker.returncode == 0, worker.stderr[-2000:]

    assert Seal.objects.get(agreement=agreement).status == Seal.Status.SEALED
    sealed = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert POLLING not in sealed  # the polling stops by itself
    assert reverse("agreements:sealed_pdf", args=[agreement.pk]) in sealed


@pytest.mark.django_db
def test_the_full_page_polls_too_while_the_seal_is_pending(world, settings, client_for):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    agreement = adopt_agreement(world)
    _sign_all(world, agreement)
    page = client_for(world.user("badinh")).get(reverse("agreements:signing", args=[agreement.pk]))
    assert page.status_code == 200
    assert POLLING in page.content.decode()
