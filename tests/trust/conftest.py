"""The trust tests' world: the whole demo story, built once per module, each test in a savepoint.

`full_world` builds every demo stage (through demo.stages.build) inside one transaction that is
rolled back when the module ends (module scope: with `--dist loadfile` another module's
transactional tests may run next on the same worker, and must find no transaction open),
plus the few records the story lacks so that every URL has a real object: a 2022 cluster year
of Cluster No. 1 (head Đống Đa again) with a draft agreement, a paper signing awaiting
confirmation on the 2021 agreement, the 2020 plan's PDF, the conference minutes and a file on
a good practice. `trust_world` gives one test that world inside a savepoint that is rolled back
after it, so tests may change anything.
"""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings

from tests.trust.support import (
    FAST_HASHERS,
    IMMEDIATE,
    build_full_world,
    client_as,
    savepoint,
)


@pytest.fixture(scope="module")
def full_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole demo story for one module (rolled back at the module's end)."""
    media = tmp_path_factory.mktemp("trust-media")
    with (
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHERS, TASKS=IMMEDIATE),
        django_db_blocker.unblock(),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_full_world()
            world.media = media
            world.sessions = {}
            for username, user in world.users.items():
                client = Client()
                client.force_login(user)
                world.sessions[username] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def trust_world(full_world, django_db_blocker, settings):
    """The whole demo story for one test; whatever the test changes is rolled back."""
    settings.MEDIA_ROOT = full_world.media
    cache.clear()
    with django_db_blocker.unblock(), savepoint():
        yield full_world


@pytest.fixture
def as_role(trust_world):
    return lambda role, **defaults: client_as(trust_world, role, **defaults)
