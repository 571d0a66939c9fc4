"""Password-reset e-mails are limited per account and per client address, and the page never
tells whether an address has an account or whether a limit held the e-mail back."""

import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from core import throttling

pytestmark = pytest.mark.django_db

DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "thidua_test_rate_cache",
    }
}


def ask_reset(email, address):
    return Client(REMOTE_ADDR=address).post(reverse("password_reset"), {"email": email})


def test_an_account_gets_three_reset_emails_an_hour_whatever_the_address(world, settings):
    email = world.user("dongda").email
    responses = [ask_reset(email, f"203.0.113.{n}") for n in range(1, 6)]
    assert len(mail.outbox) == settings.PASSWORD_RESET_ACCOUNT_LIMIT == 3
    # Every answer is the same redirect to the same page, sent or not.
    assert {(r.status_code, r.url) for r in responses} == {(302, reverse("password_reset_done"))}
    # Another account is not held back by that one's limit.
    assert ask_reset(world.user("badinh").email, "203.0.113.9").status_code == 302
    assert [m.to for m in mail.outbox[3:]] == [[world.user("badinh").email]]


def test_an_address_asks_for_ten_resets_an_hour_whatever_the_accounts(world, settings):
    attacker = "203.0.113.5"
    for n in range(settings.PASSWORD_RESET_ADDRESS_LIMIT):
        assert ask_reset(f"khong-co-{n}@example.vn", attacker).status_code == 302
    assert mail.outbox == []

    # The eleventh, for an account that exists, sends nothing and answers the same.
    response = ask_reset(world.user("dongda").email, attacker)
    assert (response.status_code, response.url) == (302, reverse("password_reset_done"))
    assert mail.outbox == []
    # The chair asking from elsewhere gets the e-mail.
    ask_reset(world.user("dongda").email, "198.51.100.7")
    assert [m.to for m in mail.outbox] == [[world.user("dongda").email]]


def test_the_page_after_a_limited_request_is_the_page_after_any_other(world, settings):
    settings.PASSWORD_RESET_ADDRESS_LIMIT = 0
    client = Client(REMOTE_ADDR="203.0.113.5")
    limited = client.post(reverse("password_reset"), {"email": world.user("dongda").email})
    assert mail.outbox == []
    settings.PASSWORD_RESET_ADDRESS_LIMIT = 10
    cache.clear()
    unknown = client.post(reverse("password_reset"), {"email": "khong-co@example.vn"})
    assert (limited.status_code, limited.url) == (unknown.status_code, unknown.url)
    page = client.get(limited.url)
    assert page.status_code == 200
    assert "mỗi giờ chỉ một số ít thư như vậy được gửi" in page.content.decode()


@pytest.fixture(params=["locmem", "database"])
def rate_cache(request, settings):
    if request.param == "database":
        settings.CACHES = DATABASE_CACHE
        call_command("createcachetable", verbosity=0)
    cache.clear()
    return request.param


def test_the_rate_limit_counts_within_its_window_on_either_cache(rate_cache):
    key = "test-rate:203.0.113.5"
    answers = [throttling.allow_attempt(key, limit=3, window_seconds=3600) for _ in range(5)]
    assert answers == [True, True, True, False, False]
    assert throttling.allow_attempt("test-rate:other", limit=3, window_seconds=3600)


def test_the_rate_limit_window_is_not_shortened_by_the_database_cache(settings):
    """The database cache's own incr() would reset the expiry to its default 300 s."""
    settings.CACHES = DATABASE_CACHE
    call_command("createcachetable", verbosity=0)
    for _ in range(3):
        throttling.allow_attempt("test-rate:window", limit=3, window_seconds=3600)
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM thidua_test_rate_cache")
        [(expires,)] = cursor.fetchall()
    assert expires.timestamp() - time.time() > 3500


def test_the_rate_limit_starts_again_after_its_window(rate_cache):
    key = "test-rate:short"
    assert throttling.allow_attempt(key, limit=1, window_seconds=1)
    assert not throttling.allow_attempt(key, limit=1, window_seconds=1)
    time.sleep(1.1)
    assert throttling.allow_attempt(key, limit=1, window_seconds=1)
