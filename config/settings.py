"""Settings for the recall campaign tracker.

Everything that differs between the zero-setup demo, CI and production comes
from the environment through ``config.env``; see the README's configuration table.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

from config.env import env_bool, env_int, env_list, env_rate, env_secret_key, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

# Off unless asked for (`make demo` and the test suite ask): a forgotten variable in
# production must not serve tracebacks and settings to the world.
DEBUG = env_bool("DJANGO_DEBUG", default=False)
# The demo key is only accepted while DEBUG is on; without DEBUG a missing, short or demo
# key stops start-up (config/env.py says which keys are refused).
SECRET_KEY = env_secret_key("DJANGO_SECRET_KEY", debug=DEBUG, demo_key="insecure-demo-key-change-me")
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "axes",
    "csp",
]
LOCAL_APPS = [
    "campaign",
    "dealers",
    "repairs",
    "parts",
    "reports",
    "notifications",
    "mailings",
    "demo",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, so every page gets the policy, the lock-out and error pages included
    # (django-csp's middleware with the shared header built once: config/csp.py).
    "config.csp.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A DomainError no view caught becomes a message and a redirect back, or an error page.
    "campaign.http_errors.DomainErrorMiddleware",
    "dealers.owner_data.OwnerDataNoStoreMiddleware",  # no-store on pages that showed owner data
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lock-out into the lock-out page.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dealers.navigation.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = env_url(
    "DATABASE_URL",
    f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    schemes=("sqlite", "postgres", "postgresql", "pgsql"),
)
# No per-request health check: it costs a "SELECT 1" round trip on every request, as much
# as the VIN API's one query. A connection that died (database restart) fails the one
# request that uses it, and Django then drops it; the next request reconnects.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=60,
        conn_health_checks=env_bool("DJANGO_DB_HEALTH_CHECKS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections (conn_max_age above), as on PostgreSQL: Django 5.2 runs
    # init_command once per new connection, not per request. A new connection per request
    # (CONN_MAX_AGE = 0, as before) cost the VIN API 1,185 µs of CPU a request instead of
    # 442 µs (bench/api_bench.py --backend sqlite). mmap_size and a larger cache_size were
    # measured too and gained nothing the noise could not hide, so they are not set.
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the demo's web process read while a worker thread imports;
        # IMMEDIATE makes two writers queue instead of failing mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # psycopg prepares only statements sent with server-side binding: Django's own cursors
    # bind on the client and never are; the VIN look-up's one statement is (campaign/selectors.py).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache -------------------------------------------
REDIS_URL = env_url("REDIS_URL", None, schemes=("redis", "rediss"))
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = None
    CELERY_TASK_ALWAYS_EAGER = False
else:
    # Zero-setup mode: no Redis, so tasks run in-process when enqueued.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
# The queue tasks go to and workers read by default; a deployment (or a test's own workers) may name another.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "vin-import-sources-purge": {
        "task": "campaign.vin_import_sources_purge",
        "schedule": crontab(hour=3, minute=15),  # daily, at a quiet hour (CELERY_TIMEZONE)
        # A run that waited a whole day in the queue is superseded by the next one.
        "options": {"expires": 23 * 60 * 60},
    },
    "mailings-sweep": {
        "task": "mailings.sweep",
        "schedule": 300,  # every 5 minutes: picks up mailings whose workers all died
        "options": {"expires": 290},
    },
    "claims-pay-weekly": {
        "task": "repairs.claims_pay",
        "schedule": crontab(hour=6, minute=0, day_of_week="mon"),  # the weekly payment run
        # A run still queued a day later is late enough to need a person (pay_claims --date).
        "options": {"expires": 24 * 60 * 60},
    },
    # Hourly, because dealers span the US zones: each run serves the dealers whose local clock
    # has passed the send hour (notifications/reminders.py, digests.py). A run that waited past
    # the next one is dropped: the next finds the same work (nothing is sent twice either way).
    "notifications-reminders": {
        "task": "notifications.reminders_send",
        "schedule": crontab(minute=5),
        "options": {"expires": 55 * 60},
    },
    "notifications-digests": {
        "task": "notifications.digests_send",
        "schedule": crontab(minute=20),
        "options": {"expires": 55 * 60},
    },
    # Messages whose enqueue was lost (broker down at commit) or whose worker died mid-send.
    "notifications-resume": {
        "task": "notifications.messages_resume",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 9 * 60},
    },
    "reports-tallies-refresh": {
        "task": "reports.tallies_refresh_all",
        "schedule": crontab(hour=3, minute=45),  # nightly: the dashboard's tallies rebuilt from the rows
        "options": {"expires": 23 * 60 * 60},
    },
}

# --- Auth ---------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # 12, as NIST 800-63B suggests for passwords without composition rules.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours: a locked account can try again after 15 minutes
# Per account and per address separately (spraying one password across accounts is stopped,
# a guessed account is locked from every address); dealers/lockout.py resets narrowly on success.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_HANDLER = "dealers.lockout.AccountAndAddressLockoutHandler"
# The same client address the look-up throttle uses (DJANGO_TRUSTED_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "config.client_address.axes_client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Password-reset requests: per client address and per account e-mail (dealers/password_reset.py).
PASSWORD_RESET_ADDRESS_RATE = env_rate("PASSWORD_RESET_ADDRESS_RATE", "5/hour")
PASSWORD_RESET_ACCOUNT_RATE = env_rate("PASSWORD_RESET_ACCOUNT_RATE", "3/hour")
# Owner reimbursement submissions: per client address and per VIN (repairs/reimbursement_throttle.py).
REIMBURSEMENT_ADDRESS_RATE = env_rate("REIMBURSEMENT_ADDRESS_RATE", "5/hour")
REIMBURSEMENT_VIN_RATE = env_rate("REIMBURSEMENT_VIN_RATE", "3/day")

# Session storage: the default fallback storage builds a cookie signer on every request,
# the public API's hot path included; sessions are read lazily, only where messages are.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "recalls@example.com")
# SMTP (django.core.mail.backends.smtp.EmailBackend) in production; the file backend's folder.
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 20, minimum=1)
EMAIL_FILE_PATH = BASE_DIR / env_str("DJANGO_EMAIL_FILE_DIR", "sent-messages/email")
EMAIL_MESSAGE_ID_DOMAIN = env_str("DJANGO_EMAIL_MESSAGE_ID_DOMAIN", DEFAULT_FROM_EMAIL.rpartition("@")[2])

# --- Owner messages and dealer digests (notifications/) -------------------------
# Text messages: a dotted path to a backend (notifications/sms.py): console, file, or the
# Twilio-style HTTP backend configured by the SMS_HTTP_* variables.
SMS_BACKEND = env_str("SMS_BACKEND", "notifications.sms.ConsoleSmsBackend")
SMS_FILE_PATH = BASE_DIR / env_str("SMS_FILE_DIR", "sent-messages/sms")
SMS_FROM = env_str("SMS_FROM", "")
SMS_HTTP_URL = env_str("SMS_HTTP_URL", "")
SMS_HTTP_USER = env_str("SMS_HTTP_USER", "")
SMS_HTTP_PASSWORD = env_str("SMS_HTTP_PASSWORD", "")
# Links in messages (unsubscribe) point here: the site as owners reach it.
PUBLIC_BASE_URL = env_str("DJANGO_PUBLIC_URL", "http://127.0.0.1:8000")
# The dealer's local hour from which tomorrow's reminders, and today's digest, go out.
NOTIFY_REMINDER_HOUR = env_int("NOTIFY_REMINDER_HOUR", 10, minimum=0, maximum=23)
NOTIFY_DIGEST_HOUR = env_int("NOTIFY_DIGEST_HOUR", 7, minimum=0, maximum=23)

# --- I18N ---------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Los_Angeles"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end libraries come from npm at setup time (package.json) and are served
# from node_modules; nothing third-party is copied into the repository.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/chart.js", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = BASE_DIR / env_str("DJANGO_MEDIA_DIR", "media")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Upload limits are checked while the body arrives, before Django stores the file
# (campaign/upload_limits.py); the proxy should refuse bodies over the largest (README).
FILE_UPLOAD_HANDLERS = [
    "campaign.upload_limits.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Ten times ALE's list with owners is about 140 MB; anything far beyond is a wrong file.
VIN_IMPORT_MAX_UPLOAD_MB = env_int("VIN_IMPORT_MAX_UPLOAD_MB", 512, minimum=1)
INVENTORY_MAX_UPLOAD_MB = env_int("INVENTORY_MAX_UPLOAD_MB", 5, minimum=1)
# Owner reimbursement receipts (PDF, JPEG or PNG) on the public form (repairs/reimbursement_views.py).
REIMBURSEMENT_MAX_UPLOAD_MB = env_int("REIMBURSEMENT_MAX_UPLOAD_MB", 10, minimum=1)
# Uploaded affected-VIN lists carry owners' names and addresses: deleted this many days
# after their import by the daily beat job below; the import's summary and rejects stay.
VIN_IMPORT_RETENTION_DAYS = env_int("VIN_IMPORT_RETENTION_DAYS", 30, minimum=1)
# Appointments are taken from today up to this many days ahead (the issue asks for at least 180).
BOOKING_HORIZON_DAYS = env_int("BOOKING_HORIZON_DAYS", 180, minimum=180)
# Largest removal list (vin,reason) a campaign administrator uploads; checked in the request.
REMOVAL_LIST_MAX_UPLOAD_MB = env_int("REMOVAL_LIST_MAX_UPLOAD_MB", 5, minimum=1)
# The completion dashboard flags a dealer whose pace leaves owners unserved longer than this.
UNSERVED_WEEKS_FLAG = env_int("UNSERVED_WEEKS_FLAG", 26, minimum=1)

# Owner letters (mailings/): letters per chunk (one PDF and one manifest each), and how long a
# worker's claim on a chunk holds before another worker may take it over (its worker died).
# The lease must be longer than a chunk takes to render (about 10 s per 250 letters here).
MAILING_CHUNK_LETTERS = env_int("MAILING_CHUNK_LETTERS", 250, minimum=1)
MAILING_CHUNK_LEASE_SECONDS = env_int("MAILING_CHUNK_LEASE_SECONDS", 600, minimum=2)
# Steps of a mailing queued at once (each renders one chunk and queues the next): at least the
# number of worker processes, so every worker takes part.
MAILING_TASKS_IN_FLIGHT = env_int("MAILING_TASKS_IN_FLIGHT", 32, minimum=1)
# Largest returned-mail file (letter id or VIN, reason, forwarding address: a few MB at most).
RETURNED_MAIL_MAX_UPLOAD_MB = env_int("RETURNED_MAIL_MAX_UPLOAD_MB", 5, minimum=1)

# --- Forms and tables ---------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# --- API ----------------------------------------------------------------------
LOOKUP_THROTTLE_RATE = env_rate("LOOKUP_THROTTLE_RATE", "120/minute")
# Proxies in front of gunicorn whose X-Forwarded-For entries we trust when telling clients
# apart for the throttle; 0 (the default) means the client is REMOTE_ADDR (campaign/throttling.py).
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0, minimum=0)
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Dealer systems send a token (``manage.py drf_create_token USERNAME``); pages' own
    # scripts use the session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "campaign.http_errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Recall campaign tracker API",
    "DESCRIPTION": "VIN eligibility and campaign data for vehicle safety recalls.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the drf-spectacular-sidecar package: the docs work offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI's default validator badge loads from validator.swagger.io: none offline.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # One name for a choice set several serializers use (else: a warning and a "Code372Enum").
    "ENUM_NAME_OVERRIDES": {"ClaimRejectionCodeEnum": "repairs.models.WarrantyClaim.RejectionCode"},
}

# --- Content-Security-Policy (django-csp) -------------------------------------
# Scripts only from our origin or inline with the per-request nonce ({{ request.csp_nonce }}),
# no inline event handlers or style attributes: an injected tag or attribute does nothing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # Bootstrap's CSS draws its icons (select arrow, close button) as data: SVGs.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Production hardening (behind a TLS-terminating proxy) ---------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Load balancers probe the health check over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}
