"""Passwords are hashed with Argon2id; PBKDF2 hashes written before still log in and upgrade.

The suite hashes with MD5 for speed (tests/conftest.py); these tests use the project's list.
"""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import Argon2PasswordHasher, identify_hasher, make_password
from django.urls import reverse

import config.settings as project

pytestmark = pytest.mark.django_db

PASSWORD = "Cum-thi-dua-2020!"
ARGON2ID = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture
def real_hashers(settings):
    settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS


def test_the_project_hashes_with_argon2id_first_and_keeps_pbkdf2():
    assert project.PASSWORD_HASHERS == [
        "core.passwords.Argon2idHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


def test_a_new_password_is_hashed_with_argon2id(real_hashers, world):
    user = world.user("dongda")
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    user.refresh_from_db()
    assert user.password.startswith(ARGON2ID)
    assert user.check_password(PASSWORD)
    assert not user.check_password("wrong")


def _with_hash(user, encoded):
    user.password = encoded
    user.save(update_fields=["password"])
    return user


def _log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_pbkdf2_hash_logs_in_and_is_upgraded_to_argon2id(client, real_hashers, world):
    user = _with_hash(world.user("dongda"), make_password(PASSWORD, hasher="pbkdf2_sha256"))
    assert user.password.startswith("pbkdf2_sha256$")
    response = _log_in(client, "dongda", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert client.session[SESSION_KEY] == str(user.pk)
    user.refresh_from_db()
    assert user.password.startswith(ARGON2ID)
    assert user.check_password(PASSWORD)


def test_a_wrong_password_leaves_the_pbkdf2_hash_alone(client, real_hashers, world):
    old = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user = _with_hash(world.user("dongda"), old)
    response = _log_in(client, "dongda", "wrong")
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    user.refresh_from_db()
    assert user.password == old


def test_an_argon2_hash_with_djangos_default_cost_is_rehashed_at_ours(client, real_hashers, world):
    heavy = Argon2PasswordHasher()
    user = _with_hash(world.user("dongda"), heavy.encode(PASSWORD, heavy.salt()))
    assert identify_hasher(user.password).must_update(user.password)
    assert _log_in(client, "dongda", PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith(ARGON2ID)


def test_the_benchmark_measures_the_configured_hasher_and_the_two_it_is_compared_with(
    real_hashers, monkeypatch
):
    from bench import passwords

    monkeypatch.setattr(passwords, "ROUNDS", 1)
    figures = passwords.measure()
    assert figures["configured"]["hasher"] == "core.passwords.Argon2idHasher"
    assert figures["configured"]["params"] == "Argon2id m=19 MiB, t=2, p=1"
    assert figures["pbkdf2"]["params"] == "pbkdf2_sha256, 1,500,000 iterations"
    assert figures["django_argon2"]["params"] == "Argon2id m=100 MiB, t=2, p=8"
    assert all(figures[name]["cpu_ms"] > 0 for name in ("configured", "pbkdf2", "django_argon2"))
