"""The Celery app. Workers and beat read the same Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cib_portal.settings.local")

from cib_portal.embedded import ensure_services  # noqa: E402

ensure_services()

app = Celery("cib_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
