"""The Celery app. Workers and beat read the same Django settings (CELERY_* names).

`celery -A cib_portal worker` finds this module; Django processes import it from
CibPortalConfig.ready().
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cib_portal.settings.local")

app = Celery("cib_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
