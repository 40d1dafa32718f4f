"""Report tasks: thin wrappers over reports.services."""

from __future__ import annotations

import logging

from cib_portal.tasks import TRANSIENT_ERRORS, reliable_task

from . import services

logger = logging.getLogger(__name__)


@reliable_task
def generate_report(self, job_id: str) -> str:
    """Make one report; transient failures are retried, others are recorded on the job."""
    try:
        services.report_render(job_id=job_id)
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            services.report_fail(
                job_id=job_id,
                error="The report could not be made because a "
                f"service was unavailable ({exc.__class__.__name__}). Try again.",
            )
        raise
    except Exception as exc:
        logger.exception("Report %s failed", job_id)
        services.report_fail(
            job_id=job_id,
            error=f"The report could not be made: {exc}. Try again, or tell the portal team "
            "if it fails again.",
        )
    return job_id


@reliable_task
def reclaim_stale_reports(self) -> int:
    """Celery beat, every minute: fail the reports whose worker died, so they can be retried."""
    reclaimed = services.report_reclaim_stale()
    if reclaimed:
        logger.warning("%d report(s) lost their worker and were marked failed", reclaimed)
    return reclaimed
