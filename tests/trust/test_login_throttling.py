"""Log-in throttling: wrong passwords lock the pair (username, client address), nothing more."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "Mật-khẩu-đúng-2020"
ATTACKER = "203.0.113.5"
CHAIR_AT_THE_CONFERENCE = "198.51.100.7"


@pytest.fixture
def dongda(world):
    user = world.user("dongda")
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(client, password, address, *, username="dongda", **extra):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def test_five_wrong_passwords_lock_that_pair_but_not_the_same_user_elsewhere(client, dongda):
    for attempt in range(1, 5):
        response = log_in(client, f"sai-{attempt}", ATTACKER)
        assert response.status_code == 200, attempt  # the form says the password is wrong
    response = log_in(client, "sai-5", ATTACKER)
    assert response.status_code == 429

    # Even the right password is refused from that address during the cool-off.
    response = log_in(client, PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert reverse("password_reset").encode() in response.content

    # The chair, at the conference, from another address: logs in.
    response = log_in(client, PASSWORD, CHAIR_AT_THE_CONFERENCE)
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert int(client.session["_auth_user_id"]) == dongda.pk

    attempt = AccessAttempt.objects.get(username="dongda", ip_address=ATTACKER)
    assert attempt.failures_since_start >= 5
    assert not AccessAttempt.objects.filter(ip_address=CHAIR_AT_THE_CONFERENCE).exists()


def test_the_lockout_page_says_what_happened_and_for_how_long(client, dongda, settings):
    settings.LANGUAGE_CODE = "en"
    for attempt in range(5):
        response = log_in(client, f"sai-{attempt}", ATTACKER, HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert response.status_code == 429
    assert "After 5 wrong passwords for this account from your address" in text
    assert "Try again in 15 minutes." in text
    assert "Logging in from another place is not affected." in text


def test_another_username_from_the_locked_address_is_not_locked(client, dongda, world):
    for attempt in range(5):
        log_in(client, f"sai-{attempt}", ATTACKER)
    badinh = world.user("badinh")
    badinh.set_password(PASSWORD)
    badinh.save()
    response = log_in(client, PASSWORD, ATTACKER, username="badinh")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == badinh.pk


def test_behind_a_proxy_the_forwarded_client_address_is_the_key(client, dongda, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for attempt in range(5):
        response = log_in(
            client, f"sai-{attempt}", proxy, HTTP_X_FORWARDED_FOR=f"6.6.6.6, {ATTACKER}"
        )
    assert response.status_code == 429
    assert AccessAttempt.objects.filter(username="dongda", ip_address=ATTACKER).exists()
    # Everybody comes through the same proxy: another client is not locked out with the attacker.
    response = log_in(client, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=CHAIR_AT_THE_CONFERENCE)
    assert response.status_code == 302


def test_a_successful_log_in_forgets_the_earlier_failures(client, dongda):
    for attempt in range(4):
        log_in(client, f"sai-{attempt}", ATTACKER)
    assert log_in(client, PASSWORD, ATTACKER).status_code == 302
    client.logout()
    for attempt in range(4):
        response = log_in(client, f"lai-sai-{attempt}", ATTACKER)
        assert response.status_code == 200
    assert log_in(client, PASSWORD, ATTACKER).status_code == 302


@pytest.mark.parametrize("username", ["9" * 400, "dong\x00da", ""])
def test_a_hostile_username_is_a_failed_log_in_not_a_server_error(client, dongda, username):
    response = log_in(client, "sai", ATTACKER, username=username)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
