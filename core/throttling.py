"""Log-in throttling (django-axes), keyed on the pair (username, client address)."""

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuse a locked-out pair before any password is checked; never logs anyone in itself.

    Only web log-ins carry a request, and only they are throttled: a call without one (a
    management command, the test client's `login`) is not a guessing attempt from an address,
    so it is left to the next backend instead of failing as django-axes' own backend does.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The page shown to a locked-out pair: what happened, for how long, what to do (429)."""
    from axes.helpers import get_cool_off, get_failure_limit
    from django.shortcuts import render

    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": max(1, round(cool_off.total_seconds() / 60)) if cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=429)


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
