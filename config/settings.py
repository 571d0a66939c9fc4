"""The one settings module. Every deployment difference comes from the environment."""

import datetime
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str, origin_of

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", required=not DEBUG) or "insecure-development-key-only-for-debug"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# How many reverse proxies stand in front of the app; the client address is read from
# X-Forwarded-For only that many hops back (0: the socket address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# The public address used in e-mails, QR codes and PDFs (no trailing slash).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    # Third-party apps under the names the administrators read (core/apps.py).
    "core.apps.TasksDatabaseConfig",
    "core.apps.AxesConfig",
    "django_otp",
    "core.apps.TOTPConfig",
    "core",
    "clusters",
    "agreements",
    "results",
    "awards",
    "demo",
    "config",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise (static files keep their caching), before sessions (sees their cookie).
    "core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.RequestContextMiddleware",
    # Last, as django-axes asks: it turns a refused log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.notifications.context.notifications",
            ],
            # `|vn_number` in every template (pages and documents): numbers written one way.
            "builtins": ["core.templatetags.numbers"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters sent apart from the SQL, so that psycopg can prepare a statement that a
    # connection runs again and again (its fifth run, by default): PostgreSQL then plans it once
    # per connection instead of on every request — the dashboard's year board took 8 ms to plan
    # and 1.3 ms to run (docs/benchmarks.md). Needs persistent connections (DB_CONN_MAX_AGE) to
    # pay; behind PgBouncer in transaction mode set DB_PREPARE_THRESHOLD=0 (docs/deploy.md).
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "server_side_binding": env_bool("DB_SERVER_SIDE_BINDING", True),
        "prepare_threshold": env_int("DB_PREPARE_THRESHOLD", 5) or None,
        # A prepared statement is planned once, for any values (a generic plan): under the
        # default ("auto") PostgreSQL kept re-planning the dashboard's statements for each call
        # because its estimate of the generic plan was worse, while the generic plan ran as fast
        # — 2 ms of PostgreSQL's CPU a request on the staff dashboard (docs/benchmarks.md).
        # Empty: leave the server's setting (PgBouncer refuses the `options` start-up parameter;
        # there, `ALTER ROLE … SET plan_cache_mode` does the same).
    }
    if plan_cache_mode := env_str("DB_PLAN_CACHE_MODE", "force_generic_plan"):
        DATABASES["default"]["OPTIONS"]["options"] = f"-c plan_cache_mode={plan_cache_mode}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id first (core/passwords.py; docs/deploy.md, "Passwords"); PBKDF2 after it so that the
# hashes written before verify, and Django re-hashes them with Argon2id at the next log-in.
PASSWORD_HASHERS = [
    "core.passwords.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out (username, address) pair before any password is checked.
    "core.throttling.LoginThrottleBackend",
    # Django's ModelBackend; the session's user read with its unread count (core/auth.py).
    "core.auth.UserBackend",
]
# A refused form (missing or stale CSRF token) gets the site's page in the reader's language.
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media-not-served-directly/"
# Media (uploads, sealed documents): the local folder on one machine; S3-compatible object
# storage when several app servers share them (STORAGE_BACKEND=s3). Either way files are
# private and served only through permission-checked views, never by a public URL.
STORAGE_BACKEND = env_str("STORAGE_BACKEND", "filesystem")
if STORAGE_BACKEND == "filesystem":
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif STORAGE_BACKEND == "s3":
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME", required=True),
            # Empty: AWS itself; otherwise MinIO, Ceph, a cloud's S3-compatible endpoint…
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
            # Empty: boto3 finds the credentials itself (instance role, ~/.aws, …).
            "access_key": env_str("AWS_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY", "") or None,
            "location": env_str("AWS_LOCATION", ""),
            "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE", "") or None,
            "default_acl": None,  # the bucket's own policy: private
            "querystring_auth": True,  # no public URL, even by mistake
            "file_overwrite": False,  # never replace a stored file under the same name
        },
    }
else:
    raise ImproperlyConfigured(f"STORAGE_BACKEND={STORAGE_BACKEND!r}: use filesystem or s3.")
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# The cache holds short-lived counters (the verification page's rate limit). In memory it is
# per process; with several app servers put it in the database (CACHE_BACKEND=database, after
# `manage.py createcachetable`) so that every server counts the same attempts.
CACHE_BACKEND = env_str("CACHE_BACKEND", "locmem")
if CACHE_BACKEND == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif CACHE_BACKEND == "database":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": env_str("CACHE_TABLE", "thidua_cache"),
        }
    }
else:
    raise ImproperlyConfigured(f"CACHE_BACKEND={CACHE_BACKEND!r}: use locmem or database.")
