"""Importing the facts the risk rules read from CSV: all or nothing, re-importing the same file
changes nothing, every row added or changed audited (before and after). A file is read and
checked by earlysupport.imports, staged in a temporary table and upserted with a few
set-based statements; big files are imported by the worker as a FactImportRun.

Imports are shared by the upload pages and the `import_interventions` /
`import_dcs_history` commands (earlysupport.management.fact_import_command).
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit.services import audit_record_many
from cib_portal.tasks import fail_stale, queue_on_commit, row_heartbeat

from ..imports import MAX_PROBLEMS, FactImportError, ImportResult, line_of, parse_rows
from ..models import FactImportRun, FactImportStatus
from .facts import DCS_HISTORY, FACT_SPECS, INTERVENTIONS, FactSpec, actor_or_none

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User


def _stage(spec: FactSpec, parsed: list[dict]) -> None:
    """Copy the parsed rows into the temporary table fact_staging (dropped at commit), with
    columns of the model's own types, for the set-based checks and writes."""
    columns = [n for n in spec.fields if n != "council"]
    opts = spec.model._meta
    types = ", ".join(f"{n} {opts.get_field(n).db_type(connection)}" for n in columns)
    nullable = [n for n in columns if opts.get_field(n).null]
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    for item in parsed:
        writer.writerow(
            [
                item["line"],
                item["council"].pk,
                *("" if item[n] is None else item[n] for n in columns),
            ]
        )
    buffer.seek(0)
    force_null = f", FORCE_NULL ({', '.join(nullable)})" if nullable else ""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS fact_staging")
        cursor.execute(
            f"CREATE TEMP TABLE fact_staging (line int, council_id int, {types}) ON COMMIT DROP"
        )
        cursor.copy_expert(
            f"COPY fact_staging (line, council_id, {', '.join(columns)}) FROM STDIN "
            f"WITH (FORMAT csv{force_null})",
            buffer,
        )


def fact_parse(spec: FactSpec, data: bytes) -> list[dict]:
    """Check a whole CSV of `spec`'s facts; raises FactImportError listing every problem,
    in line order. The rows stay staged in fact_staging for the rest of the caller's
    transaction."""
    parsed, errors = parse_rows(spec, data)
    with transaction.atomic():
        _stage(spec, parsed)
        if spec.check_file:
            with connection.cursor() as cursor:
                spec.check_file(cursor, errors)
        if errors:
            errors.sort(key=line_of)
            raise FactImportError(errors[: MAX_PROBLEMS + 1])
    return parsed


def _staged_writes(
    spec: FactSpec, *, user: User | AnonymousUser | None, parsed: list[dict]
) -> ImportResult:
    """Upsert the staged rows on the spec's key with a few set-based statements, auditing each
    row added or changed (with before and after)."""
    model = spec.model
    table = model._meta.db_table
    cols = {n: model._meta.get_field(n).column for n in spec.fields}
    key = " AND ".join(f"t.{cols[n]} = s.{cols[n]}" for n in spec.key)
    updated = [cols[n] for n in spec.updated]
    differs = " OR ".join(f"t.{c} IS DISTINCT FROM s.{c}" for c in updated)
    staged = {n: ("council_id" if n == "council" else n) for n in spec.fields}
    by_line = {item["line"]: item for item in parsed}
    by_key = {
        tuple(item[n].pk if n == "council" else item[n] for n in spec.key): item for item in parsed
    }
    actor = actor_or_none(user)
    actor_id = actor.pk if actor else None
    result = ImportResult(lines=len(parsed))
    with connection.cursor() as cursor:
        if spec.lock_councils:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE council_id IN "  # noqa: S608
                "(SELECT DISTINCT council_id FROM fact_staging) FOR UPDATE) locked"
            )
        cursor.execute(
            f"SELECT t.id, s.line, {', '.join(f't.{c}' for c in updated)} FROM {table} t "  # noqa: S608
            f"JOIN fact_staging s ON {key} WHERE {differs} FOR UPDATE OF t"
        )
        changed = cursor.fetchall()
        if changed:
            cursor.execute(
                f"UPDATE {table} t SET {', '.join(f'{c} = s.{c}' for c in updated)}, "  # noqa: S608
                f"updated_by_id = %s, updated_at = now() FROM fact_staging s "
                f"WHERE {key} AND ({differs})",
                [actor_id],
            )
        names = [staged[n] for n in spec.fields]
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(cols[n] for n in spec.fields)}, updated_by_id, "  # noqa: S608
            f"updated_at) SELECT {', '.join(f's.{n}' for n in names)}, %s, now() "
            f"FROM fact_staging s WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {key}) "
            f"RETURNING id, {', '.join(cols[n] for n in spec.key)}",
            [actor_id],
        )
        created = cursor.fetchall()
        if len(created) > 10_000:
            # Fresh statistics after a big load, so the next import's checks plan index
            # probes rather than scans of a table the planner still thinks is empty.
            cursor.execute(f"ANALYZE {table}")
    events: list[tuple[int, str, dict | None, dict | None]] = []
    for pk, line, *old in changed:
        item = by_line[line]
        after = spec.item_state(item)
        before = spec.item_state({**item, **dict(zip(spec.updated, old, strict=True))})
        events.append((pk, f"Import changed {spec.words(item)}", before, after))
    for pk, *key_values in created:
        item = by_key[tuple(key_values)]
        events.append((pk, f"Imported {spec.words(item)}", None, spec.item_state(item)))
    audit_record_many(actor=user, action=spec.imported, model=model, events=events)
    result.created, result.updated = len(created), len(changed)
    result.unchanged = result.lines - result.created - result.updated
    return result


