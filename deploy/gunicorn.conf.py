"""gunicorn settings for an app server; every value can be changed from the environment.

    gunicorn -c deploy/gunicorn.conf.py config.wsgi

Sync workers: pages spend their time in Python and the database, not waiting on slow clients
(the reverse proxy buffers those). Workers keep no state another server needs: sessions,
tasks and files live in PostgreSQL and the object storage.
"""

import gc
import multiprocessing
import os

# Loopback unless told otherwise: only the reverse proxy may reach gunicorn, since the client
# address comes from its X-Forwarded-For (docs/deploy.md). Another server's proxy: this
# machine's private address behind a firewall, or a unix socket ("unix:/run/thidua/…sock").
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
# A request that takes longer is killed and logged; documents and seals run in the task worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
# Recycle workers now and then so that a slow leak never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 200))
# Load the application once in the master, then fork: workers share its memory pages (Django
# opens no database connection while loading, so none is shared between workers).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
# Only the reverse proxy may set X-Forwarded-*; Django reads the client address from
# TRUSTED_PROXY_COUNT, not from gunicorn.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "thidua"


def pre_fork(server, worker):
    """In the master, before each worker is forked: load the URL configuration (every view
    module) and move every object loaded so far out of the collector's reach (gc.freeze).

    A worker's full garbage collection otherwise walks the whole loaded application (about
    230,000 objects, 170 ms on the benchmark's machine) every few hundred requests, stalling the
    request it lands on; frozen, the application's objects are never walked again, and the
    memory pages the workers share with the master stay shared (a collection writes to every
    object it walks)."""
    if not server.cfg.preload_app:
        return  # nothing of the application is loaded in the master
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports config.urls and every view)
    gc.freeze()
