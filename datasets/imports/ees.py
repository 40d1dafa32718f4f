"""Importing Explore Education Statistics (EES) open-data CSVs.

The layout: `time_period, time_identifier, geographic_level, country_code, …, region_code,
old_la_code, new_la_code, la_name, <filters>, <indicators>` in any column order. An import
specification says which filter values and which column make which indicator.

The import is one transaction. Rows are checked as they stream past (sizes, lengths and ranges
too, so PostgreSQL never refuses a figure) and their figures are copied into a temporary table;
any problem (named by line and column) rejects the whole file and nothing is saved. A clean file
is then merged in with set-based SQL in one pass over the stored figures: new figures inserted,
changed figures updated with the old one kept as a revision, the rest counted as unchanged.

A file identical to one imported before (same bytes, same specification) is not merged again
when the figures of the specification's indicators are still exactly as that import left them
(their count and checksum): the run records "unchanged" and points at the earlier run.
An unexpected error (a bug, the database) ends the run failed with a message a person can read.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from cib_portal.tasks import row_heartbeat

from ..models import (
    ImportRun,
    ImportSpec,
    ImportStatus,
    Indicator,
    Period,
    Unit,
)
from .parsing import (
    BASE_COLUMNS,
    CONNECTION_ERRORS,
    COPY_CHUNK,
    MAX_ERRORS,
    TIME_IDENTIFIER_MAX,
    Areas,
    ImportFailed,
    ImportRejected,
    ImportResult,
    _csv_problem,
    _open,
    _read_header,
    _unreadable,
    detect_spec,
    file_sha256,
    parse_value,
    period_years,
    shown,
    stored_figure,
)
from .runs import (
    STOPPED_ERROR,
    _record_failure,
    _unexpected,
    run_begin,
    run_rejected,
    run_succeeded,
)
from .staging import (
    _check_duplicates,
    _copy,
    _fingerprint,
    _fold_london,
    _unchanged_since,
    create_staging,
    figures_checksum,
    merge_staging,
)

logger = logging.getLogger(__name__)


def import_ees_file(
    path: Path | str,
    *,
    spec: ImportSpec | None = None,
    started_by=None,
    run: ImportRun | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[ImportRun, ImportResult]:
    """Import one EES CSV. Raises ImportRejected (recorded on the run) if anything is wrong,
    and ImportFailed (recorded too) on an unexpected error: the run never stays "running"."""
    path = Path(path)
    run = run_begin(path=path, started_by=started_by, run=run)
    digest = ""
    try:
        with row_heartbeat(
            ImportRun.objects.filter(pk=run.pk),
            running=ImportStatus.RUNNING,
            every=settings.IMPORTS_HEARTBEAT_SECONDS,
        ):
            digest = file_sha256(path)
            header = _read_header(path)
            spec = spec or detect_spec(header)
            result = _import(path, header, spec, run, progress, digest)
    except ImportRejected as exc:
        run_rejected(run=run, errors=exc.errors, path=path, spec=spec, sha256=digest)
        raise
    except (FileNotFoundError, UnicodeDecodeError, csv.Error) as exc:
        rejected = ImportRejected([_unreadable(path, exc)])
        run_rejected(run=run, errors=rejected.errors, path=path, spec=spec, sha256=digest)
        raise rejected from None
    except Exception as exc:
        logger.exception("Import run %s of %s stopped on an unexpected error", run.pk, path.name)
        failed = ImportFailed([_unexpected(exc)])
        _record_failure(run=run, errors=failed.errors, spec=spec, sha256=digest)
        if isinstance(exc, CONNECTION_ERRORS):
            raise  # the database was unreachable: the task tries again
        raise failed from exc
    except (KeyboardInterrupt, SystemExit):
        # Stopped by hand (Ctrl-C on `import_ees`) or the worker shutting down: the
        # transaction has rolled back, so say so rather than leave the run "importing".
        _record_failure(run=run, errors=[STOPPED_ERROR], spec=spec, sha256=digest)
        raise
    return run, result


@dataclass(frozen=True)
class _Target:
    """One value column of a row feeding one indicator."""

    indicator_id: int
    index: int
    column: str
    percentage: bool


def _import(
    path: Path,
    header: list[str],
    spec: ImportSpec,
    run: ImportRun,
    progress: Callable[[int], None] | None,
    sha256: str,
) -> ImportResult:
    errors: list[str] = []
    duplicates = [c for c, n in Counter(header).items() if n > 1]
    if duplicates:
        errors.append(f"Line 1: column(s) {', '.join(duplicates)} appear more than once.")
    missing = [c for c in (*BASE_COLUMNS, *sorted(spec.required_columns)) if c not in header]
    if missing:
        errors.append(
            f"Line 1: the file has no column {', '.join(repr(c) for c in missing)} "
            f"(needed by the {spec.name} specification)."
        )
    if errors:
        raise ImportRejected(errors)
    indicators = {
        i.code: (i.pk, i.unit)
        for i in Indicator.objects.filter(code__in=[m["indicator"] for m in spec.mappings])
    }
    unknown = sorted({m["indicator"] for m in spec.mappings} - set(indicators))
    if unknown:
        raise ImportRejected(
            [f"The specification names unknown indicator(s): {', '.join(unknown)}."]
        )
    index = {name: i for i, name in enumerate(header)}
    # Mappings grouped by the columns they filter on, then by the wanted values, so each row
    # costs one lookup per set of filter columns (rows no mapping wants cost nothing more).
    groups: dict[tuple[str, ...], dict[tuple[str, ...], list[_Target]]] = {}
    resolved = []
    for m in spec.mappings:
        filters = sorted(m.get("filters", {}).items())
        indicator_id, unit = indicators[m["indicator"]]
        target = _Target(indicator_id, index[m["column"]], m["column"], unit == Unit.PERCENTAGE)
        columns = tuple(col for col, _ in filters)
        groups.setdefault(columns, {}).setdefault(tuple(w for _, w in filters), []).append(target)
        resolved.append((indicator_id, m["column"], tuple(filters)))
    lookups = [([index[c] for c in columns], wanted) for columns, wanted in groups.items()]
    indicator_ids = sorted({pk for pk, _ in indicators.values()})

    result = ImportResult(fingerprint=_fingerprint(sha256, resolved))
    with transaction.atomic(), connection.cursor() as cursor:
        earlier = _unchanged_since(cursor, result.fingerprint, indicator_ids)
        if earlier is not None:
            result.same_as = earlier.same_as or earlier
            result.rows_read = earlier.rows_read
            result.unchanged = earlier.created + earlier.updated + earlier.unchanged
            result.outcomes = earlier.outcomes
            result.figures_checksum = earlier.figures_checksum
            run_succeeded(run=run, result=result, path=path, spec=spec, sha256=sha256)
            return result
        areas = Areas(result)
        periods = {(p.label, p.time_identifier): p.pk for p in Period.objects.all()}
        create_staging(cursor)
        buffer = io.StringIO()
        buffered = 0
        total_size = max(path.stat().st_size, 1)
        width = len(header)
        with _open(path) as handle:
            reader = csv.reader(handle)
            next(reader)
            last = reader.line_num
            try:
                for cells in reader:
                    # The line the record starts on (a quoted cell may run over several).
                    line, last = last + 1, reader.line_num
                    if len(cells) != width:
                        if not any(c.strip() for c in cells):
                            continue  # a blank line
                        result.rows_read += 1
                        errors.append(
                            f"Line {line}: {len(cells)} cells, but the header has {width} columns."
                        )
                        continue
                    result.rows_read += 1
                    targets = None
                    for indices, wanted in lookups:
                        found = wanted.get(tuple([cells[i].strip() for i in indices]))
                        if found:
                            targets = found if targets is None else targets + found
                    if targets is None:
                        continue
                    buffered += _stage_row(
                        buffer,
                        dict(zip(header, cells, strict=True)),
                        cells,
                        targets,
                        line,
                        areas,
                        periods,
                        errors,
                    )
                    if len(errors) >= MAX_ERRORS:
                        errors.append(f"Stopped after {MAX_ERRORS} problems.")
                        break
                    if buffered >= COPY_CHUNK:
                        _copy(cursor, buffer)
                        buffer, buffered = io.StringIO(), 0
                        if progress:
                            progress(min(80, int(80 * handle.buffer.tell() / total_size)))
            except csv.Error as exc:
                errors.append(_csv_problem(path, header, last + 1, exc))
            if result.rows_read == 0 and not errors:
                errors.append("The file has a header but no rows.")
        if errors:
            raise ImportRejected(errors)
        _copy(cursor, buffer)
        if progress:
            progress(85)
        _check_duplicates(cursor)
        merge_staging(cursor, run, result)
        _fold_london(cursor, run, result)
        result.figures_checksum = figures_checksum(cursor, indicator_ids)
        run_succeeded(run=run, result=result, path=path, spec=spec, sha256=sha256)
    return result


def _stage_row(
    buffer: io.StringIO,
    row: dict[str, str],
    cells: list[str],
    targets: list[_Target],
    line: int,
    areas: Areas,
    periods: dict,
    errors: list[str],
) -> int:
    """Check one wanted row and write its figures for COPY; returns how many were written."""
    area_id, problem = areas.find(row)
    if problem:
        sep = ", " if problem.startswith("column ") else ": "
        errors.append(f"Line {line}{sep}{problem}.")
        return 0
    period_id = _period(periods, row, line, errors)
    if period_id is None:
        return 0
    written = 0
    for target in targets:
        raw = cells[target.index]
        try:
            parsed = parse_value(raw)
        except ValueError as exc:
            errors.append(
                f"Line {line}, column {target.column}: {shown(exc.args[0])} "
                "is not a number or a suppression symbol."
            )
            continue
        if parsed is None:
            continue
        value, symbol = parsed
        if value is not None:
            try:
                value = stored_figure(value)
            except ValueError:
                errors.append(
                    f"Line {line}, column {target.column}: {shown(raw.strip())} is too large "
                    "(figures are kept below 100,000,000,000,000)."
                )
                continue
            if target.percentage and not 0 <= value <= 100:
                errors.append(
                    f"Line {line}, column {target.column}: {shown(raw.strip())} is a "
                    "percentage, so it must be between 0 and 100."
                )
                continue
        buffer.write(
            f"{target.indicator_id}\t{area_id}\t{period_id}\t"
            f"{'' if value is None else value}\t{symbol}\t{line}\n"
        )
        written += 1
    return written


def _period(periods: dict, row: dict, line: int, errors: list[str]) -> int | None:
    label = row.get("time_period", "").strip()
    identifier = row.get("time_identifier", "").strip()
    key = (label, identifier)
    if key in periods:
        return periods[key]
    try:
        start, end = period_years(label)
    except ValueError:
        errors.append(
            f"Line {line}, column time_period: {shown(label)} is not a year (2025) or a "
            "two-year period (202425)."
        )
        return None
    if not identifier:
        errors.append(f"Line {line}, column time_identifier: empty.")
        return None
    if len(identifier) > TIME_IDENTIFIER_MAX:
        errors.append(
            f"Line {line}, column time_identifier: {shown(identifier)} is longer than "
            f"{TIME_IDENTIFIER_MAX} characters."
        )
        return None
    period, _ = Period.objects.get_or_create(
        label=label, time_identifier=identifier, defaults={"start_year": start, "end_year": end}
    )
    periods[key] = period.pk
    return period.pk
