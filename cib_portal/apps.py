from django.apps import AppConfig


class CibPortalConfig(AppConfig):
    name = "cib_portal"
    verbose_name = "CIB portal"
