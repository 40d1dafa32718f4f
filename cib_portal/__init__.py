# Load the Celery app with Django so that tasks use it (`shared_task`).
from .celery import app as celery_app

__all__ = ("celery_app",)
