from django.apps import AppConfig


def _evaluate_risk_flags_after_data_change(sender, **kwargs) -> None:
    """New figures can raise or clear risk flags: queue an evaluation (the data set sends
    data_set_changed once an import commits). If the broker cannot be reached the import still
    stands and the nightly run catches up, so say so in the log rather than fail the import."""
    import logging

    from kombu.exceptions import OperationalError

    from .tasks import evaluate_risk_flags_nightly

    try:
        evaluate_risk_flags_nightly.delay()
    except OperationalError:
        logging.getLogger(__name__).warning(
            "Could not queue the risk flag evaluation after an import; the nightly run will do it."
        )


class EarlysupportConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "earlysupport"
    verbose_name = "Early support and risk flags"

    def ready(self) -> None:
        from cib_portal import navigation

        from . import permissions, reports

        reports.register()
        navigation.register("nav_can_see_flags", permissions.may_see_any_flags)

        from datasets.services import data_set_changed

        data_set_changed.connect(
            _evaluate_risk_flags_after_data_change, dispatch_uid="earlysupport-evaluate-on-data"
        )
