"""Data set tasks: thin wrappers over datasets.services."""

from __future__ import annotations

import logging

from cib_portal.tasks import TRANSIENT_ERRORS, reliable_task

from . import services
from .ees import ImportRejected

logger = logging.getLogger(__name__)


@reliable_task
def import_run_task(self, run_id: int) -> int:
    """Import one uploaded file; a rejection (every problem) or a failure is recorded on the run."""
    try:
        services.import_run_execute(run_id=run_id)
    except ImportRejected:
        pass  # recorded on the run by the importer
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            services.import_run_fail(
                run_id=run_id,
                error="The file could not be imported because a service was unavailable "
                f"({exc.__class__.__name__}). Nothing was saved. Upload it again.",
            )
        raise
    except Exception as exc:
        # The importer records its own failures; this catches what happens around it. The
        # message names the kind of error only: a database's own text is not for the page.
        logger.exception("Import run %s failed", run_id)
        services.import_run_fail(
            run_id=run_id,
            error="The file could not be imported because of an unexpected error "
            f"({exc.__class__.__name__}). Nothing was saved. Tell the portal team if it fails "
            "again.",
        )
    return run_id


@reliable_task
def reclaim_stale_imports(self) -> int:
    """Fail imports whose worker or command died (by beat, every minute)."""
    reclaimed = services.import_run_reclaim_stale()
    if reclaimed:
        logger.warning("Failed %d import(s) whose worker stopped", reclaimed)
    return reclaimed
