"""A password typed again while logged in counts with the log-in failures of the same pair
(username, client address): a stolen session cannot be used to guess the password on."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client, RequestFactory
from django.urls import reverse

from core import throttling
from core.audit_labels import action_label
from core.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "Mật-khẩu-đúng-2020"
NEW_PASSWORD = "Cum-thi-dua-2021!"
ATTACKER = "203.0.113.5"
ELSEWHERE = "198.51.100.7"


@pytest.fixture
def dongda(world):
    user = world.user("dongda")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def session(dongda):
    """Đống Đa's chair's session, in the hands of whoever sits at ATTACKER."""
    client = Client(REMOTE_ADDR=ATTACKER)
    client.force_login(dongda)
    return client


def change_password(client, old_password):
    return client.post(
        reverse("password_change"),
        {
            "old_password": old_password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )


def log_in(address, password=PASSWORD):
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("login"), {"username": "dongda", "password": password})
    return response, client


def wrong_entries(user):
    return AuditEntry.objects.filter(action="account.password_wrong", object_id=str(user.pk))


def test_wrong_old_passwords_say_the_tries_left_then_lock_the_page_and_the_log_in(session, dongda):
    for attempt, left in zip(range(1, 5), [4, 3, 2, 1], strict=True):
        response = change_password(session, f"sai-{attempt}")
        assert response.status_code == 200, attempt
        [error] = response.context["form"].errors["old_password"]
        assert error.startswith("Mật khẩu cũ không đúng.")
        assert f"Nhập sai thêm {left} lần nữa" in error
        assert error in response.content.decode()
    assert wrong_entries(dongda).count() == 4

    response = change_password(session, "sai-5")
    assert response.status_code == 429
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60
    assert "Sau 5 lần nhập sai mật khẩu" in response.content.decode()
    attempt = AccessAttempt.objects.get(username="dongda", ip_address=ATTACKER)
    assert attempt.failures_since_start == 5

    # Locked: the page itself, the right password, and the log-in from that address.
    assert session.get(reverse("password_change")).status_code == 429
    assert change_password(session, PASSWORD).status_code == 429
    dongda.refresh_from_db()
    assert dongda.check_password(PASSWORD)
    assert wrong_entries(dongda).count() == 5  # the refused tries checked no password
    response, client = log_in(ATTACKER)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session

    # The chair, elsewhere, logs in.
    response, client = log_in(ELSEWHERE)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(dongda.pk)


def test_each_wrong_password_is_in_the_account_history_with_the_address(session, dongda):
    change_password(session, "sai")
    [entry] = wrong_entries(dongda)
    assert entry.actor == dongda
    assert entry.ip == ATTACKER
    assert entry.after == {"page": reverse("password_change"), "failures": 1}
    assert str(action_label(entry.action)) == "Nhập lại sai mật khẩu"


def test_log_in_failures_from_the_address_lock_the_password_change_too(session, dongda):
    for attempt in range(5):
        log_in(ATTACKER, f"sai-{attempt}")
    assert session.get(reverse("password_change")).status_code == 429
    assert change_password(session, PASSWORD).status_code == 429
    dongda.refresh_from_db()
    assert dongda.check_password(PASSWORD)


def test_the_right_old_password_changes_it_and_forgets_the_failures(session, dongda):
    for attempt in range(4):
        change_password(session, f"sai-{attempt}")
    response = change_password(session, PASSWORD)
    assert response.status_code == 302
    dongda.refresh_from_db()
    assert dongda.check_password(NEW_PASSWORD)
    assert not AccessAttempt.objects.filter(username="dongda", ip_address=ATTACKER).exists()


# --- the function itself, as the signing page calls it -----------------------------------------


def request_from(user, address):
    request = RequestFactory().post("/agreements/1/sign/", REMOTE_ADDR=address)
    request.user = user
    return request


def test_check_password_answers_records_and_locks(dongda):
    assert throttling.check_password(request_from(dongda, ATTACKER), dongda, PASSWORD) is True
    for attempt, password in enumerate(["sai-1", "sai-2", "sai-3", ""]):
        request = request_from(dongda, ATTACKER)
        assert throttling.check_password(request, dongda, password) is False
        assert throttling.password_tries_left(request, dongda) == 4 - attempt

    # The fifth wrong password locks the pair: PasswordLocked carries the lockout page.
    request = request_from(dongda, ATTACKER)
    with pytest.raises(throttling.PasswordLocked) as locked:
        throttling.check_password(request, dongda, "sai-5")
    response = locked.value.response()
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert request.axes_locked_out  # django-axes' middleware shows that page whatever the view does
    assert wrong_entries(dongda).count() == 5

    # From then on even the right password is refused, without being checked or recorded.
    with pytest.raises(throttling.PasswordLocked):
        throttling.check_password(request_from(dongda, ATTACKER), dongda, PASSWORD)
    assert wrong_entries(dongda).count() == 5
    # Another address is not concerned.
    assert throttling.check_password(request_from(dongda, ELSEWHERE), dongda, PASSWORD) is True


def test_check_password_counts_even_with_throttling_off_in_the_audit_trail(dongda, settings):
    settings.AXES_ENABLED = False
    for attempt in range(8):
        request = request_from(dongda, ATTACKER)
        assert throttling.check_password(request, dongda, f"sai-{attempt}") is False
    assert throttling.password_tries_left(request, dongda) is None
    assert wrong_entries(dongda).count() == 8
    assert not AccessAttempt.objects.exists()
