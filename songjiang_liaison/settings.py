"""One settings module, configured from the environment (twelve-factor).

Every value that differs between machines is read from the environment (or a `.env` file):
DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, EMAIL_URL. With none of them set the
portal runs on SQLite with eager Celery and an in-process cache, so a fresh machine needs no services.
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from songjiang_liaison import config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("TESTING", default=False)

# Production secrets have no default: only a DEBUG or test run may use the development key.
if DEBUG or TESTING:
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-development-only-key-songjiang")
else:
    # Unset, it stays empty and Django refuses to sign anything with it (ImproperlyConfigured on first
    # use), so commands that need no key (makemigrations, check) still run; a weak key fails at once.
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if SECRET_KEY and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
        raise ImproperlyConfigured(
            "SECRET_KEY must be a random string of at least 50 characters when DEBUG is off."
        )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if (DEBUG or TESTING) else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The portal's public address, printed in deputies' QR codes (falls back to the request's host).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "csp",
    "ops",
    "accounts",
    "deputies",
    "contacts",
    "feedback",
    "reports",
]

MIDDLEWARE = [
    "ops.logs.RequestLogMiddleware",
    # NUL characters and oversized bodies are refused before anything reads them (issue 12).
    "songjiang_liaison.middleware.RequestGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous GETs of the public pages, answered from the cache before sessions and CSRF are touched.
    "songjiang_liaison.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "songjiang_liaison.urls"
WSGI_APPLICATION = "songjiang_liaison.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "songjiang_liaison.navigation.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT spends seconds compiling the quota aggregate and saves nothing (docs/benchmarks.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# Persistent connections in production, checked before each request reuses one: a PostgreSQL restart
# costs the next request a reconnect, not a 500 (tests/faults/test_services.py).
DATABASES["default"].setdefault(
    "CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0 if (DEBUG or TESTING) else 60)
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A streaming replica for the reports and public statistics (songjiang_liaison/replica.py,
# docs/deployment.md "Beyond one machine"); in the test suite it mirrors `default`.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["songjiang_liaison.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# How long a web request waits for Redis (cache, rate limits, broker) before it gives up on it. The
# test suite waits longer: on a busy CI machine a slow answer is not an outage.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=5.0 if TESTING else 0.5)
CACHE_REDIS_URL = REDIS_URL
if REDIS_URL and TESTING and os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw"):
    # Each test worker its own Redis database for the cache: the suite's cache.clear() is FLUSHDB, and
    # rate-limit counters of one worker's test must not meet another's.
    CACHE_REDIS_URL = config.redis_db_for_worker(REDIS_URL, int(os.environ["PYTEST_XDIST_WORKER"][2:]))
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down: each process falls back to its own memory and logs a warning (ops/cache.py).
            "BACKEND": "ops.cache.FailSafeRedisCache",
            "LOCATION": CACHE_REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="songjiang"),
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
                "RETRY_AFTER": 5,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Public page cache (songjiang_liaison/pagecache.py): anonymous GETs of the public pages and API lists,
# kept until any shown data changes. PAGE_CACHE=false turns it off (to measure the uncached path).
PAGE_CACHE = env.bool("PAGE_CACHE", default=True)
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# How long a browser or a proxy may keep a public page without asking again (Cache-Control: max-age).
PAGE_CACHE_MAX_AGE = env.int("PAGE_CACHE_MAX_AGE", default=60)

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language: Simplified Chinese by default, English as the second language.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates read 2026年11月28日 in Chinese (Django's zh-hans formats) and ISO in English (design.md).
FORMAT_MODULE_PATH = ["songjiang_liaison.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# The portal serves /media/ itself (ops/media.py): public images to anyone with safe headers, the
# signed-in prefixes to signed-in users only, nothing else. SERVE_MEDIA=false when S3 or nginx does.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
MEDIA_PUBLIC_PREFIXES = ["deputies/photos/", "organizations/qr/", "activities/photos/", "reports/articles/"]
MEDIA_SIGNED_IN_PREFIXES = ["opinions/photos/", "contacts/voter_reports/", "contacts/research/"]
# Background exports (the compliance report) are private: kept outside MEDIA_ROOT, which is served to
# everyone, and read only through the owner-checked download view. Empty: "private/exports" beside
# MEDIA_ROOT (reports.models.exports_root).
EXPORTS_ROOT = env.str("EXPORTS_ROOT", default="")
if EXPORTS_ROOT and Path(EXPORTS_ROOT).resolve().is_relative_to(Path(MEDIA_ROOT).resolve()):
    raise ImproperlyConfigured("EXPORTS_ROOT must not be inside MEDIA_ROOT: media files are public.")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Media on S3-compatible storage (the city's object store, MinIO) for several web nodes: MEDIA_STORAGE=s3
# and the bucket below; public images then come from the bucket, so the portal does not serve media.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE not in {"filesystem", "s3"}:
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'filesystem' or 's3'.")
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("MEDIA_S3_BUCKET"),
            "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("MEDIA_S3_REGION", default="") or None,
            "access_key": env.str("MEDIA_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("MEDIA_S3_SECRET_KEY", default="") or None,
            "custom_domain": env.str("MEDIA_S3_CUSTOM_DOMAIN", default="") or None,
            "file_overwrite": False,
            "querystring_auth": False,
        },
    }
    SERVE_MEDIA = False
# Uploads: photos are checked and re-encoded (deputies/images.py); the request as a whole is capped.
# The largest request body accepted at all (songjiang_liaison.middleware: 413 before reading it); keep
# nginx's client_max_body_size (deploy/nginx) at the same value.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=13 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
MAX_PHOTO_BYTES = 5 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@songjiang-liaison.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Behind a TLS-terminating proxy in production.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)

# Content-Security-Policy (django-csp, docs/csp.md): scripts, styles, images and fonts from the portal
# itself only; no inline script or style, no plug-ins, no framing, forms post only here.
# CSP_REPORT_ONLY=true (environment) sends the same policy as Content-Security-Policy-Report-Only
# (rollout: browsers report violations in the console, or to CSP_REPORT_URI, and block nothing).
# Lower-case names: django-csp 4 refuses to start when settings named CSP_* (its 3.x format) exist.
_csp_directives = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
if _csp_report_uri := env.str("CSP_REPORT_URI", default=""):
    _csp_directives["report-uri"] = [_csp_report_uri]
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _csp_directives}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _csp_directives}

SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])
if not DEBUG and not TESTING and not SECURE_HSTS_PRELOAD:
    # Preloading is a one-way decision taken with the domain's owner, not a default.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# Client addresses, for every rate limit and the failed-login limit: how many reverse proxies in front
# of the portal append the address they saw to X-Forwarded-For. 0 (the default): the portal is reached
# directly, REMOTE_ADDR is the client and the header, which a client can write, is ignored. Set it to
# the real number of proxies, or every client looks like the proxy (or can pick its own address).
# USE_X_FORWARDED_FOR=true, the older switch, means one proxy.
NUM_PROXIES = env.int("NUM_PROXIES", default=1 if env.bool("USE_X_FORWARDED_FOR", default=False) else 0)
if NUM_PROXIES < 0:
    raise ImproperlyConfigured("NUM_PROXIES must be 0 or more.")
# Password guessing (accounts/throttling.py): failed logins allowed per username and per client address
# in a window; beyond, every login for them is refused until the window ends.
LOGIN_FAILURES_PER_USERNAME = env.int("LOGIN_FAILURES_PER_USERNAME", default=10)
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=30)
LOGIN_FAILURE_WINDOW_MINUTES = env.int("LOGIN_FAILURE_WINDOW_MINUTES", default=15)
if min(LOGIN_FAILURES_PER_USERNAME, LOGIN_FAILURES_PER_ADDRESS, LOGIN_FAILURE_WINDOW_MINUTES) < 1:
    raise ImproperlyConfigured("The LOGIN_FAILURE* settings must be 1 or more.")

REST_FRAMEWORK = {
    "NUM_PROXIES": NUM_PROXIES,
    # A service's ValidationError → 400, NotAllowed → 403, Conflict → 409 (songjiang_liaison/errors.py).
    "EXCEPTION_HANDLER": "songjiang_liaison.api.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # The browsable API's inline layout styles are allowed on its pages only (docs/csp.md).
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "songjiang_liaison.content_policy.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # JSON bodies must be objects; no NUL in any body (songjiang_liaison/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "songjiang_liaison.parsers.ObjectJSONParser",
        "songjiang_liaison.parsers.FormParser",
        "songjiang_liaison.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "songjiang_liaison.schema.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        # Password guessing through POST /api/v1/auth/token/, per client address.
        "auth_token": env.str("AUTH_TOKEN_RATE", default="20/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "松江区人大代表联系人民群众平台 API",
    "DESCRIPTION": "Songjiang District deputies–people liaison portal, REST API v1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # No online validator badge: the docs must not call out to validator.swagger.io (closed network).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Choice sets that share a field name (kind, level, state, status) get the name of their class,
    # so that the schema generates without collision warnings. Add new choice classes here.
    "ENUM_NAME_OVERRIDES": {
        "CongressLevelEnum": "deputies.models.Level",
        "RegionKindEnum": "deputies.models.RegionKind",
        "OrganizationKindEnum": "deputies.models.OrganizationKind",
        "ContactPointKindEnum": "deputies.models.ContactPointKind",
        "CommitteeKindEnum": "deputies.models.CommitteeKind",
        "DeputyStatusEnum": "deputies.models.DeputyStatus",
        "ActivityKindEnum": "contacts.models.ActivityKind",
        "ResearchKindEnum": "contacts.models.ResearchKind",
        "MeetingStateEnum": "contacts.models.MeetingState",
        "VoterQuestionKindEnum": "contacts.models.VoterQuestionKind",
        "CommitteeContactKindEnum": "contacts.models.CommitteeContactKind",
        "VoterQuestionChannelEnum": "contacts.models.VoterQuestionChannel",
        "VoterQuestionStateEnum": "contacts.models.VoterQuestionState",
        "OpinionStateEnum": "feedback.models.OpinionState",
        "OpinionChannelEnum": "feedback.models.Channel",
        "RouteLevelEnum": "feedback.models.RouteLevel",
        "SuggestionKindEnum": "feedback.models.SuggestionKind",
        "SuggestionStateEnum": "feedback.models.SuggestionState",
        "SuggestionRatingEnum": "feedback.models.SuggestionRating",
        "ReplyCategoryEnum": "feedback.models.ReplyCategory",
        "OpinionRatingEnum": "feedback.models.Rating",
    },
}

# Celery: Redis as broker; eager (in-process) when no broker is configured, and in the test suite
# (tests that need a real worker start one and turn eager mode off for themselves).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_RESULT_EXPIRES = 24 * 60 * 60
# Nobody waits for a task's result: the web process must not subscribe to the result store when it
# publishes (with Redis down, the Redis result consumer raises RuntimeError, "must be restarted", and
# a citizen's submission answered 500; tests/faults/test_services.py). Ask with ignore_result=False.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL or TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged after it ran, and re-delivered if the worker died: every task is idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
# Redis re-delivers an unacknowledged task after this long (a worker's main process was killed): it
# must exceed the longest task (CELERY_TASK_TIME_LIMIT) and the longest retry countdown
# (accounts.tasks.DELIVERY_OPTIONS), and is otherwise as short as possible.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=20 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Every worker looks for unacknowledged tasks older than the visibility timeout every 10 s (kombu's
    # default looks every 100 s: 10 s x a throttle of 10), so a lost worker's task comes back within
    # the timeout plus 10 s.
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# Publishing never waits long for a missing broker: ops.outbox keeps the task for the beat sweep.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
DJANGO_CELERY_BEAT_TZ_AWARE = True
# Task modules that are not called `tasks.py` (autodiscovery finds those).
CELERY_IMPORTS = ["feedback.reminders"]

# Reminders (R-SUP-1, §五(一)). The default beat schedules are installed by an accounts migration
# (`accounts/schedules.py`) and edited in the admin under "Periodic tasks".
# Quota checkpoints, month-day; the last one of the year reminds everyone still short of a quota.
QUOTA_REMINDER_CHECKPOINTS = config.month_days(
    "QUOTA_REMINDER_CHECKPOINTS",
    env.list("QUOTA_REMINDER_CHECKPOINTS", default=["04-01", "07-01", "10-01", "12-01"]),
)
# The daily run still sends a checkpoint's reminders this many days later (beat was down, say).
QUOTA_REMINDER_GRACE_DAYS = env.int("QUOTA_REMINDER_GRACE_DAYS", default=6)
# Deadlines due within this many days are announced; "long overdue" (escalated) is
# OPINION_LONG_OVERDUE_DAYS below.
DEADLINE_DUE_SOON_DAYS = env.int("DEADLINE_DUE_SOON_DAYS", default=7)
# A nudge to the deputy before the statutory 15-day feedback deadline (§四(二)).
FEEDBACK_OWED_AFTER_DAYS = env.int("FEEDBACK_OWED_AFTER_DAYS", default=10)
# Text messages (accounts/sms, docs/accounts.md): the backend, and for the cloud gateways their account,
# signature name (签名), region and the id of each approved template.
SMS_BACKEND = env.str("SMS_BACKEND", default="accounts.sms.LoggingSmsBackend")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default="")
SMS_ACCESS_KEY_ID = env.str("SMS_ACCESS_KEY_ID", default="")
SMS_ACCESS_KEY_SECRET = env.str("SMS_ACCESS_KEY_SECRET", default="")
SMS_SIGN_NAME = env.str("SMS_SIGN_NAME", default="")
SMS_SDK_APP_ID = env.str("SMS_SDK_APP_ID", default="")  # Tencent Cloud only
SMS_REGION = env.str("SMS_REGION", default="")
SMS_ENDPOINT = env.str("SMS_ENDPOINT", default="")
SMS_TIMEOUT = env.float("SMS_TIMEOUT", default=10.0)
SMS_TEMPLATE_NAMES = ("notice", "login_code", "invitation", "reminder")
SMS_TEMPLATES = {name: env.str(f"SMS_TEMPLATE_{name.upper()}", default="") for name in SMS_TEMPLATE_NAMES}
# Signing in with a one-time SMS code (accounts/sms_login.py).
SMS_LOGIN_CODE_MINUTES = env.int("SMS_LOGIN_CODE_MINUTES", default=5)
SMS_LOGIN_CODE_TRIES = env.int("SMS_LOGIN_CODE_TRIES", default=5)
SMS_LOGIN_CODE_INTERVAL_SECONDS = env.int("SMS_LOGIN_CODE_INTERVAL_SECONDS", default=60)
SMS_LOGIN_CODES_PER_NUMBER = env.int("SMS_LOGIN_CODES_PER_NUMBER", default=5)
SMS_LOGIN_CODES_PER_ADDRESS = env.int("SMS_LOGIN_CODES_PER_ADDRESS", default=20)
SMS_LOGIN_VERIFY_PER_ADDRESS = env.int("SMS_LOGIN_VERIFY_PER_ADDRESS", default=30)
if (
    min(
        SMS_LOGIN_CODE_MINUTES,
        SMS_LOGIN_CODE_TRIES,
        SMS_LOGIN_CODE_INTERVAL_SECONDS,
        SMS_LOGIN_CODES_PER_NUMBER,
        SMS_LOGIN_CODES_PER_ADDRESS,
        SMS_LOGIN_VERIFY_PER_ADDRESS,
    )
    < 1
):
    raise ImproperlyConfigured("The SMS_LOGIN_* settings must be 1 or more.")
if SMS_BACKEND == "accounts.sms.FileSmsBackend" and not SMS_FILE_PATH:
    raise ImproperlyConfigured("SMS_BACKEND=accounts.sms.FileSmsBackend needs SMS_FILE_PATH.")
if SMS_TIMEOUT <= 0:
    raise ImproperlyConfigured("SMS_TIMEOUT must be a positive number of seconds.")

# Demo accounts: seed_demo refuses to create them when DEBUG is off unless this is set explicitly.
ALLOW_DEMO_ACCOUNTS = env.bool("ALLOW_DEMO_ACCOUNTS", default=DEBUG)

# Logs: one JSON object per line in production (LOG_FORMAT=json, the default when DEBUG is off), with
# the request id; phone numbers masked (ops/logs.py). Celery's worker keeps this configuration.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if (DEBUG or TESTING) else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "ops.logs.RedactFilter"}},
    "formatters": {
        "json": {"()": "ops.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # One line per request from ops.logs.RequestLogMiddleware replaces Django's own request warnings.
    "loggers": {"ops.request": {"level": env.str("REQUEST_LOG_LEVEL", default="INFO")}},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Who is e-mailed about a task that failed after its last retry (ops/signals.py): addresses, commas.
ADMINS = [(address, address) for address in env.list("ADMINS", default=[])]

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    SMS_BACKEND = "accounts.sms.LocmemSmsBackend"

# Opinions (feedback app): the knobs an operator turns, each declared and checked here only; the code
# reads settings.X and keeps no second default.
# Contact details of opinions closed longer than this are blanked (feedback/privacy.py).
OPINION_RETENTION_MONTHS = config.at_least(
    "OPINION_RETENTION_MONTHS", env.int("OPINION_RETENTION_MONTHS", default=24), 1
)
# Past the due date by more than this many days: "long overdue" (feedback/deadlines.py, dashboards).
OPINION_LONG_OVERDUE_DAYS = config.at_least(
    "OPINION_LONG_OVERDUE_DAYS", env.int("OPINION_LONG_OVERDUE_DAYS", default=30), 1
)
# Texts with a web link go to moderation first (feedback/abuse.py).
OPINION_BLOCK_LINKS = env.bool("OPINION_BLOCK_LINKS", default=True)
# Submissions per client address, web form and API together (feedback/abuse.py), e.g. "10/hour".
OPINION_RATE = env.str("OPINION_RATE", default="10/hour")
config.parse_rate("OPINION_RATE", OPINION_RATE)
# Terms that send an opinion to moderation, besides those administrators store (BlockedTerm); commas.
OPINION_BLOCKED_TERMS = tuple(
    env.list("OPINION_BLOCKED_TERMS", default=list(config.DEFAULT_OPINION_BLOCKED_TERMS))
)
# Reply period by routing level (§四(二)); override some, e.g. "district=2 months,letters=30 days".
OPINION_REPLY_PERIODS = config.reply_periods(
    "OPINION_REPLY_PERIODS", env.dict("OPINION_REPLY_PERIODS", default={})
)
# The open data licence line and its link (reports/response_times.py); empty: CC BY 4.0, translated.
OPEN_DATA_LICENCE = env.str("OPEN_DATA_LICENCE", default="")
OPEN_DATA_LICENCE_URL = env.str("OPEN_DATA_LICENCE_URL", default="")
# The transactional outbox (ops/outbox.py): how long a row may wait before the sweep sends it, and how
# many days sent rows are kept.
OUTBOX_GRACE_SECONDS = config.at_least("OUTBOX_GRACE_SECONDS", env.int("OUTBOX_GRACE_SECONDS", default=60), 0)
OUTBOX_KEEP_DAYS = config.at_least("OUTBOX_KEEP_DAYS", env.int("OUTBOX_KEEP_DAYS", default=7), 1)
# Where `manage.py backup` writes (ops/backup.py); empty: backups/ in the project.
BACKUP_DIR = env.str("BACKUP_DIR", default="")
# Opinions recorded by one signed-in deputy or staff member (record page and API together); the
# public's limit is OPINION_RATE per client address.
OPINION_RECORD_RATE = env.str("OPINION_RECORD_RATE", default="200/hour")
config.parse_rate("OPINION_RECORD_RATE", OPINION_RECORD_RATE)

# Motions (议案): how many confirmed co-signers a deputy's motion needs, by congress level
# (feedback/suggestions/, §四(一)3).
SUGGESTION_MOTION_CO_SIGNERS = {
    "district": env.int("SUGGESTION_MOTION_CO_SIGNERS_DISTRICT", default=10),
    "town": env.int("SUGGESTION_MOTION_CO_SIGNERS_TOWN", default=5),
}
# Suggestion attachments: size limit of one file, in megabytes.
SUGGESTION_ATTACHMENT_MAX_MB = env.int("SUGGESTION_ATTACHMENT_MAX_MB", default=10)