# The rendered content of adopted agreements (agreements/views/page.py `frozen_content`): in the
# memory of each process whatever CACHE_BACKEND says, since it never changes (keyed by the
# agreement, its content's SHA-256 and the language). About 20-60 KB a block.
CACHES["frozen_content"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "frozen-content",
    "TIMEOUT": None,
    "OPTIONS": {"MAX_ENTRIES": env_int("FROZEN_CONTENT_ENTRIES", 500)},
}
# Uploads: the largest file accepted anywhere, in bytes (per-field limits may be lower).
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# Prepared files (documents and exports made in the background) are kept this many hours.
PREPARED_FILE_HOURS = env_int("PREPARED_FILE_HOURS", 24)
# Days during which a unit's chair may contest a paper signing recorded in the unit's name.
PAPER_SIGNING_CONTEST_DAYS = env_int("PAPER_SIGNING_CONTEST_DAYS", 3)
# The public verification page (agreements.signing.verification, docs/deploy.md). Before any
# parsing, a file is refused when its bytes hold more than these (counted cheaply: %%EOF,
# startxref and xref sections for revisions, `endobj` for objects, `/ByteRange` for signatures
# and timestamps). A digitally signed agreement of a 16-member cluster holds 33 signatures and
# timestamps in about 40 revisions: the defaults leave it room twice over.
VERIFY_MAX_BYTES = env_int("VERIFY_MAX_BYTES", 20 * 1024 * 1024)
VERIFY_MAX_REVISIONS = env_int("VERIFY_MAX_REVISIONS", 100)
VERIFY_MAX_OBJECTS = env_int("VERIFY_MAX_OBJECTS", 20000)
VERIFY_MAX_SIGNATURES = env_int("VERIFY_MAX_SIGNATURES", 80)
# A file within the bounds is parsed in a separate process of lower priority, killed after this
# many seconds; at most VERIFY_CONCURRENCY files are checked at once across every app server
# (PostgreSQL advisory locks): one more is answered "busy, try again" at once.
VERIFY_PARSE_SECONDS = env_int("VERIFY_PARSE_SECONDS", 10)
VERIFY_CONCURRENCY = env_int("VERIFY_CONCURRENCY", 1)
# Uploads per client within the window: per address (IPv4 stays per address, a whole office
# shares one), and for IPv6 also per /64 network (one client can hold a whole /64).
VERIFY_RATE_LIMIT = env_int("VERIFY_RATE_LIMIT", 10)
VERIFY_RATE_LIMIT_IPV6_NETWORK = env_int("VERIFY_RATE_LIMIT_IPV6_NETWORK", 20)
VERIFY_RATE_WINDOW_SECONDS = env_int("VERIFY_RATE_WINDOW_SECONDS", 600)
# A digitally signed agreement's verdict (every signature and its revocation: seconds of work) is
# kept this long for the same file (0: never kept); a revocation shows after at most that long.
VERIFY_DIGITAL_CACHE_SECONDS = env_int("VERIFY_DIGITAL_CACHE_SECONDS", 300)
# `manage.py send_reminders` (daily) reminds the steps due within this many days, once each.
REMINDER_DAYS = env_int("REMINDER_DAYS", 3)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

_smtp = {
    "host": env_str("EMAIL_HOST", "localhost"),
    "port": env_int("EMAIL_PORT", 25),
    "username": env_str("EMAIL_HOST_USER", ""),
    "password": env_str("EMAIL_HOST_PASSWORD", ""),
    "use_tls": env_bool("EMAIL_USE_TLS", False),
}
_mail_backend = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _mail_backend,
        "OPTIONS": _smtp if _mail_backend.endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "thidua@localhost")

# Background work (sealing, documents): run at once in development and tests; in production
# TASKS_BACKEND=django_tasks_db.DatabaseBackend queues them in PostgreSQL for
# `manage.py db_worker` processes (docs/deploy.md), on any machine.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")
    }
}

# Security baseline: CSP with nonces everywhere, secure cookies outside DEBUG.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Django's database sessions, the row read with a query compiled once (core/sessions.py).
SESSION_ENGINE = "core.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Transport security is on unless DEBUG: secure cookies, HSTS and the redirect to HTTPS. Plain
# HTTP on loopback (`make run`, the benchmarks, the tests' client) turns each off explicitly.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe the health endpoint over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Log-in throttling (django-axes): five wrong passwords lock the pair (username, client address)
# for a cool-off, so that nobody can lock a chair out from elsewhere on signing day. The address
# is the one the audit trail records (core.middleware.client_address, TRUSTED_PROXY_COUNT).
# Passwords typed again while logged in count too (core.throttling.check_password).
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.middleware.client_address"
AXES_USERNAME_CALLABLE = "core.throttling.client_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.throttling.lockout_response"
# A refused attempt tries no password: it does not count, nor push the end of the cool-off
# further (the lockout page's "try again in" and Retry-After hold).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Successful log-ins are kept (axes' access log): they are the known addresses below.
AXES_DISABLE_ACCESS_LOG = False
AXES_VERBOSE = False
# Per account, from any addresses (core.throttling.account_pause_seconds): after this many
# failures within the cool-off, log-ins from addresses that have not logged into the account
# in the last LOGIN_KNOWN_ADDRESS_DAYS days are paused (0: no per-account limit).
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 10)
LOGIN_KNOWN_ADDRESS_DAYS = env_int("LOGIN_KNOWN_ADDRESS_DAYS", 90)
# Password-reset e-mails per hour, per account and per client address (silently: the page
# says the same whether an account exists and whether it was limited).
PASSWORD_RESET_ACCOUNT_LIMIT = env_int("PASSWORD_RESET_ACCOUNT_LIMIT", 3)
PASSWORD_RESET_ADDRESS_LIMIT = env_int("PASSWORD_RESET_ADDRESS_LIMIT", 10)

