"""Imports of figures (EES files from the command line or an upload, run by the worker) and
the derived indicators computed from them; once an import commits the data set sends
data_set_changed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction

from ..imports import (
    ImportRejected,
    ImportResult,
    create_staging,
    import_ees_file,
    merge_staging,
)
from ..models import (
    ImportRun,
    ImportSpec,
    ImportStatus,
    Indicator,
    Observation,
)
from ..signals import data_set_changed

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User


def derived_indicators_compute(*, indicators: list[Indicator] | None = None) -> ImportResult:
    """Compute every derived indicator for every area and period where its inputs exist.

    A suppressed input gives a suppressed result with the input's symbol; a zero denominator
    gives 'z' (not applicable). Results go through the same merge as imports, so recomputing
    changes nothing unless an input changed (and then keeps the old figure as a revision).
    """
    targets = indicators or list(Indicator.objects.filter(numerator__isnull=False))
    result = ImportResult()
    if not targets:
        return result
    with transaction.atomic(), connection.cursor() as cursor:
        create_staging(cursor)
        for indicator in targets:
            cursor.execute(
                """
                INSERT INTO import_staging (indicator_id, area_id, period_id, value, symbol, line)
                SELECT %(target)s, n.area_id, n.period_id,
                       CASE WHEN n.symbol <> '' OR d.symbol <> '' OR d.value = 0 THEN NULL
                            ELSE round(n.value / d.value * %(scale)s, 6) END,
                       CASE WHEN n.symbol <> '' THEN n.symbol
                            WHEN d.symbol <> '' THEN d.symbol
                            WHEN d.value = 0 THEN 'z' ELSE '' END,
                       0
                FROM datasets_observation n
                JOIN datasets_period np ON np.id = n.period_id
                JOIN datasets_period dp ON dp.time_identifier = np.time_identifier
                     AND dp.end_year = np.end_year - %(lag)s
                     AND dp.start_year = np.start_year - %(lag)s
                JOIN datasets_observation d ON d.indicator_id = %(denominator)s
                     AND d.area_id = n.area_id AND d.period_id = dp.id
                WHERE n.indicator_id = %(numerator)s
                """,
                {
                    "target": indicator.pk,
                    "numerator": indicator.numerator_id,
                    "denominator": indicator.denominator_id,
                    "scale": indicator.scale,
                    "lag": indicator.denominator_lag,
                },
            )
        merge_staging(cursor, None, result)
    return result


def import_file(
    path: Path | str,
    *,
    spec_name: str | None = None,
    started_by: User | None = None,
    run: ImportRun | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[ImportRun, ImportResult]:
    """Import one EES file (from the command line or an upload), then refresh derived
    indicators. Raises ImportRejected with every problem when the file is refused."""
    spec = None
    if spec_name:
        spec = ImportSpec.objects.filter(name=spec_name).first()
        if spec is None:
            names = ", ".join(ImportSpec.objects.values_list("name", flat=True))
            raise ImportRejected(
                [f"There is no import specification {spec_name!r}. Specifications: {names}."]
            )
    run, result = import_ees_file(
        path, spec=spec, started_by=started_by, run=run, progress=progress
    )
    if not result.skipped_as_unchanged:  # nothing changed, so nothing derived from it either
        derived_indicators_compute()
        risk_flags_evaluate_later()
    return run, result


def risk_flags_evaluate_later() -> None:
    """New figures can raise or clear risk flags: once the import commits, send
    data_set_changed (early support queues its evaluation in the background). Off in the test
    settings so imports in tests queue nothing."""
    if not settings.RISK_FLAGS_EVALUATE_AFTER_IMPORT:
        return
    transaction.on_commit(_data_set_changed_send)


def _data_set_changed_send() -> None:
    data_set_changed.send(sender=Observation)


def import_run_start(*, user: User, upload: UploadedFile, spec_name: str | None) -> ImportRun:
    """Keep an uploaded file on a new import run and queue its import (after commit); if the
    broker is down, the run is failed with a reason instead of waiting for ever."""
    from cib_portal.tasks import queue_on_commit

    from ..tasks import import_run_task

    spec = ImportSpec.objects.get(name=spec_name) if spec_name else None
    name = Path(str(upload.name)).name  # a file uploaded in a form always has its name
    with transaction.atomic():
        run = ImportRun(
            filename=name[:300],
            spec=spec,
            started_by=user,
            status=ImportStatus.PENDING,
        )
        run.upload.save(name, upload, save=False)
        run.save()
        queue_on_commit(
            import_run_task,
            [(run.pk,)],
            on_unavailable=lambda unsent, exc: import_run_fail(
                run_id=run.pk,
                error="The import could not be started because the background service was "
                "unavailable. Nothing was saved. Upload the file again in a few minutes.",
            ),
        )
    return run


def import_run_execute(*, run_id: int) -> ImportRun:
    """Import a run's uploaded file (the spec chosen, or detected), then refresh derived
    indicators. Raises ImportRejected, recorded on the run, when the file is refused."""
    import tempfile

    run = ImportRun.objects.select_related("spec").get(pk=run_id)
    if run.status == ImportStatus.SUCCEEDED:
        return run  # a redelivered task: the work is done
    if not run.upload:
        import_run_fail(run_id=run_id, error="The uploaded file has gone; upload it again.")
        raise ImportRejected(["The uploaded file has gone; upload it again."])
    # Work on a local copy, whatever the storage is, named as uploaded for the messages.
    with tempfile.TemporaryDirectory() as folder:
        local = Path(folder) / Path(run.filename).name
        with run.upload.open("rb") as source, local.open("wb") as target:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                target.write(chunk)
        try:
            run, _ = import_file(
                local,
                spec_name=run.spec.name if run.spec else None,
                run=run,
                progress=lambda percent: import_progress_set(run_id=run_id, percent=percent),
            )
        except ImportRejected as exc:
            ImportRun.objects.filter(
                pk=run_id, status__in=[ImportStatus.PENDING, ImportStatus.RUNNING]
            ).update(status=ImportStatus.FAILED, errors=exc.errors, finished_at=_now())
            raise
    return run


def _progress_key(run_id: int) -> str:
    return f"import-progress:{run_id}"


def import_progress_set(*, run_id: int, percent: int) -> None:
    """Record how far an import has got. The import is one transaction, so its progress goes
    to the cache (Redis), which the status page can read while the transaction is open."""
    from django.core.cache import cache

    cache.set(_progress_key(run_id), int(percent), 6 * 60 * 60)


def import_progress_get(*, run: ImportRun) -> int:
    """How far a run has got: its own figure once finished, else the latest recorded."""
    from django.core.cache import cache

    if run.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED):
        return run.progress if run.status == ImportStatus.SUCCEEDED else 0
    return int(cache.get(_progress_key(run.pk), run.progress))


def _now() -> datetime:
    from django.utils import timezone

    return timezone.now()


def import_run_fail(*, run_id: int, error: str) -> None:
    """Record that a run failed for a reason other than the file's content (a run that has
    already finished keeps its outcome and message)."""
    from django.utils import timezone

    ImportRun.objects.filter(
        pk=run_id, status__in=[ImportStatus.PENDING, ImportStatus.RUNNING]
    ).update(status=ImportStatus.FAILED, errors=[error], finished_at=timezone.now())


def import_run_reclaim_stale(*, run_ids: list[int] | None = None) -> int:
    """Fail imports that say they are running but whose worker or command died (no heartbeat
    for IMPORTS_STALE_AFTER_SECONDS), so the person is told to upload again instead of
    waiting; all of them, or those given. Returns how many."""
    from cib_portal.tasks import fail_stale

    from ..imports import STOPPED_ERROR

    runs = ImportRun.objects.all() if run_ids is None else ImportRun.objects.filter(pk__in=run_ids)
    return fail_stale(
        runs,
        running=ImportStatus.RUNNING,
        since_field="created_at",
        stale_after=settings.IMPORTS_STALE_AFTER_SECONDS,
        status=ImportStatus.FAILED,
        errors=[STOPPED_ERROR],
    )
