"""The shared test world: the seed story's foundation, built through the demo once per worker.

Read tests as sentences: `world.user("dongda")` is the chair of Đống Đa (cluster head),
`world.user("canbo.badinh")` an officer of a member, `world.user("ngoai")` an outsider.
"""

import os

import pytest
from hypothesis import settings as hypothesis_settings

from core import compiled as compiled_queries

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Every query compiled once (core.compiled) is also built afresh and compared on every call.
compiled_queries.CHECK = True

hypothesis_settings.register_profile("thidua", deadline=None, max_examples=50)
hypothesis_settings.load_profile("thidua")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_configure(config):
    """The demo PKI's online services (OCSP, CRLs, timestamps), once for every worker."""
    if not hasattr(config, "workerinput"):
        from demo.pki import running as pki_services

        config.pki_services = pki_services.start()


def pytest_unconfigure(config):
    from demo.pki import running as pki_services

    pki_services.stop(getattr(config, "pki_services", None))


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # Counters such as the verification page's rate limit live in the per-process cache; a test
    # starts with none left by the tests that ran before it in the same worker.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def _world_snapshot(django_db_setup, django_db_blocker):
    """The foundation world built once per worker through the demo, then rolled back.

    Returns the World and the rows the build wrote (model, instances), which `world` replays
    into each test's transaction: building it through the services for every test cost about
    half a second each, most of the suite's time.
    """
    from django.apps import apps
    from django.db import transaction
    from django.test.utils import override_settings

    from demo import foundation

    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=hashers),
        transaction.atomic(),
    ):
        before = {m: set(m._base_manager.values_list("pk", flat=True)) for m in models}
        built = foundation.build()
        rows = []
        for model in models:
            related = [f.name for f in _content_type_fields(model)]
            objects = model._base_manager.all()
            if related:
                objects = objects.select_related(*related)
            new = [obj for obj in objects if obj.pk not in before[model]]
            if new:
                rows.append((model, new))
        transaction.set_rollback(True)
    return built, rows


def _content_type_fields(model):
    from django.contrib.contenttypes.models import ContentType

    return [
        f for f in model._meta.concrete_fields if f.is_relation and f.related_model is ContentType
    ]


def _replayable(rows):
    """Copies of the snapshot's rows, their content types found again by app and model.

    A transactional test empties the database and the content types come back with new ids,
    so the ids the snapshot recorded are translated by natural key.
    """
    import copy

    from django.contrib.contenttypes.models import ContentType

    copies = [(model, copy.deepcopy(objects)) for model, objects in rows]
    if any(_content_type_fields(model) for model, _ in copies):
        now = {(ct.app_label, ct.model): ct.pk for ct in ContentType.objects.all()}
        for model, objects in copies:
            for field in _content_type_fields(model):
                for obj in objects:
                    content_type = getattr(obj, field.name)  # cached on the snapshot's copy
                    # Setting the id drops the cached content type (Django's FK descriptor).
                    setattr(obj, field.attname, now[(content_type.app_label, content_type.model)])
    return copies


@pytest.fixture
def world(db, _world_snapshot):
    """The foundation of the seed story (units, people, Cluster No. 1 for 2020, outsiders)."""
    import copy

    from django.core.management.color import no_style
    from django.db import connection, transaction

    built, rows = _world_snapshot
    with transaction.atomic():  # foreign keys are checked at its end, whatever the order
        for model, objects in _replayable(rows):
            model._base_manager.bulk_create(objects)
    # The replayed rows keep their ids: move each table's id sequence past them.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [m for m, _ in rows]):
            cursor.execute(sql)
    return copy.deepcopy(built)


@pytest.fixture
def client_for(client):
    """Return a logged-in test client for a user (force_login: no password hashing)."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


# The modules that take longest go first: pytest-xdist hands whole modules to its workers in
# collection order (`--dist loadfile`), and a long module handed out last keeps one worker busy
# while the other has finished.
SLOW_FIRST = ["tests/e2e/", "tests/trust/", "tests/deploy/", "tests/perf/"]


def pytest_collection_modifyitems(config, items):
    def rank(item):
        path = item.nodeid.replace("\\", "/")
        for position, prefix in enumerate(SLOW_FIRST):
            if path.startswith(prefix):
                return position
        return len(SLOW_FIRST)

    items.sort(key=rank)  # stable: a module's tests keep their order
