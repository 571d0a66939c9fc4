"""Members signing at the same moment, in threads against PostgreSQL: stored once, sealed once."""

import threading

import pytest
from django.db import connection, connections
from django.tasks.signals import task_started
from django.utils import translation

from agreements.models import Agreement
from agreements.signing.models import Seal, Signature
from core.models import AuditEntry
from tests.agreements.signing.support import MEMBERS, adopt_agreement, sign


def _run_at_once(world, agreement, usernames):
    """Sign as each user in its own thread, all released together; return (results, errors)."""
    barrier = threading.Barrier(len(usernames))
    results, errors = [], []

    def work(username):
        try:
            barrier.wait(timeout=30)
            with translation.override("en"):  # messages asserted as their msgids
                results.append(sign(world, username, agreement))
        except Exception as error:  # collected and asserted on below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(u,)) for u in usernames]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


@pytest.fixture
def started_tasks():
    seen = []

    def record(sender, task_result, **kwargs):
        seen.append(task_result.task.name)

    task_started.connect(record)
    yield seen
    task_started.disconnect(record)


@pytest.mark.django_db(transaction=True)
def test_every_member_signs_at_once_and_the_agreement_is_sealed_exactly_once(world, started_tasks):
    assert connection.vendor == "postgresql"
    agreement = adopt_agreement(world)

    results, errors = _run_at_once(world, agreement, MEMBERS)

    assert errors == []
    assert len(results) == 6
    assert Signature.objects.filter(agreement=agreement, void=False).count() == 6
    assert Signature.objects.filter(agreement=agreement).values("unit").distinct().count() == 6
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SEALED
    seal = Seal.objects.get(agreement=agreement)
    assert seal.status == Seal.Status.SEALED, seal.error
    assert seal.attempts == 1
    assert started_tasks == ["seal_agreement"]
    assert AuditEntry.objects.filter(action="seal.request").count() == 1
    assert AuditEntry.objects.filter(action="seal.sealed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_unit_signing_twice_at_once_is_stored_once(world):
    agreement = adopt_agreement(world)

    # Two sessions of the same chair press "Sign" at the same moment.
    results, errors = _run_at_once(world, agreement, ["dongda", "dongda", "dongda"])

    assert Signature.objects.filter(agreement=agreement, unit=world.unit("dongda")).count() == 1
    assert len(results) == 1
    assert len(errors) == 2
    assert all("already signed" in " ".join(e.messages) for e in errors), errors
