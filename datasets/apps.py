from django.apps import AppConfig


class DatasetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "datasets"
    verbose_name = "Common data set"

    def ready(self) -> None:
        from . import reports, signals

        signals.connect()
        reports.register()
