"""HTTPS by default outside DEBUG (with `make run` on plain HTTP still working), no stored copies of
session pages, and app servers that listen for the proxy alone."""

import json
import os
import re
import runpy
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

from clusters import services

pytestmark = pytest.mark.django_db

BASE_DIR = django_settings.BASE_DIR
TRANSPORT = [
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_REDIRECT_EXEMPT",
]


def settings_with(env):
    """The transport settings config/settings.py makes from exactly this environment."""
    keep = ("PATH", "HOME", "LANG", "DATABASE_URL")
    code = (
        "import json, config.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {TRANSPORT!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**{k: v for k, v in os.environ.items() if k in keep}, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def make_run_env():
    """The environment `make run` serves the demo with (the Makefile's RUN_ENV, which SERVE_ENV
    completes with the checkout's secret key and the addresses)."""
    makefile = (BASE_DIR / "Makefile").read_text()
    assert "$(SERVE_ENV) $(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py config.wsgi" in makefile
    assert re.search(r"^SERVE_ENV = \$\(RUN_ENV\) SECRET_KEY=", makefile, re.MULTILINE)
    line = re.search(r"^RUN_ENV := (.*)$", makefile, re.MULTILINE).group(1)
    return {**dict(item.split("=", 1) for item in line.split()), "SECRET_KEY": "d" * 50}


def test_outside_debug_transport_is_secure_without_being_set():
    values = settings_with({"DEBUG": "0", "SECRET_KEY": "k" * 50})
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_REDIRECT_EXEMPT"] == [r"^health/$"]


def test_plain_http_is_redirected_to_https_but_the_health_probe_is_not(world, settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # the security middleware reads the setting when the client first loads it
    response = client.get(reverse("login"))
    assert response.status_code == 301
    assert response.url == "https://testserver" + reverse("login")
    assert client.get(reverse("health")).status_code == 200
    response = client.get(reverse("login"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_make_run_turns_redirect_secure_cookies_and_hsts_off_and_logs_in_over_http(world, settings):
    env = make_run_env()
    assert env["DEBUG"] == "0"  # as production: no debug pages
    values = settings_with(env)
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    for name, value in values.items():
        setattr(settings, name, value)

    user = world.user("dongda")
    user.set_password("thidua-demo")
    user.save()
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"), secure=False)
    assert page.status_code == 200
    response = client.post(
        reverse("login"),
        {
            "username": "dongda",
            "password": "thidua-demo",
            "csrfmiddlewaretoken": page.context["csrf_token"],
        },
        secure=False,
    )
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    session_cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert not session_cookie["secure"]
    assert "Strict-Transport-Security" not in response
    assert client.get(reverse("dashboard"), secure=False).status_code == 200


def test_check_deploy_names_each_transport_setting_turned_off():
    """Turned off outside DEBUG, each one is a warning of `check --deploy` (the test of the
    production settings in test_deploy_and_health.py passes with none of them set)."""
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "k" * 50,
        "ALLOWED_HOSTS": "thidua.example.vn",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_MANIFEST": "0",
    }
    keep = ("PATH", "HOME", "LANG", "DATABASE_URL")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={**{k: v for k, v in os.environ.items() if k in keep}, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in result.stdout + result.stderr, code


# --- no stored copies of session pages ---------------------------------------------------------


def test_logged_in_pages_are_not_stored(client_for, world):
    client = client_for(world.user("dongda"))
    urls = [reverse("dashboard"), reverse("password_change"), reverse("clusters:cluster_year_list")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_pages_that_set_a_cookie_are_not_stored(client, world):
    response = client.get(reverse("password_reset"))  # no login; sets the CSRF cookie
    assert response.status_code == 200
    assert response.cookies
    assert "no-store" in response["Cache-Control"]


def test_pages_that_use_the_session_are_not_stored(client, world):
    client.get(reverse("password_reset"))
    response = client.post(reverse("password_reset"), {"email": world.user("dongda").email})
    assert response.status_code == 302
    assert "no-store" in client.get(response.url)["Cache-Control"]  # the done page, no cookie


def test_a_file_download_is_not_stored_and_still_arrives_whole(client_for, world):
    services.plan_update(
        actor=world.user("bantt"),
        plan=world.plan,
        expected_version=world.plan.version,
        file=SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4 ke hoach", "application/pdf"),
    )
    response = client_for(world.user("bantt")).get(
        reverse("clusters:plan_file", args=[world.plan.pk])
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 ke hoach"
    response.close()


def test_static_files_keep_their_caching_for_a_logged_in_user(world, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()  # whitenoise reads its settings when the client first loads it
    client.force_login(world.user("dongda"))
    response = client.get(static("css/app.css"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age" in response["Cache-Control"]
    response.close()


# --- the app servers listen for the proxy alone -------------------------------------------------


def example_env():
    lines = (BASE_DIR / "deploy" / "thidua.env.example").read_text().splitlines()
    pairs = (line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def test_gunicorn_binds_to_loopback_by_default_and_in_the_example(monkeypatch):
    conf = BASE_DIR / "deploy" / "gunicorn.conf.py"
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    assert runpy.run_path(str(conf))["bind"] == "127.0.0.1:8000"

    env = example_env()
    for key, value in env.items():
        if key.startswith("GUNICORN_"):
            monkeypatch.setenv(key, value)
    bind = runpy.run_path(str(conf))["bind"]
    assert bind == env["GUNICORN_BIND"]
    assert bind.startswith(("127.0.0.1:", "unix:")), bind


def make_dry_run(target, **variables):
    """The commands `make TARGET` would run (make -n), with these variables."""
    result = subprocess.run(
        ["make", "-n", target, *(f"{k}={v}" for k, v in variables.items())],
        cwd=BASE_DIR,
        env={k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_serves_with_debug_off_collected_static_files_and_no_java():
    commands = make_dry_run("run")
    # The demo is loaded with DEBUG on (seed_demo asks for it), then served with it off.
    serving = commands.split("manage.py seed_demo")[1]
    assert "DEBUG=0" in serving and "DEBUG=1" not in serving
    assert "bin/gunicorn -c deploy/gunicorn.conf.py config.wsgi" in serving
    collect = next(line for line in commands.splitlines() if "manage.py collectstatic" in line)
    assert "DEBUG=0" in collect  # the manifest storage's hashed names, as whitenoise serves them
    assert "runserver" not in commands
    assert "default-jre" not in commands and "java" not in commands
    # The tests alone install the Java runtime (the HTML validator's).
    assert "default-jre-headless" in make_dry_run("test")


def test_make_run_serves_on_another_address_and_writes_it_into_documents():
    commands = make_dry_run("run", HOST="0.0.0.0", PORT="8080", SITE_URL="http://192.168.1.20:8080")
    assert "GUNICORN_BIND=0.0.0.0:8080" in commands
    assert "SITE_URL=http://192.168.1.20:8080" in commands.split("seed_demo")[0]
    assert "ALLOWED_HOSTS=192.168.1.20,0.0.0.0,127.0.0.1,localhost" in commands
    default = make_dry_run("run")
    assert "GUNICORN_BIND=127.0.0.1:8000" in default
    assert "SITE_URL=http://127.0.0.1:8000" in default


def test_make_dev_keeps_the_debug_mode_for_developers():
    commands = make_dry_run("dev")
    served = next(line for line in commands.splitlines() if "runserver" in line)
    assert "DEBUG=1" in served and "127.0.0.1:8000" in served


def test_the_master_freezes_the_loaded_application_before_forking_workers():
    """gunicorn's pre_fork hook (preloaded application): every view imported, then the loaded
    objects frozen, so that a worker's full collection never walks them; without preloading,
    nothing is imported or frozen."""
    code = (
        "import gc, runpy, sys, types, django; django.setup(); "
        "hook = runpy.run_path('deploy/gunicorn.conf.py')['pre_fork']; "
        "server = types.SimpleNamespace(cfg=types.SimpleNamespace(preload_app=PRELOAD)); "
        "hook(server, None); "
        "print(gc.get_freeze_count(), 'config.urls' in sys.modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"}
    for preload, expected_urls in (("True", True), ("False", False)):
        result = subprocess.run(
            [sys.executable, "-c", code.replace("PRELOAD", preload)],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        frozen, urls = result.stdout.split()
        assert (int(frozen) > 50_000) is expected_urls, result.stdout
        assert urls == str(expected_urls)