def fact_import(
    spec: FactSpec,
    *,
    user: User | AnonymousUser | None,
    data: bytes,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import `spec`'s facts from CSV, all or nothing, upserting on its key."""
    try:
        with transaction.atomic():
            parsed = fact_parse(spec, data)
            if progress:
                progress(50)
            return _staged_writes(spec, user=user, parsed=parsed)
    except IntegrityError as exc:
        # Checked above; only a change saved by someone else meanwhile gets here.
        raise FactImportError(
            [
                "The file was not imported: someone changed these records while it was being "
                "imported. Nothing was saved. Import it again."
            ]
        ) from exc


# --- Imports in the background ---------------------------------------------------------------


def fact_import_in_background(data: bytes) -> bool:
    """Whether a file is big enough to be imported by the worker rather than the request."""
    threshold = getattr(settings, "FACT_IMPORT_WORKER_ROWS", 5_000)
    return data.count(b"\n") > threshold


def fact_import_run_start(
    spec: FactSpec, *, user: User | AnonymousUser | None, upload: UploadedFile
) -> FactImportRun:
    """Keep an uploaded file on a new run and queue its import (after commit)."""
    from ..tasks import fact_import_run_task

    name = (upload.name or "facts.csv").replace("\\", "/").rsplit("/", 1)[-1]
    with transaction.atomic():
        run = FactImportRun(kind=spec.kind, filename=name[:300], started_by=actor_or_none(user))
        run.upload.save(name, upload, save=False)
        run.save()
        # Sent once the run is committed; a broker that cannot take it is said on the run.
        queue_on_commit(
            fact_import_run_task,
            [(run.pk,)],
            on_unavailable=lambda unsent, exc: fact_import_run_fail(
                run_id=run.pk,
                error="The import could not be started because the job queue was unavailable "
                f"({exc.__class__.__name__}). Nothing was saved. Upload the file again.",
            ),
        )
    return run


def _progress_key(run_id: int) -> str:
    return f"fact-import-progress:{run_id}"


def fact_import_progress_set(*, run_id: int, percent: int) -> None:
    """Record how far an import has got, in the cache: the import is one transaction."""
    from django.core.cache import cache

    # Progress is a nicety: the import goes on without the cache.
    with contextlib.suppress(Exception):
        cache.set(_progress_key(run_id), int(percent), 6 * 60 * 60)


def fact_import_progress_get(*, run: FactImportRun) -> int:
    """How far a run has got: 100 once succeeded, else the latest recorded."""
    from django.core.cache import cache

    if run.status == FactImportStatus.SUCCEEDED:
        return 100
    if run.status == FactImportStatus.FAILED:
        return 0
    try:
        return int(cache.get(_progress_key(run.pk), run.progress))
    except Exception:  # noqa: BLE001
        return run.progress


def fact_import_run_fail(*, run_id: int, error: str) -> None:
    """Record that a run failed for a reason other than the file's content."""
    FactImportRun.objects.filter(pk=run_id).exclude(status=FactImportStatus.SUCCEEDED).update(
        status=FactImportStatus.FAILED, errors=[error], finished_at=timezone.now()
    )


FACT_IMPORT_STOPPED_ERROR = (
    "The import stopped before it finished (its worker was stopped). Nothing was saved. "
    "Upload the file again."
)


def fact_import_run_reclaim_stale(*, run_ids: list[int] | None = None) -> int:
    """Fail fact imports still "importing" whose worker died (no heartbeat for
    IMPORTS_STALE_AFTER_SECONDS); all of them, or those given. Returns how many."""
    runs = FactImportRun.objects.all()
    if run_ids is not None:
        runs = runs.filter(pk__in=run_ids)
    return fail_stale(
        runs,
        running=FactImportStatus.RUNNING,
        since_field="created_at",
        stale_after=settings.IMPORTS_STALE_AFTER_SECONDS,
        status=FactImportStatus.FAILED,
        errors=[FACT_IMPORT_STOPPED_ERROR],
    )


def fact_import_run_execute(*, run_id: int) -> FactImportRun:
    """Import a run's uploaded file; the run always ends succeeded or failed (with every
    problem), unless a transient error is left for the task to retry."""
    run = FactImportRun.objects.select_related("started_by").get(pk=run_id)
    if run.status in (FactImportStatus.SUCCEEDED, FactImportStatus.FAILED):
        return run  # a redelivered task: the work is done
    FactImportRun.objects.filter(pk=run_id).update(
        status=FactImportStatus.RUNNING, heartbeat_at=timezone.now()
    )
    spec = FACT_SPECS[run.kind]
    try:
        with run.upload.open("rb") as handle:
            data = handle.read()
    except OSError:
        fact_import_run_fail(run_id=run_id, error="The uploaded file has gone; upload it again.")
        return FactImportRun.objects.get(pk=run_id)
    fact_import_progress_set(run_id=run_id, percent=5)

    try:
        with row_heartbeat(
            FactImportRun.objects.filter(pk=run_id),
            running=FactImportStatus.RUNNING,
            every=settings.IMPORTS_HEARTBEAT_SECONDS,
        ):
            result = fact_import(
                spec,
                user=run.started_by,
                data=data,
                progress=lambda p: fact_import_progress_set(run_id=run_id, percent=p),
            )
    except FactImportError as exc:
        FactImportRun.objects.filter(pk=run_id).update(
            status=FactImportStatus.FAILED, errors=list(exc.errors), finished_at=timezone.now()
        )
    else:
        FactImportRun.objects.filter(pk=run_id).update(
            status=FactImportStatus.SUCCEEDED,
            progress=100,
            lines=result.lines,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            errors=[],
            finished_at=timezone.now(),
        )
    return FactImportRun.objects.get(pk=run_id)


def interventions_parse(data: bytes) -> list[dict]:
    """Check a whole interventions CSV; raises FactImportError listing every problem."""
    return fact_parse(INTERVENTIONS, data)


def interventions_import(*, user: User | AnonymousUser | None, data: bytes) -> ImportResult:
    """Import interventions from CSV, all or nothing, upserting on council, kind, starts_on."""
    return fact_import(INTERVENTIONS, user=user, data=data)


def dcs_parse(data: bytes) -> list[dict]:
    """Check a whole DCS history CSV; raises FactImportError listing every problem."""
    return fact_parse(DCS_HISTORY, data)


def dcs_import(*, user: User | AnonymousUser | None, data: bytes) -> ImportResult:
    """Import DCS tenures from CSV, all or nothing, upserting on council and starts_on."""
    return fact_import(DCS_HISTORY, user=user, data=data)
