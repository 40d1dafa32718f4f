"""Report tasks: thin wrappers over reports.services."""

from __future__ import annotations

import logging

from cib_portal.tasks import TRANSIENT_ERRORS, reliable_task

from . import services

logger = logging.getLogger(__name__)


def _record_report_failure(exc: BaseException, job_id: str) -> None:
    """Record on the job why its task failed for good."""
    if isinstance(exc, TRANSIENT_ERRORS):
        error = (
            "The report could not be made because a "
            f"service was unavailable ({exc.__class__.__name__}). Try again."
        )
    else:
        logger.error("Report %s failed", job_id, exc_info=exc)
        error = (
            f"The report could not be made: {exc}. Try again, or tell the portal team "
            "if it fails again."
        )
    services.report_fail(job_id=job_id, error=error)


@reliable_task(record_failure=_record_report_failure)
def generate_report(self, job_id: str) -> str:
    """Make one report; transient failures are retried, then any failure is recorded on the job."""
    services.report_render(job_id=job_id)
    return job_id


@reliable_task
def reclaim_stale_reports(self) -> int:
    """Celery beat, every minute: fail the reports whose worker died, so they can be retried."""
    reclaimed = services.report_reclaim_stale()
    if reclaimed:
        logger.warning("%d report(s) lost their worker and were marked failed", reclaimed)
    return reclaimed
