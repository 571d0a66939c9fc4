"""Main pages served again to the same session while nothing in the database has changed.

A main page costs 25–70 ms of Python and SQL to compute (docs/benchmarks.md). The same person
often asks for the same page again with nothing changed: a refresh, the back button, a status
panel polled by htmx. Such a request is answered with the copy rendered for that session when
the database is provably in the same state, so the answer is what rendering would give.

"The same state" is PostgreSQL's own transaction snapshot, `pg_current_snapshot()`: the next
transaction id to be assigned and the ids still running. Every transaction that writes gets an
id, and its commit changes the snapshot, so any committed write anywhere in the database (a
service, the admin, a migration, a session saved, a log-in) makes every stored page stale. The
snapshot is read before the view runs: the view may see later commits, never earlier ones,
so a copy is never older than the snapshot it is stored under.

Besides the database a page depends on who asks and how (the key: the session, the CSRF cookie
whose secret the page's forms carry, the language, the full path, the htmx headers), on the
date (the day in Hà Nội is part of the entry; positions and deadlines change at midnight) and
on the time of day (a copy lives at most PAGE_CACHE_SECONDS). The CSP nonce of the stored copy
is replaced by the new response's nonce.

A hard refresh (`Cache-Control: no-cache`) renders the page again.
Never cached: views not marked `@session_cached`; anything but GET; anonymous requests;
requests with a flash message waiting (the copy would hide it); responses other than 200 HTML,
that set a cookie, showed a message or modified the session; requests inside a transaction
(the snapshot cannot see the transaction's own writes: the tests' transactions); databases
other than PostgreSQL; PAGE_CACHE_SECONDS=0. Copies stay in the process's own memory (the
"pages" cache, LocMemCache): a shared database cache would be a write on every store.
"""

import hashlib

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone, translation

ALIAS = "pages"
HEADER = "X-Page-Cache"
_MESSAGES_SESSION_KEY = "_messages"


def session_cached(view):
    """Mark a GET view whose page may be served again (outermost decorator)."""
    view.session_cached = True
    return view


def database_snapshot():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


def _applies(request, view_func):
    return (
        getattr(view_func, "session_cached", False)
        and request.method == "GET"
        and settings.PAGE_CACHE_SECONDS > 0
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    )


def _messages_waiting(request):
    """A flash message is stored for this browser (cookie or session storage)."""
    return bool(request.COOKIES.get("messages")) or _MESSAGES_SESSION_KEY in request.session


def _fresh_asked(request):
    """A hard refresh (Ctrl+F5) asks for a fresh page: rendered, then stored again."""
    return "no-cache" in request.headers.get(
        "Cache-Control", ""
    ) or "no-cache" in request.headers.get("Pragma", "")


def _key(request):
    parts = [
        request.session.session_key,
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        translation.get_language() or "",
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        request.headers.get("HX-Trigger", ""),
    ]
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _used_nonce(request):
    nonce = getattr(request, "_csp_nonce", None)
    return str(nonce) if nonce else ""  # a LazyNonce is false until the page used it


def _replay(request, entry):
    content = entry["content"]
    if entry["nonce"]:  # str() generates this response's nonce: the CSP header will carry it
        content = content.replace(entry["nonce"].encode(), str(request._csp_nonce).encode())
    response = HttpResponse(content, headers=entry["headers"])
    response[HEADER] = "hit"
    return response


def _same_csrf_secret(request):
    """The page's form tokens belong to the CSRF cookie the browser sent (part of the key)."""
    sent = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    return request.META.get("CSRF_COOKIE", sent) == sent


def _storable(request, response):
    storage = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.cookies
        and _same_csrf_secret(request)
        and not request.session.modified
        and not (storage is not None and (storage.used or storage._queued_messages))
        and not connection.in_atomic_block
    )


class SessionPageCacheMiddleware:
    """Serve or store the pages of `@session_cached` views (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        pending = getattr(request, "_page_cache", None)
        if pending is not None and _storable(request, response):
            key, snapshot, day = pending
            caches[ALIAS].set(
                key,
                {
                    "content": response.content,
                    # The view's own headers (Content-Type, htmx triggers…); the middleware
                    # around this one adds the rest to every response, copies included.
                    "headers": dict(response.headers),
                    "nonce": _used_nonce(request),
                    "snapshot": snapshot,
                    "day": day,
                },
                settings.PAGE_CACHE_SECONDS,
            )
            response[HEADER] = "stored"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not _applies(request, view_func):
            return None
        if not request.session.get(SESSION_KEY) or _messages_waiting(request):
            return None
        key = _key(request)
        snapshot = database_snapshot()
        day = timezone.localdate().isoformat()
        entry = None if _fresh_asked(request) else caches[ALIAS].get(key)
        if entry is not None and entry["snapshot"] == snapshot and entry["day"] == day:
            return _replay(request, entry)
        request._page_cache = (key, snapshot, day)
        return None
