from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"
    verbose_name = "Peer reviews and diagnostics"

    def ready(self) -> None:
        from . import reports

        reports.register()
