"""Django settings: embedded SQLite by default, PostgreSQL when DATABASE_URL is set."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

from tongban.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
DATA_DIR = Path(
    env_str(
        "TONGBAN_DATA_DIR",
        str(PROJECT_DIR / "var"),
        shown="`var/` in the checkout",
        help="where the SQLite database, the secret key, fonts, the demo seal and logs live",
    )
)

DEBUG = env_bool("TONGBAN_DEBUG", False, help="Django's debug pages; never in production")


def _secret_key() -> str:
    """The key comes from the environment; an unset key is generated once into the data dir."""
    configured = env_str(
        "TONGBAN_SECRET_KEY",
        "",
        shown="generated once into `var/secret_key`",
        help="set it in production",
    )
    if configured:
        return configured
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list(
    "TONGBAN_ALLOWED_HOSTS",
    ["127.0.0.1", "localhost", "testserver"],
    help="host names the platform answers to, comma-separated",
)
CSRF_TRUSTED_ORIGINS = env_list(
    "TONGBAN_CSRF_TRUSTED_ORIGINS",
    [],
    help="origins (https://host) allowed to post forms, behind a TLS proxy",
)
# The address printed in QR codes; empty means "the address the request came in on".
PUBLIC_BASE_URL = env_str(
    "TONGBAN_PUBLIC_BASE_URL",
    "",
    shown="the request's own address",
    help="the address QR codes point to",
).rstrip("/")
# Documents made without a request (certificates) print PUBLIC_BASE_URL, else this address.
LOCAL_BASE_URL = env_str(
    "TONGBAN_LOCAL_BASE_URL",
    "http://127.0.0.1:8000",
    help="the address certificates' QR codes print when `TONGBAN_PUBLIC_BASE_URL` is unset",
).rstrip("/")
CITY_NAME = env_str(
    "TONGBAN_CITY_NAME", "西安市", help="the city, shown in the portal and documents"
)
CASE_NUMBER_PREFIX = env_str(
    "TONGBAN_CASE_NUMBER_PREFIX",
    "TB",
    help="case numbers are `{prefix}{yyyymmdd}{6-digit daily sequence}`",
)
REGION_CODE = env_str(
    "TONGBAN_REGION_CODE", "610100", help="the GB/T 2260 code in certificate numbers"
)
# The audit log's checkpoints: signed with a key outside the database, copied to a file
# outside it (docs/operations.md: keeping and rotating the key, witnesses).
AUDIT_SIGNER = env_str("TONGBAN_AUDIT_SIGNER", "ed25519", help="the audit checkpoint signer plugin")
AUDIT_KEY_FILE = env_str(
    "TONGBAN_AUDIT_KEY",
    str(DATA_DIR / "audit" / "audit-ed25519.pem"),
    shown="`var/audit/audit-ed25519.pem`",
    help="the Ed25519 key that signs audit checkpoints (made on first use)",
)
AUDIT_CHECKPOINT_LOG = env_str(
    "TONGBAN_AUDIT_CHECKPOINT_LOG",
    str(DATA_DIR / "audit" / "checkpoints.log"),
    shown="`var/audit/checkpoints.log`",
    help="the copy of every audit checkpoint outside the database",
)
# An RFC 3161 time-stamping authority for the checkpoints: off unless a URL is given.
AUDIT_TSA_URL = env_str(
    "TONGBAN_AUDIT_TSA_URL",
    "",
    shown="unset (off)",
    help="an RFC 3161 time-stamping authority that stamps the newest audit checkpoint",
)
AUDIT_TSA_CERT = env_str(
    "TONGBAN_AUDIT_TSA_CERT",
    "",
    shown="unset",
    help="the TSA's certificate or its root (PEM), that `audit verify` checks stamps against",
)
AUDIT_TSA_EVERY = env_int(
    "TONGBAN_AUDIT_TSA_EVERY",
    600,
    help="seconds between two time stamps of the newest audit checkpoint",
)
# The approval bureau's one seal (一章管审批): the signer plugin and the seal's holder.
SEAL_SIGNER = env_str(
    "TONGBAN_SEAL_SIGNER",
    "demo",
    help="the seal signer plugin (the demo one makes its own seal authority in `var/seal/`)",
)
SEAL_HOLDER = env_str(
    "TONGBAN_SEAL_HOLDER",
    f"{CITY_NAME}行政审批服务局",
    shown="{city}行政审批服务局",
    help="the seal's holder, printed on certificates",
)
PORTAL_NAME = env_str(
    "TONGBAN_PORTAL_NAME",
    f"{CITY_NAME}政务服务网 · 通办",
    shown="{city}政务服务网 · 通办",
    help="the portal's name in every page's header",
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "ninja",  # serves Swagger UI from our own static files: no CDN on a government intranet
    "django_tasks",
    "django_tasks_db",
    "tongban.core",
    "tongban.accounts",
    "tongban.catalog",
    "tongban.forms",
    "tongban.notify",
    "tongban.exchange",
    "tongban.guide",
    "tongban.cases",
    "tongban.certificates",
    "tongban.hall",
    "tongban.delivery",
    "tongban.ratings",
    "tongban.field",
    "tongban.projects",
    "tongban.floorplans",
    "tongban.servicemap",
    "tongban.analytics",
    "tongban.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tongban.core.middleware.RequestContextMiddleware",
    "tongban.core.middleware.NulRefusalMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tongban.core.middleware.SessionIdleRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "tongban.core.middleware.ActorMiddleware",
    "tongban.core.middleware.RefusalMiddleware",
]

ROOT_URLCONF = "tongban.urls"
WSGI_APPLICATION = "tongban.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tongban.core.context_processors.portal",
            ],
        },
    },
]

# Read whether or not it is used, so the configuration table names every variable.
_sqlite_path = env_str(
    "TONGBAN_SQLITE_PATH",
    str(DATA_DIR / "tongban.sqlite3"),
    shown="`var/tongban.sqlite3`",
    help="the SQLite file, when `DATABASE_URL` is unset",
)
_sqlite_busy_ms = env_int(
    "TONGBAN_SQLITE_BUSY_MS",
    20000,
    help="how long a SQLite writer waits for the write lock before “database is locked”",
)
_database_url = env_str(
    "DATABASE_URL",
    "",
    shown="unset → SQLite in `var/`",
    help="e.g. `postgres://user:pw@host/db` for PostgreSQL 15+",
)
if _database_url:
    DATABASES: dict[str, dict[str, Any]] = {
        "default": dict(
            dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)
        )
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "tongban.core.db.sqlite3",
            "NAME": _sqlite_path,
            # Reuse each thread's connection: opening one (and its PRAGMAs) per request costs
            # more than most of our queries.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # IMMEDIATE takes the write lock when a transaction begins, so two writers
                # queue on busy_timeout instead of failing with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": _sqlite_busy_ms / 1000,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    f"PRAGMA busy_timeout={_sqlite_busy_ms};"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# 5 failed logins from one address lock that address out of the account for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
# Locked by account and address together, so that nobody can lock the owner out from elsewhere;
# across addresses each account slows down instead (tongban.accounts.signin).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "tongban.core.throttle.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
# Never per address alone: a hall's kiosks and a city intranet share few addresses, and
# locking an address would lock out everyone behind it.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# 30-minute idle timeout: SessionIdleRefreshMiddleware renews the session at most once a minute
# while the person is active, so it expires 30 minutes (less up to one) after the last request.
SESSION_COOKIE_AGE = env_int(
    "TONGBAN_SESSION_IDLE_SECONDS",
    30 * 60,
    help="a session ends after this long idle (等保: 30 min)",
)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
# Behind HTTPS (a TLS-terminating proxy that sets X-Forwarded-Proto): plain HTTP is redirected,
# browsers are told to use HTTPS only (HSTS), and cookies travel over HTTPS only.
HTTPS = env_bool(
    "TONGBAN_HTTPS",
    False,
    help="the platform is served over HTTPS (HSTS, redirect, secure cookies)",
)
SESSION_COOKIE_SECURE = env_bool(
    "TONGBAN_SECURE_COOKIES", HTTPS, shown="as `TONGBAN_HTTPS`", help="send cookies over HTTPS only"
)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "tongban.core.pages.csrf_failure"
SECURE_SSL_REDIRECT = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = (
    env_int("TONGBAN_HSTS_SECONDS", 31536000, help="HSTS max-age when `TONGBAN_HTTPS` is on")
    if HTTPS
    else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool(
    "TONGBAN_HSTS_PRELOAD", True, help="ask browsers' HSTS preload lists to include the domain"
)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts only from the platform itself or inline with this response's nonce; no eval, no
# inline handlers. Inline style attributes stay allowed (they run no code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"


SMS_GATEWAY = env_str(
    "TONGBAN_SMS_GATEWAY",
    "tongban.notify.contrib.log_sms.LogSmsGateway",
    shown="`tongban.notify.contrib.log_sms.LogSmsGateway` (writes `var/sms.log`)",
    help="dotted path of an `SmsGateway`",
)
NOTIFY_CLAIM_TIMEOUT_SECONDS = env_int(
    "TONGBAN_NOTIFY_CLAIM_TIMEOUT",
    120,
    help="seconds after which a delivery claimed by a killed worker is taken over",
)

# The last mile: the courier plugin that mails results, its webhook secret, and how fast the
# demo courier plays a parcel's events (seconds per courier hour; 3600 is real time).
COURIER = env_str("TONGBAN_COURIER", "demo", help="the courier plugin that mails results")
COURIER_SECRETS = {
    COURIER: env_str(
        "TONGBAN_COURIER_SECRET",
        "",
        shown="(derived from the secret key)",
        help="the shared secret that signs the courier's tracking webhook",
    )
}
# The demo's stand-in for an ID card reader: an ID number typed on a locker or kiosk screen
# counts as a card on the reader. Never in production.
ID_READER_SIMULATOR = env_bool(
    "TONGBAN_ID_READER_SIMULATOR",
    False,
    help="demo only: an ID number typed on a device's screen stands for a card on its reader",
)
DEMO_COURIER_HOURS = env_int(
    "TONGBAN_DEMO_COURIER_HOURS", 3600, help="seconds per courier hour for the demo courier"
)

# The guide keeps what people asked (without who asked it) this long, for its keepers.
TONGBAN_GUIDE_QUERY_DAYS = env_int(
    "TONGBAN_GUIDE_QUERY_DAYS", 180, help="days the guide's anonymous query log is kept"
)

# 好差评: the working days a department has to verify a bad rating and, when it plans a fix
# (限期整改), to make it (local rules say 5 or 15); and the days after completion when an
# unrated case is invited to rate by SMS (3 by the national rules).
TONGBAN_RATING_VERIFY_DAYS = env_int(
    "TONGBAN_RATING_VERIFY_DAYS", 3, help="working days to verify a bad rating"
)
TONGBAN_RATING_FIX_DAYS = env_int(
    "TONGBAN_RATING_FIX_DAYS", 5, help="default working days to rectify a bad rating"
)
TONGBAN_RATING_INVITE_DAYS = env_int(
    "TONGBAN_RATING_INVITE_DAYS", 3, help="days after completion before an SMS invites a rating"
)

# The city's geography for the 15-minute service circle (a YAML file; the demo's Xi'an when
# empty): its outline and districts, with their populations and sources.
TONGBAN_CITY_GEOGRAPHY = env_str(
    "TONGBAN_CITY_GEOGRAPHY",
    "",
    shown="the demo's Xi'an",
    help="the city's outline and districts (YAML) for service points and coverage",
)

# Data-sharing exchange: remote providers get this many attempts per query, and a provider
# failing this many times in a row is not called again for the reset period (circuit breaker).
EXCHANGE_HTTP_ATTEMPTS = env_int(
    "TONGBAN_EXCHANGE_HTTP_ATTEMPTS", 2, help="attempts per query to a remote exchange provider"
)
EXCHANGE_BREAKER_FAILURES = env_int(
    "TONGBAN_EXCHANGE_BREAKER_FAILURES",
    5,
    help="failures in a row after which a provider is not called (`docs/operations.md`)",
)
EXCHANGE_BREAKER_RESET_SECONDS = env_int(
    "TONGBAN_EXCHANGE_BREAKER_RESET", 30, help="seconds before a broken provider is tried again"
)

# Live hall events (display boards): each process polls the event table this often for
# events written by other processes; with Redis (extra [redis]) they arrive at once.
HALL_EVENTS_POLL_SECONDS = (
    env_int(
        "TONGBAN_HALL_EVENTS_POLL_MS",
        250,
        help="how often each process looks for hall events written by other processes (boards)",
    )
    / 1000
)
TONGBAN_REDIS_URL = env_str(
    "TONGBAN_REDIS_URL",
    "",
    help="with the `[redis]` extra: boards on every app server wake at once (`docs/operations.md`)",
)
CACHES = {
    # Rate limits and failure counts (tongban.core.throttle): shared by every app server when
    # Redis is configured, per process otherwise.
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": TONGBAN_REDIS_URL,
    }
    if TONGBAN_REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    # Rendered output keyed by immutable versions (see tongban.core.cache): per process by design.
    "local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "local",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

# Requests per client and window on the API (tongban.core.throttle); "off" lifts a limit.
RATE_LIMITS = {
    who: env_str(
        f"TONGBAN_RATE_{who.upper()}",
        default,
        help=f"API requests per {label} (`300/m`, `20/s`, or `off`)",
    )
    for who, default, label in (
        ("anonymous", "300/m", "address of a caller without a session or device key"),
        ("device", "600/m", "device key (kiosk, board, locker)"),
        ("person", "1200/m", "signed-in person"),
    )
}
# How many proxies of the deployment's own (nginx) stand before the app: the client's
# address is read from X-Forwarded-For only that far back, never as a client wrote it.
TRUSTED_PROXIES = env_int(
    "TONGBAN_TRUSTED_PROXIES",
    0,
    help="reverse proxies in front of the app that set X-Forwarded-For",
)
# A board's stream ends after this long and the browser reconnects (Last-Event-ID), so a
# board never holds a web server thread for ever.
HALL_STREAM_MAX_SECONDS = env_int(
    "TONGBAN_HALL_STREAM_MAX_SECONDS", 300, help="a board's event stream reconnects after this long"
)
HALL_STREAM_KEEPALIVE_SECONDS = 15.0
EMAIL_BACKEND = env_str(
    "TONGBAN_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend",
    shown="console",
    help="`django.core.mail.backends.smtp.EmailBackend` for e-mail notifications over SMTP",
)
EMAIL_HOST = env_str("TONGBAN_EMAIL_HOST", "localhost", help="SMTP server")
EMAIL_PORT = env_int("TONGBAN_EMAIL_PORT", 25, help="SMTP port")
EMAIL_HOST_USER = env_str("TONGBAN_EMAIL_USER", "", help="SMTP user")
EMAIL_HOST_PASSWORD = env_str("TONGBAN_EMAIL_PASSWORD", "", help="SMTP password")
EMAIL_USE_TLS = env_bool("TONGBAN_EMAIL_TLS", False, help="STARTTLS to the SMTP server")
DEFAULT_FROM_EMAIL = env_str(
    "TONGBAN_EMAIL_FROM", "noreply@tongban.invalid", help="sender of e-mail notifications"
)

# The floor-plan maker's rules (floorplans/ruledata/<code>.toml) a new plan starts with.
FLOORPLAN_JURISDICTION = env_str(
    "TONGBAN_FLOORPLAN_JURISDICTION",
    "national",
    help="the catering floor-plan rules new plans use: national, or a file in floorplans/ruledata",
)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_str("TONGBAN_LOG_LEVEL", "INFO", help="DEBUG, INFO, WARNING or ERROR"),
    },
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint narrates every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
