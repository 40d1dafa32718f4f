"""Settings for the test suite: the real PostgreSQL and Redis, fast password hashing."""

from cib_portal.embedded import ensure_services

# The embedded default: without DATABASE_URL / REDIS_URL, start PostgreSQL and Redis under var/.
ensure_services()

from .base import *  # noqa: E402, F403
from .base import CACHE_OPTIONS, CONTENT_SECURITY_POLICY, env  # noqa: E402

DEBUG = False
SECRET_KEY = "test-only-not-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def _other_database(url: str, number: int) -> str:
    """The same Redis server, another database number: tests clear their cache (FLUSHDB)
    before each test, which must never touch the Celery queues in the broker's database."""
    if url.startswith("unix://"):
        path = url.split("?", 1)[0]
        return f"{path}?db={number}"
    base, _, last = url.rstrip("/").rpartition("/")
    return f"{base}/{number}" if last.isdigit() and base.count("/") >= 2 else f"{url}/{number}"


# Test processes (pytest-xdist's gw0, gw1...) each have their own cache database, media folder
# and database (tests/database.py); a Celery worker a test starts inherits the variable.
_WORKER_NAME = env("PYTEST_XDIST_WORKER", default="")
_WORKER = int(_WORKER_NAME[2:]) if _WORKER_NAME.startswith("gw") else 0

CACHES = {
    "default": {
        "BACKEND": "cib_portal.cache.FailSoftRedisCache",
        "LOCATION": _other_database(
            env("REDIS_URL"), env.int("TEST_CACHE_REDIS_DB", default=1) + _WORKER
        ),
        "KEY_PREFIX": "cib-test",
        "OPTIONS": CACHE_OPTIONS,
    }
}
# Tests name a media folder of their own so that reports made in tests never mix with demo data.
MEDIA_ROOT = env.path(
    "MEDIA_ROOT",
    default=env.path("TEST_MEDIA_ROOT", default="var/test-media").path(_WORKER_NAME or "main"),
)
CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY
# Two test runs on one server (say, a developer's and a helper script's) need their own database.
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default="test_cib_portal")}  # noqa: F405

# Serve static files straight from static/ (no collectstatic needed outside production).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Imports in tests must not queue background evaluations on the shared broker.
RISK_FLAGS_EVALUATE_AFTER_IMPORT = False
