"""Per-request context (client address, user agent) for the audit trail; private caching."""

import ipaddress
from contextvars import ContextVar

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control

_request_context: ContextVar[dict | None] = ContextVar("thidua_request", default=None)


def _valid_ip(value):
    # The audit column is an IP address: garbage ("unknown", "1.2.3.4:80") must not
    # make every service call fail.
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_address(request):
    """Return the client's address, trusting exactly TRUSTED_PROXY_COUNT proxies."""
    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= hops:
            return _valid_ip(forwarded[-hops])
    return _valid_ip(request.META.get("REMOTE_ADDR"))


def current_request_context():
    return _request_context.get() or {}


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_context.set(
            {
                "ip": client_address(request),
                "user_agent": request.META.get("HTTP_USER_AGENT", "")[:400],
            }
        )
        try:
            return self.get_response(request)
        finally:
            _request_context.reset(token)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response that belongs to a session.

    That is a response to a request carrying the session cookie (any logged-in page, file
    downloads included), one whose view used or changed the session, and one that sets a
    cookie: none may be kept by the browser's history cache or a shared proxy. Placed after
    whitenoise, which answers static files itself, with their long caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            or (session is not None and (session.accessed or session.modified))
            or response.cookies
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Vietnamese first: the language is the user's explicit choice (the switch's cookie) or
    LANGUAGE_CODE — never guessed from the browser's Accept-Language header."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
