from django.apps import AppConfig


class PeerchallengeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "peerchallenge"
    verbose_name = "Peer challenge"

    def ready(self) -> None:
        from . import reports

        reports.register()
