from django.apps import AppConfig


class RegionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "regions"
    verbose_name = "Regions and councils"

    def ready(self) -> None:
        from . import reports

        reports.register()
