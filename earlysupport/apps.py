from django.apps import AppConfig


class EarlysupportConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "earlysupport"
    verbose_name = "Early support and risk flags"

    def ready(self) -> None:
        from . import reports

        reports.register()
