"""Browser tests: a live server on a transactional database, Chromium in Vietnamese."""

import pytest

from demo.foundation import DEMO_PASSWORD


@pytest.fixture
def live_world(transactional_db, live_server, settings):
    """The seed world, committed so that the live server's thread can read it.

    The demo reuses one password hash across users, made with whatever hasher was active
    first: set the demo password again with the tests' hasher.
    """
    from demo import foundation

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    world = foundation.build()
    for user in world.users.values():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return world


@pytest.fixture(scope="session")
def base_url():
    """No fixed base URL: tests use live_server.url.

    Replaces pytest-base-url's fixture, whose definition warns under pytest 9 with a
    multi-line message that the `ignore:.*base_url.*` filter in pyproject.toml misses.
    """
    return None


@pytest.fixture
def browser_context_args(browser_context_args):
    """Ask for Vietnamese, as a browser in Việt Nam does."""
    return {**browser_context_args, "locale": "vi-VN", "viewport": {"width": 1280, "height": 900}}
