"""Security baseline: CSP with a fresh nonce on every page, and the nonce on every script."""

import re

import pytest
from django.urls import reverse

from clusters.models import Person

pytestmark = pytest.mark.django_db

SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


def nonce_of(response):
    policy = response["Content-Security-Policy"]
    match = re.search(r"script-src [^;]*'nonce-([^']+)'", policy)
    assert match, policy
    return match.group(1)


def assert_scripts_carry_the_nonce(response):
    nonce = nonce_of(response)
    tags = SCRIPT_TAG.findall(response.content.decode())
    assert tags, "the page has no script tag"
    for tag in tags:
        assert f'nonce="{nonce}"' in tag, tag
    return nonce


UNKNOWN = "/khong-co-trang-nay/"  # an address no page has: 404


def page_urls(world):
    person = Person.objects.get(user=world.user("canbo.badinh"))
    return [
        reverse("dashboard"),
        reverse("accounts:list"),
        reverse("accounts:detail", args=[person.pk]),
        reverse("clusters:cluster_year", args=[world.cluster_year.pk]),
        reverse("password_change"),
        UNKNOWN,
    ]


def test_every_page_has_a_csp_with_a_nonce_used_by_its_scripts(client_for, world):
    client = client_for(world.user("bantt"))
    for url in page_urls(world):
        response = client.get(url)
        assert response.status_code == (404 if url == UNKNOWN else 200), url
        assert_scripts_carry_the_nonce(response)


def test_anonymous_pages_too(client):
    for url in (reverse("login"), reverse("password_reset")):
        response = client.get(url)
        assert response.status_code == 200
        assert_scripts_carry_the_nonce(response)


def test_the_nonce_changes_on_every_response(client):
    first = nonce_of(client.get(reverse("login")))
    second = nonce_of(client.get(reverse("login")))
    assert first != second


def test_the_policy_forbids_inline_code_framing_and_plugins(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "default-src 'self'" in policy


def test_no_inline_event_handlers_or_style_attributes_in_the_pages(client_for, world):
    client = client_for(world.user("bantt"))
    for url in page_urls(world):
        content = client.get(url).content.decode()
        assert not re.search(r"\son[a-z]+\s*=", content), url
        assert not re.search(r"\sstyle\s*=", content), url


def test_other_security_headers(client):
    response = client.get(reverse("login"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_cookies_are_secure_outside_debug(settings):
    # The suite runs with DEBUG=0 as production does.
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.CSRF_COOKIE_SECURE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
