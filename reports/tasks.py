"""Report tasks: thin wrappers over reports.services."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

logger = logging.getLogger(__name__)

# Failures worth another try: the database or the file store was briefly unreachable.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
)
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
