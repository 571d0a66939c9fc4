"""The settings readers are strict, and production refuses to start without a secret key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1", True),
        ("true", True),
        (" Yes ", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("OFF", False),
        ("", False),
    ],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("THIDUA_TEST_FLAG", raw)
    assert env_bool("THIDUA_TEST_FLAG", not value) is value


@pytest.mark.parametrize("raw", ["maybe", "2", "ture", "yes please"])
def test_env_bool_refuses_anything_else(monkeypatch, raw):
    monkeypatch.setenv("THIDUA_TEST_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="THIDUA_TEST_FLAG"):
        env_bool("THIDUA_TEST_FLAG")


def test_env_bool_default_when_unset(monkeypatch):
    monkeypatch.delenv("THIDUA_TEST_FLAG", raising=False)
    assert env_bool("THIDUA_TEST_FLAG", True) is True


@pytest.mark.parametrize("raw", ["ten", "1.5", "", "8000x"])
def test_env_int_refuses_non_integers(monkeypatch, raw):
    monkeypatch.setenv("THIDUA_TEST_INT", raw)
    with pytest.raises(ImproperlyConfigured, match="THIDUA_TEST_INT"):
        env_int("THIDUA_TEST_INT", 3)


def test_env_int_reads_integers_and_defaults(monkeypatch):
    monkeypatch.setenv("THIDUA_TEST_INT", "42")
    assert env_int("THIDUA_TEST_INT", 3) == 42
    monkeypatch.delenv("THIDUA_TEST_INT")
    assert env_int("THIDUA_TEST_INT", 3) == 3


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("THIDUA_TEST_LIST", " a.vn, ,b.vn ,")
    assert env_list("THIDUA_TEST_LIST") == ["a.vn", "b.vn"]


def test_env_str_required(monkeypatch):
    monkeypatch.delenv("THIDUA_TEST_STR", raising=False)
    with pytest.raises(ImproperlyConfigured, match="THIDUA_TEST_STR"):
        env_str("THIDUA_TEST_STR", required=True)
    assert env_str("THIDUA_TEST_STR", "mặc định") == "mặc định"


SHOWN = "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.LANGUAGE_CODE, s.TIME_ZONE)"


def load_settings(show=SHOWN, **env):
    """Import the settings module in a fresh interpreter with exactly this environment (and
    without the variables given as None); `show` prints what the test reads of it (as `s`)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DEBUG", "SECRET_KEY"))}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.update(env)
    clean = {k: v for k, v in clean.items() if v is not None}
    code = f"import config.settings as s; {show}"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_secret_key_is_required_when_debug_is_off():
    result = load_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_debug_off_with_a_secret_key_starts_with_secure_cookies():
    result = load_settings(DEBUG="0", SECRET_KEY="k" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "vi", "Asia/Ho_Chi_Minh"]


def test_debug_on_needs_no_secret_key():
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["True", "False"]


def test_a_misspelt_debug_stops_the_start():
    result = load_settings(DEBUG="flase", SECRET_KEY="k" * 50)
    assert result.returncode != 0
    assert "DEBUG='flase' is not a boolean" in result.stderr


def test_make_run_on_another_port_links_documents_and_emails_to_that_port():
    """`PORT=18801 make run`: the seed (its sealed PDFs) and the server get SITE_URL on 18801."""
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    out = subprocess.run(
        ["make", "-n", "run", "PORT=18801"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    seed = [line for line in out.splitlines() if "seed_demo" in line]
    serve = [line for line in out.splitlines() if "gunicorn" in line]
    assert len(seed) == 1 and len(serve) == 1
    assert "SITE_URL=http://127.0.0.1:18801 " in seed[0].split("seed_demo")[0]
    assert "SITE_URL=http://127.0.0.1:18801 " in serve[0]
    assert "GUNICORN_BIND=127.0.0.1:18801" in out
    env["SITE_URL"] = "https://thidua.example.vn"
    out = subprocess.run(
        ["make", "-n", "run", "PORT=18801"], cwd=BASE_DIR, env=env, capture_output=True, text=True
    ).stdout
    assert "SITE_URL=https://thidua.example.vn " in out


@pytest.mark.django_db
def test_postgresql_connections_plan_prepared_statements_once():
    """The tests' connection is opened as production's: generic plans for prepared statements."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"


def test_an_empty_plan_cache_mode_leaves_the_server_setting():
    """Behind PgBouncer (which refuses the `options` start-up parameter) nothing is sent."""
    show = "print(s.DATABASES['default']['OPTIONS'].get('options'))"
    url = "postgres://u@db.invalid:5432/thidua"
    for value, expected in [
        ("", "None"),
        ("auto", "-c plan_cache_mode=auto"),
        (None, "-c plan_cache_mode=force_generic_plan"),
    ]:
        result = load_settings(show, DEBUG="1", DATABASE_URL=url, DB_PLAN_CACHE_MODE=value)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == expected
