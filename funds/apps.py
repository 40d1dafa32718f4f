from django.apps import AppConfig


class FundsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "funds"
    verbose_name = "Devolved funds"

    def ready(self) -> None:
        from . import reports

        reports.register()
