from django.apps import AppConfig


class CibPortalConfig(AppConfig):
    name = "cib_portal"
    verbose_name = "CIB portal"

    def ready(self) -> None:
        # Bind the Celery app so `shared_task`s queue to Redis from web processes too.
        from . import celery  # noqa: F401
