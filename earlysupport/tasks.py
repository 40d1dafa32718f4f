"""Early support jobs: the nightly evaluation of the risk rules (Celery beat), also queued
after each data import."""

from __future__ import annotations

from cib_portal.tasks import reliable_task


@reliable_task
def evaluate_risk_flags_nightly(self) -> dict:
    """Evaluate every active rule as of today: raise, update or propose flags for closing."""
    from .services.evaluation import evaluate_risk_flags

    result = evaluate_risk_flags()
    return {
        "raised": result.raised,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "gone": result.gone,
    }


def _record_fact_import_failure(exc: BaseException, run_id: int) -> None:
    """Record on the run why its task failed for good."""
    import logging

    from cib_portal.tasks import TRANSIENT_ERRORS

    from .services.fact_imports import fact_import_run_fail

    if isinstance(exc, TRANSIENT_ERRORS):
        error = (
            "The file could not be imported because a service was unavailable. "
            "Nothing was saved. Upload it again."
        )
    else:
        logging.getLogger(__name__).error("Fact import run %s failed", run_id, exc_info=exc)
        error = (
            f"The file could not be imported ({exc.__class__.__name__}). Nothing was "
            "saved. Tell the portal team if it fails again."
        )
    fact_import_run_fail(run_id=run_id, error=error)


@reliable_task(record_failure=_record_fact_import_failure)
def fact_import_run_task(self, run_id: int) -> int:
    """Import an uploaded interventions or DCS history file; every outcome is on the run."""
    from .services.fact_imports import fact_import_run_execute

    fact_import_run_execute(run_id=run_id)
    return run_id


@reliable_task
def reclaim_stale_fact_imports(self) -> int:
    """Fail interventions or DCS history imports whose worker died (by beat, every minute)."""
    from .services.fact_imports import fact_import_run_reclaim_stale

    return fact_import_run_reclaim_stale()
