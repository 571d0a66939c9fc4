"""Log-in throttling: wrong passwords lock the pair (username, client address); guesses at one
account from many addresses pause it for new addresses, never where its user logged in before."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessLog
from django.urls import reverse
from django.utils import timezone

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
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60
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


def test_a_refused_attempt_does_not_push_the_end_of_the_lockout(client, dongda):
    for attempt in range(5):
        response = log_in(client, f"sai-{attempt}", ATTACKER)
    assert response.status_code == 429
    locked_at = AccessAttempt.objects.get(username="dongda", ip_address=ATTACKER).attempt_time
    response = log_in(client, PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    attempt = AccessAttempt.objects.get(username="dongda", ip_address=ATTACKER)
    assert (attempt.failures_since_start, attempt.attempt_time) == (5, locked_at)


# --- one account guessed from many addresses -------------------------------------------------

OFFICE = "192.0.2.10"
LIMIT = 10  # LOGIN_ACCOUNT_FAILURE_LIMIT's default


def addresses(count, prefix="203.0.113"):
    return [f"{prefix}.{number}" for number in range(1, count + 1)]


def guess_from_many_addresses(client, count=LIMIT, *, username="dongda"):
    for address in addresses(count):
        response = log_in(client, f"doan-{address}", address, username=username)
        assert response.status_code == 200, address  # one guess each: no pair is locked


@pytest.fixture
def known_office(client, dongda):
    """Đống Đa's chair has logged in from the office before."""
    assert log_in(client, PASSWORD, OFFICE).status_code == 302
    client.logout()
    return OFFICE


def test_guesses_from_many_addresses_pause_the_account_for_new_addresses_only(
    client, dongda, known_office, world
):
    guess_from_many_addresses(client)

    # A new address is refused before any password is checked, even the right one.
    response = log_in(client, PASSWORD, "198.51.100.99")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60
    text = response.content.decode()
    assert "Tài khoản này đã bị nhập sai mật khẩu 10 lần từ nhiều nơi" in text
    assert "thử lại sau 15 phút." in text
    assert "nơi bạn đã từng đăng nhập" in text
    # The refusal tried no password and is not counted against that address.
    assert not AccessAttempt.objects.filter(ip_address="198.51.100.99").exists()

    # The chair at the office logs in as usual.
    response = log_in(client, PASSWORD, known_office)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == dongda.pk
    client.logout()

    # Another account, from a new address, is not concerned.
    badinh = world.user("badinh")
    badinh.set_password(PASSWORD)
    badinh.save()
    assert log_in(client, PASSWORD, "198.51.100.99", username="badinh").status_code == 302


def test_fewer_guesses_than_the_limit_pause_nothing(client, dongda):
    guess_from_many_addresses(client, LIMIT - 1)
    assert log_in(client, PASSWORD, "198.51.100.99").status_code == 302


def test_the_pause_ends_as_the_guesses_leave_the_cool_off(client, dongda):
    guess_from_many_addresses(client)
    now = timezone.now()
    # The guesses were made 10 minutes ago: five minutes of the 15-minute cool-off are left.
    AccessAttempt.objects.filter(username="dongda").update(
        attempt_time=now - datetime.timedelta(minutes=10)
    )
    response = log_in(client, PASSWORD, "198.51.100.99")
    assert response.status_code == 429
    assert 4 * 60 < int(response["Retry-After"]) <= 5 * 60
    assert "thử lại sau 5 phút." in response.content.decode()

    AccessAttempt.objects.filter(username="dongda").update(
        attempt_time=now - datetime.timedelta(minutes=16)
    )
    assert log_in(client, PASSWORD, "198.51.100.99").status_code == 302


def test_an_address_known_long_ago_is_a_new_address(client, dongda, known_office, settings):
    AccessLog.objects.filter(username="dongda", ip_address=known_office).update(
        attempt_time=timezone.now() - datetime.timedelta(days=settings.LOGIN_KNOWN_ADDRESS_DAYS + 1)
    )
    guess_from_many_addresses(client)
    assert log_in(client, PASSWORD, known_office).status_code == 429


def test_an_account_that_does_not_exist_is_paused_the_same_way(client, world):
    guess_from_many_addresses(client, username="khong-ai-ca")
    response = log_in(client, "bat-ky", "198.51.100.99", username="khong-ai-ca")
    assert response.status_code == 429
    assert "Retry-After" in response


def test_the_per_account_limit_can_be_turned_off(client, dongda, settings):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 0
    guess_from_many_addresses(client, 2 * LIMIT)
    assert log_in(client, PASSWORD, "198.51.100.99").status_code == 302
