from django.apps import AppConfig


class SupportConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "support"
    verbose_name = "Support"

    def ready(self) -> None:
        from cib_portal import navigation

        from . import permissions

        navigation.register("nav_can_see_support", permissions.can_view_catalogue)