# Online secret ballots (awards.services.votes): a round closes when every unit present has
# voted or after this many minutes; a round with fewer than three ballots is void.
VOTE_ROUND_MINUTES = env_int("VOTE_ROUND_MINUTES", 20)

# Second factor (django-otp, TOTP): optional for every user; when this is on, a signatory must
# enrol an authenticator app before signing, and confirm a code once per session to sign.
OTP_REQUIRED_FOR_SIGNATORIES = env_bool("OTP_REQUIRED_FOR_SIGNATORIES", False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Thi đua")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Sealing: the organisation's certificate (PKCS#12) and the CA that verifiers trust.
# Development and tests use the demo keys that `make setup` generates into var/dev-keys.
DEV_KEYS_DIR = BASE_DIR / "var" / "dev-keys"
SEAL_PKCS12_PATH = Path(env_str("SEAL_PKCS12_PATH", str(DEV_KEYS_DIR / "seal.p12")))
SEAL_PKCS12_PASSWORD = env_str("SEAL_PKCS12_PASSWORD", "thidua-demo-only")
# The demo PKI (make setup): its roots, and its OCSP, CRL and timestamp services on this port
# (`manage.py demo_pki`; the port is written into the demo certificates).
DEMO_PKI_PORT = env_int("DEMO_PKI_PORT", 8991)
_DEMO_ROOTS = [
    str(DEV_KEYS_DIR / "pki" / "roots" / f"{arch}-root.pem")
    for arch in ("demo-cong-vu", "demo-cong-cong")
]
SEAL_TRUST_ROOTS = [Path(p) for p in env_list("SEAL_TRUST_ROOTS", _DEMO_ROOTS)]
# Digital signatures: the roots (and intermediates) verifiers trust — the Government Cipher
# Committee's public-service root and the licensed public CAs' roots, PEM files an administrator
# installs. The demo's two chains by default.
SIGNATURE_TRUST_ROOTS = [
    Path(p)
    for p in env_list(
        "SIGNATURE_TRUST_ROOTS",
        _DEMO_ROOTS + [r.replace("-root.pem", "-ca.pem") for r in _DEMO_ROOTS],
    )
]
SEAL_TIMESTAMP_URL = env_str("SEAL_TIMESTAMP_URL", "")
# Remote signing: a Cloud Signature Consortium API v1 provider (the demo's emulator by default,
# `manage.py csc_emulator`), and this application's client credentials there.
DEMO_CSC_PORT = env_int("DEMO_CSC_PORT", 8992)
REMOTE_SIGNING_URL = env_str("REMOTE_SIGNING_URL", f"http://127.0.0.1:{DEMO_CSC_PORT}")
REMOTE_SIGNING_CLIENT_ID = env_str("REMOTE_SIGNING_CLIENT_ID", "thidua-demo")
REMOTE_SIGNING_CLIENT_SECRET = env_str("REMOTE_SIGNING_CLIENT_SECRET", "thidua-demo-secret")
# The signer leaves through a form (POST, then a redirect to the provider's approval page):
# browsers hold that redirect to the CSP's form-action, so the provider's origin is allowed there
# (and any other origin its approval page lives on, REMOTE_SIGNING_PAGE_ORIGINS).
SECURE_CSP["form-action"] += [
    origin_of(url)
    for url in [REMOTE_SIGNING_URL, *env_list("REMOTE_SIGNING_PAGE_ORIGINS", [])]
    if origin_of(url)
]
# A signer's turn on the agreement's file, in seconds.
SIGNING_TURN_SECONDS = env_int("SIGNING_TURN_SECONDS", 300)
# Organisation keys entrusted to the server are kept encrypted under this secret (required in
# production before any is installed; the demo's is generated at set-up).
ORGANISATION_KEY_SECRET = env_str("ORGANISATION_KEY_SECRET", "") or (
    (DEV_KEYS_DIR / "organisation-key.secret").read_text().strip()
    if (DEV_KEYS_DIR / "organisation-key.secret").exists()
    else ""
)
# Backups of a cluster year (config/backup.py): their manifest is signed (HMAC-SHA256) with this
# key, kept outside the archives; a restore refuses an archive whose signature does not verify.
# Required to back up or restore in production; the demo's is generated at set-up.
BACKUP_KEY = env_str("BACKUP_KEY", "") or (
    (DEV_KEYS_DIR / "backup-key.secret").read_text().strip()
    if (DEV_KEYS_DIR / "backup-key.secret").exists()
    else ""
)
