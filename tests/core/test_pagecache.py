"""Pages served again to the same session while the database is unchanged (core/pagecache.py).

Transactional tests: the copy is validated by PostgreSQL's snapshot, which only moves when a
transaction commits; inside the other tests' transaction the cache stands aside (checked below).
The snapshot is the whole PostgreSQL server's: the other xdist worker's transactions move it
too, so a test that needs a hit asks until it gets one (`until_hit`), as a page polled would.
"""

import re

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.models import Cluster
from core.pagecache import HEADER

pytestmark = pytest.mark.django_db(transaction=True)

NONCE = re.compile(r'nonce="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def cluster_year_url(world):
    return reverse("clusters:cluster_year", args=[world.cluster_year.pk])


def logged_in(world, username, **kwargs):
    """A browser logged in as `username` that has its CSRF cookie (as after the log-in form)."""
    client = Client(**kwargs)
    client.force_login(world.user(username))
    client.get(reverse("password_change"))  # any page with a form sets the cookie
    return client


def until_hit(client, url, headers=None, attempts=60):
    """Ask for the page until a copy is served; return (the response that stored it, or None
    if the copy was stored before, and the hit)."""
    stored = None
    for _ in range(attempts):
        response = client.get(url, headers=headers or {})
        assert response.status_code == 200
        if response.get(HEADER) == "hit":
            return stored, response
        if response.get(HEADER) == "stored":
            stored = response
    raise AssertionError(f"{url}: no copy served in {attempts} requests")


def without_nonces(html):
    return NONCE.sub('nonce=""', html)


def test_the_same_session_gets_the_stored_page_until_a_write_is_committed(world):
    client = logged_in(world, "bantt")
    url = cluster_year_url(world)
    first, second = until_hit(client, url)
    assert without_nonces(second.text) == without_nonces(first.text)
    for header in ("Content-Type", "Content-Language", "X-Frame-Options"):
        assert second[header] == first[header], header
    assert set(second["Vary"].split(", ")) == set(first["Vary"].split(", "))

    Cluster.objects.filter(pk=world.cluster.pk).update(name="Cụm thi đua số 1 (đổi tên)")
    third = client.get(url)
    assert third[HEADER] == "stored" and "Cụm thi đua số 1 (đổi tên)" in third.text


def test_a_hit_reads_the_session_and_the_snapshot_only(world):
    client = logged_in(world, "bantt")
    url = cluster_year_url(world)
    for _ in range(60):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response[HEADER] == "hit":
            break
    assert response[HEADER] == "hit"
    assert len(queries) == 2, [q["sql"] for q in queries]  # the session, pg_current_snapshot()


def test_the_replayed_page_carries_its_own_nonce_in_the_body_and_the_policy(world):
    client = logged_in(world, "bantt")
    url = cluster_year_url(world)
    first, hit = until_hit(client, url)
    old, new = set(NONCE.findall(first.text)), set(NONCE.findall(hit.text))
    assert len(old) == 1 and len(new) == 1 and old != new
    assert f"'nonce-{new.pop()}'" in hit["Content-Security-Policy"]


def test_another_session_never_gets_the_copy(world):
    url = cluster_year_url(world)
    assert logged_in(world, "bantt").get(url)[HEADER] == "stored"
    assert logged_in(world, "xem").get(url)[HEADER] == "stored"
    outsider = logged_in(world, "ngoai")
    refused = outsider.get(url)
    assert refused.status_code == 404 and HEADER not in refused


def test_language_htmx_and_hard_refresh_are_asked_apart(world):
    client = logged_in(world, "bantt")
    url = cluster_year_url(world)
    status = reverse("agreements:signing", args=[world_agreement(world).pk])
    until_hit(client, url)
    assert client.get(url, headers={"Cache-Control": "no-cache"})[HEADER] == "stored"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url)
    assert english[HEADER] == "stored" and english["Content-Language"] == "en"
    assert "Thành viên" not in english.text
    panel, _hit = until_hit(client, status, headers={"HX-Request": "true"})
    assert "<html" not in panel.text
    full = client.get(status)  # the full page is another copy, never the panel's
    assert full[HEADER] == "stored" and "<html" in full.text


def world_agreement(world):
    from tests.agreements.signing_support import adopt_agreement

    return adopt_agreement(world)


def test_a_waiting_message_is_shown_not_hidden_by_a_copy(world):
    client = logged_in(world, "bantt")
    url = cluster_year_url(world)
    until_hit(client, url)
    storage = CookieStorage(HttpRequest())
    client.cookies["messages"] = storage._encode([Message(constants.ERROR, "Thông báo thử")])
    shown = client.get(url)
    assert HEADER not in shown and "Thông báo thử" in shown.text
    _stored, hit = until_hit(client, url)  # the message was shown once, and only once
    assert "Thông báo thử" not in hit.text


def test_inside_a_transaction_the_cache_stands_aside(world):
    client = logged_in(world, "bantt")
    url = cluster_year_url(world)
    client.get(url)
    with transaction.atomic():
        Cluster.objects.filter(pk=world.cluster.pk).update(name="Tên chưa ghi")
        inside = client.get(url)
        assert HEADER not in inside and "Tên chưa ghi" in inside.text
        transaction.set_rollback(True)


def test_after_logging_out_the_copy_is_not_served(world):
    client = logged_in(world, "bantt")
    url = cluster_year_url(world)
    client.get(url)
    client.post(reverse("logout"))
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_forms_of_a_replayed_page_still_pass_the_csrf_check(world):
    client = logged_in(world, "bantt", enforce_csrf_checks=True)
    _stored, hit = until_hit(client, cluster_year_url(world))
    token = CSRF.search(hit.text).group(1)
    logout = client.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    assert logout.status_code == 302


def test_it_can_be_switched_off(world, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client = logged_in(world, "bantt")
    url = cluster_year_url(world)
    assert HEADER not in client.get(url) and HEADER not in client.get(url)


def test_a_page_that_gave_the_browser_a_new_csrf_secret_is_not_stored(world):
    client = Client()
    client.force_login(world.user("bantt"))
    first = client.get(cluster_year_url(world))  # no CSRF cookie yet: the page made one
    assert first.status_code == 200 and HEADER not in first
    assert client.get(cluster_year_url(world))[HEADER] == "stored"
