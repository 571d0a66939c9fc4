"""The shared test world: the seed story's foundation, built once per test through the demo.

Read tests as sentences: `world.user("dongda")` is the chair of Đống Đa (cluster head),
`world.user("canbo.badinh")` an officer of a member, `world.user("ngoai")` an outsider.
"""

import os

import pytest
from hypothesis import settings as hypothesis_settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # Counters such as the verification page's rate limit live in the per-process cache; a test
    # starts with none left by the tests that ran before it in the same worker.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world(db):
    """The foundation of the seed story (units, people, Cluster No. 1 for 2020, outsiders)."""
    from demo import foundation

    return foundation.build()


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
