"""Password guessing limits: log-ins, re-entered passwords, and small per-key rate limits.

Three layers, all answered at once (429 with `Retry-After`, never a delay that holds a worker):

- django-axes locks the pair (username, client address) after AXES_FAILURE_LIMIT wrong
  passwords, for AXES_COOLOFF_TIME;
- the per-account limit (`account_pause_seconds`) stops guessing one account from many
  addresses: after LOGIN_ACCOUNT_FAILURE_LIMIT failures within the cool-off from any addresses,
  log-ins to that account are paused for addresses that have not logged into it lately;
- a password typed again while logged in (`check_password`: the password change page, and
  every page that asks for it, such as signing) is counted with the log-in failures of the
  same pair, so that a session cannot be used to guess on.
"""

import datetime
import math
import time

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import LazyObject
from django.utils.translation import ngettext

from core.audit import audit_record
from core.middleware import client_address


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuse a locked-out pair or a paused account before any password is checked.

    Never logs anyone in itself. Only web log-ins carry a request, and only they are
    throttled: a call without one (a management command, the test client's `login`) is not a
    guessing attempt from an address, so it is left to the next backend instead of failing as
    django-axes' own backend does.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        super().authenticate(request, username=username, password=password, **kwargs)
        if not settings.AXES_ENABLED:
            return None
        paused = account_pause_seconds(request, client_username(request, {"username": username}))
        if paused:
            # Refused like a locked pair: AxesMiddleware shows `lockout_response`, and (with
            # AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off) the refusal is not counted:
            # no password was tried.
            request.axes_locked_out = True
            request.thidua_account_paused = paused
            raise AxesBackendPermissionDenied("Log-ins to this account from new places are paused.")
        return None


def _seconds_until_below(rows, limit, window, now):
    """Seconds until the failures of `rows` (time, count) within `window` are fewer than `limit`."""
    total = sum(count for _time, count in rows)
    if total < limit:
        return 0
    for attempt_time, count in sorted(rows):
        total -= count
        if total < limit:
            return max(1, math.ceil((attempt_time + window - now).total_seconds()))
    return 0


def account_pause_seconds(request, username):
    """How long log-ins to `username` from this request's address are paused (0: they are not).

    The per-account limit across addresses. Its design keeps the real user in: it counts the
    failures for the account from every address within the cool-off (django-axes' records,
    shared by every app server), and once there are LOGIN_ACCOUNT_FAILURE_LIMIT of them it
    refuses only addresses without a successful log-in to that account in the last
    LOGIN_KNOWN_ADDRESS_DAYS days — the office, home, wherever the user has logged in before
    still work, with the usual per-address limit. The pause ends as the oldest failures leave
    the cool-off; refused attempts are not counted (no password was tried), so an attacker
    gets at most LOGIN_ACCOUNT_FAILURE_LIMIT guesses per cool-off from new addresses, and the
    same answer is given for an account that does not exist.
    """
    limit = settings.LOGIN_ACCOUNT_FAILURE_LIMIT
    if not limit or not username:
        return 0
    window = get_cool_off(request) or datetime.timedelta(minutes=15)
    now = timezone.now()
    rows = list(
        AccessAttempt.objects.filter(username=username, attempt_time__gt=now - window).values_list(
            "attempt_time", "failures_since_start"
        )
    )
    if sum(count for _time, count in rows) < limit:
        return 0
    address = client_address(request)
    known = address is not None and (
        AccessLog.objects.filter(
            username=username,
            ip_address=address,
            attempt_time__gte=now - datetime.timedelta(days=settings.LOGIN_KNOWN_ADDRESS_DAYS),
        ).exists()
    )
    if known:
        return 0
    return _seconds_until_below(rows, limit, window, now)


def _pair_retry_seconds(request, username):
    """Seconds until the pair (username, this request's address) is no longer locked."""
    window = get_cool_off(request)
    if window is None:
        return 0
    now = timezone.now()
    rows = list(
        AccessAttempt.objects.filter(
            username=username,
            ip_address=client_address(request),
            attempt_time__gt=now - window,
        ).values_list("attempt_time", "failures_since_start")
    )
    return _seconds_until_below(rows, get_failure_limit(request, None), window, now)


def lockout_response(request, original_response=None, credentials=None):
    """The page shown to a locked-out pair or a paused account: what, for how long, what to do.

    HTTP 429 with `Retry-After` (seconds). AXES_LOCKOUT_CALLABLE: django-axes calls it for
    refused log-ins, and for any request it marked locked out (a re-entered password).
    """
    paused = getattr(request, "thidua_account_paused", 0)
    if paused:
        retry_after = paused
    else:
        cool_off = get_cool_off(request)
        username = client_username(request, credentials)
        retry_after = _pair_retry_seconds(request, username) or (
            math.ceil(cool_off.total_seconds()) if cool_off else 0
        )
    context = {
        "account_paused": bool(paused),
        "failure_limit": (
            settings.LOGIN_ACCOUNT_FAILURE_LIMIT
            if paused
            else get_failure_limit(request, credentials)
        ),
        "cooloff_minutes": max(1, math.ceil(retry_after / 60)) if retry_after else None,
    }
    response = render(request, "registration/locked_out.html", context, status=429)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def client_username(request, credentials):
    """The username a log-in attempt is counted under, as the login form would clean it.

    django-axes stores it in a column of 255 characters; a posted name longer than any
    account's (or holding a NUL byte) must be counted, not crash the log-in page.
    """
    from django.contrib.auth import get_user_model

    value = (credentials or {}).get("username")
    if value is None:
        value = request.POST.get("username", "")
    limit = get_user_model()._meta.get_field("username").max_length
    return str(value).replace("\x00", "")[:limit]


# --- re-entered passwords -------------------------------------------------------------------


class PasswordLocked(Exception):
    """Too many wrong passwords for this account from this address: refused for the cool-off.

    `response()` is the lockout page (429, `Retry-After`). The request is also marked locked
    out for django-axes, whose middleware shows that page whatever the view returns.
    """

    def __init__(self, request, credentials):
        super().__init__("Too many wrong passwords for this account from this address.")
        self.request = request
        self.credentials = credentials

    def response(self):
        return lockout_response(self.request, None, self.credentials)


def _credentials(user):
    return {"username": user.get_username()}


def _unwrapped(user):
    """The user behind request.user's lazy wrappers (the audit trail needs the model instance)."""
    while isinstance(user, LazyObject):  # django-otp wraps Django's wrapper once more
        user.get_username()  # evaluates the wrapper
        user = user._wrapped
    return user


def _mark_locked(request, credentials):
    request.axes_locked_out = True
    request.axes_credentials = credentials
    return PasswordLocked(request, credentials)


def require_password_allowed(request, user):
    """Raise PasswordLocked when the pair (user's username, client address) is locked."""
    credentials = _credentials(user)
    if settings.AXES_ENABLED and not AxesProxyHandler.is_allowed(request, credentials):
        raise _mark_locked(request, credentials)


def check_password(request, user, password):
    """Check the password the logged-in `user` typed again; wrong ones count as failed log-ins.

    Returns True when it is right (and, as a log-in would, forgets the pair's failures).
    Returns False when it is wrong: the failure is counted for the pair (username, client
    address) through django-axes — so the log-in page locks too — and written to the audit
    trail ("account.password_wrong", on the user). Raises PasswordLocked, without checking the
    password, when the pair is locked already, and when this failure locks it.

    Call it outside any transaction that a later error rolls back, or the failure is undone
    with it.
    """
    require_password_allowed(request, user)
    credentials = _credentials(user)
    if password and user.check_password(password):
        if settings.AXES_ENABLED and settings.AXES_RESET_ON_SUCCESS:
            AxesProxyHandler.reset_attempts(
                username=credentials["username"], ip_address=client_address(request)
            )
        return True
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    failures = AxesProxyHandler.get_failures(request, credentials) if settings.AXES_ENABLED else 0
    user = _unwrapped(user)
    audit_record(
        actor=user,
        obj=user,
        action="account.password_wrong",
        after={"page": request.path, "failures": failures},
    )
    if getattr(request, "axes_locked_out", False):
        raise _mark_locked(request, credentials)
    return False


def wrong_password_message(request, user, message):
    """`message` for a wrong re-entered password, with how many tries remain before the pause."""
    tries = password_tries_left(request, user)
    if not tries:
        return message
    warning = ngettext(
        "After %(count)d more wrong password, logging in and confirming with your password "
        "from your address are paused for a while.",
        "After %(count)d more wrong passwords, logging in and confirming with your password "
        "from your address are paused for a while.",
        tries,
    ) % {"count": tries}
    return f"{message} {warning}"


def password_tries_left(request, user):
    """How many more wrong passwords lock the pair (None when log-in throttling is off)."""
    if not settings.AXES_ENABLED:
        return None
    credentials = _credentials(user)
    limit = get_failure_limit(request, credentials)
    return max(0, limit - AxesProxyHandler.get_failures(request, credentials))


# --- rate limits ----------------------------------------------------------------------------


def allow_attempt(key, *, limit, window_seconds):
    """Count one attempt under `key`; False once more than `limit` were made in its window.

    The window starts at the key's first attempt and is stored with the count, so that it
    holds on every cache backend (the database cache's `incr` would reset the expiry to the
    default 300 s). Concurrent attempts may be undercounted by a few: a limit against abuse,
    not an exact count. With several app servers the cache must be shared (CACHE_BACKEND).
    """
    now = time.time()
    started, count = cache.get(key) or (now, 0)
    if now - started >= window_seconds:
        started, count = now, 0
    count += 1
    cache.set(key, (started, count), timeout=max(1, math.ceil(started + window_seconds - now)))
    return count <= limit
