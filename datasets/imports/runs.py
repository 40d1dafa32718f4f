"""The ImportRun that records each import: begun, rejected (with every problem),
succeeded (with what it did) or failed on an unexpected error."""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import DatabaseError, connection
from django.utils import timezone

from ..models import (
    ImportRun,
    ImportSpec,
    ImportStatus,
)
from .parsing import CONNECTION_ERRORS, FILENAME_MAX, ImportResult, file_sha256

logger = logging.getLogger(__name__)
STOPPED_ERROR = (
    "The import stopped before it finished (its worker or command was stopped). "
    "Nothing was saved. Import the file again."
)


def run_begin(*, path: Path, started_by=None, run: ImportRun | None = None) -> ImportRun:
    """The ImportRun that records an import of `path` (a new one, or the upload's)."""
    now = timezone.now()
    if run is None:
        return ImportRun.objects.create(
            filename=path.name[:FILENAME_MAX],
            started_by=started_by,
            status=ImportStatus.RUNNING,
            heartbeat_at=now,
        )
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.RUNNING, heartbeat_at=now, finished_at=None
    )
    return run


def run_rejected(
    *,
    run: ImportRun,
    errors: list[str],
    path: Path,
    spec: ImportSpec | None = None,
    sha256: str | None = None,
) -> None:
    """Record on the run that the file was rejected, with every problem."""
    if not sha256:
        sha256 = file_sha256(path) if path.exists() else ""
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.FAILED,
        errors=errors,
        spec=spec,
        finished_at=timezone.now(),
        sha256=sha256,
    )
    run.refresh_from_db()


def run_succeeded(
    *,
    run: ImportRun,
    result: ImportResult,
    path: Path,
    spec: ImportSpec | None = None,
    sha256: str | None = None,
) -> None:
    """Record on the run what a successful import did."""
    ImportRun.objects.filter(pk=run.pk).update(
        spec=spec,
        status=ImportStatus.SUCCEEDED,
        progress=100,
        rows_read=result.rows_read,
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        outcomes=result.outcomes,
        errors=[],
        finished_at=timezone.now(),
        sha256=sha256 or file_sha256(path),
        fingerprint=result.fingerprint,
        figures_checksum=result.figures_checksum,
        same_as=result.same_as,
    )
    run.refresh_from_db()


def _record_failure(
    *, run: ImportRun, errors: list[str], spec: ImportSpec | None, sha256: str
) -> None:
    """Mark the run failed after an unexpected error, even when the database connection was
    what failed (a fresh one is tried once); if that fails too, say so in the log."""
    fields = {
        "status": ImportStatus.FAILED,
        "errors": errors,
        "finished_at": timezone.now(),
        "sha256": sha256,
    }
    if spec is not None and spec.pk:
        fields["spec"] = spec
    for attempt in range(2):
        try:
            ImportRun.objects.filter(pk=run.pk).update(**fields)
            run.refresh_from_db()
            return
        except DatabaseError:
            if attempt or connection.in_atomic_block:
                logger.exception("Could not record the failure of import run %s", run.pk)
                return
            connection.close()


def _unexpected(exc: Exception) -> str:
    if isinstance(exc, CONNECTION_ERRORS):
        cause = "the database could not be reached"
    else:
        cause = f"an unexpected error ({exc.__class__.__name__})"
    return (
        f"The import stopped because of {cause}. Nothing was saved. The file itself may be "
        "fine: import it again, and tell the portal team if this happens again."
    )
