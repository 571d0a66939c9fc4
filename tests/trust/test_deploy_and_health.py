"""Production settings pass `check --deploy` with no warnings; the health endpoint for balancers."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

# What a production server sets (README): the rest has production defaults outside DEBUG —
# secure cookies, HSTS and the HTTPS redirect among them, none of which is set here.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "thidua.example.vn",
    "CSRF_TRUSTED_ORIGINS": "https://thidua.example.vn",
    "SITE_URL": "https://thidua.example.vn",
    "BEHIND_TLS_PROXY": "1",
    "TRUSTED_PROXY_COUNT": "1",
    "STATIC_MANIFEST": "1",
}


def manage(*args, env):
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "DATABASE_URL")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=django_settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_no_warning_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_does_fail_on_an_insecure_setting():
    """The check above can fail: without the HTTPS redirect it warns (security.W008)."""
    env = {**PRODUCTION_ENV, "SECURE_SSL_REDIRECT": "0"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_security_headers_and_session_expiry(client, world):
    response = client.get(reverse("login"))
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "nonce-" in response["Content-Security-Policy"]
    assert django_settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert django_settings.SECURE_HSTS_SECONDS >= 31536000


def test_health_answers_without_login_with_each_check(client, world):
    from django_tasks_db.models import DBTaskResult

    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["storage"]["ok"]
    assert body["checks"]["tasks"]["pending"] == DBTaskResult.objects.filter(status="READY").count()
    assert not (django_settings.MEDIA_ROOT / "health").exists() or not any(
        (django_settings.MEDIA_ROOT / "health").iterdir()
    ), "the storage probe must be deleted"


def test_health_counts_the_tasks_waiting_for_a_worker(client, world, settings):
    from agreements.signing.tasks import seal_agreement

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    seal_agreement.using(backend="default").enqueue(0)
    body = json.loads(client.get(reverse("health")).content)
    assert body["checks"]["tasks"]["pending"] == 1


def test_health_is_503_when_the_storage_cannot_be_written(client, world, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "unavailable"
    assert body["checks"]["storage"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_health_refuses_post(client):
    assert client.post(reverse("health")).status_code == 405
