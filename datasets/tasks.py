"""Data set tasks: thin wrappers over datasets.services."""

from __future__ import annotations

import logging
from contextlib import suppress

from cib_portal.tasks import TRANSIENT_ERRORS, reliable_task

from . import services
from .imports import ImportRejected

logger = logging.getLogger(__name__)


def _record_import_failure(exc: BaseException, run_id: int) -> None:
    """Record on the run why its task failed for good (the importer records its own
    failures; this is what happens around it). The message names the kind of error only: a
    database's own text is not for the page."""
    if isinstance(exc, TRANSIENT_ERRORS):
        error = (
            "The file could not be imported because a service was unavailable "
            f"({exc.__class__.__name__}). Nothing was saved. Upload it again."
        )
    else:
        logger.error("Import run %s failed", run_id, exc_info=exc)
        error = (
            "The file could not be imported because of an unexpected error "
            f"({exc.__class__.__name__}). Nothing was saved. Tell the portal team if it fails "
            "again."
        )
    services.import_run_fail(run_id=run_id, error=error)


@reliable_task(record_failure=_record_import_failure)
def import_run_task(self, run_id: int) -> int:
    """Import one uploaded file; a rejection (every problem) or a failure is recorded on the run."""
    with suppress(ImportRejected):  # recorded on the run by the importer, not a failure
        services.import_run_execute(run_id=run_id)
    return run_id


@reliable_task
def reclaim_stale_imports(self) -> int:
    """Fail imports whose worker or command died (by beat, every minute)."""
    reclaimed = services.import_run_reclaim_stale()
    if reclaimed:
        logger.warning("Failed %d import(s) whose worker stopped", reclaimed)
    return reclaimed
