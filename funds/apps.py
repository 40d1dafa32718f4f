from django.apps import AppConfig


class FundsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "funds"
    verbose_name = "Devolved funds"

    def ready(self) -> None:
        from cib_portal import navigation

        from . import permissions, reports

        reports.register()
        navigation.register("nav_can_see_funds", permissions.may_see_any_funds)
