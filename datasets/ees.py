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
import hashlib
import io
import json
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from cib_portal.tasks import row_heartbeat

from .comparison import data_changed
from .models import (
    ENGLAND_CODE,
    SYMBOLS,
    Area,
    AreaLevel,
    ImportRun,
    ImportSpec,
    ImportStatus,
    Indicator,
    Period,
    Unit,
)

logger = logging.getLogger(__name__)

BASE_COLUMNS = ("time_period", "time_identifier", "geographic_level")
# Councils whose GSS code changed (new → the one the portal uses).
KNOWN_CODE_CHANGES = {"E08000038": "E08000016", "E08000039": "E08000019"}
# Councils that no longer exist: their rows are stored against a historic area and reported.
FORMER_COUNCILS = {
    "928": "Northamptonshire",
    "909": "Cumbria",
    "835": "Dorset (former county)",
    "836": "Poole",
    "837": "Bournemouth",
}
INNER_LONDON, OUTER_LONDON, LONDON = "E13000001", "E13000002", "E12000007"
MAX_ERRORS = 200
FOLDED = "London figures made by adding Inner and Outer London"
COPY_CHUNK = 20_000
# Figures are numeric(20, 6): below 10^14 once rounded to 6 decimals (as PostgreSQL rounds).
STORED_DECIMALS = Decimal("0.000001")
TOO_LARGE = Decimal("99999999999999.9999995")
# Field sizes of the rows an import makes (Period, Area).
TIME_IDENTIFIER_MAX = Period._meta.get_field("time_identifier").max_length
AREA_CODE_MAX = Area._meta.get_field("code").max_length
AREA_NAME_MAX = Area._meta.get_field("name").max_length
FILENAME_MAX = ImportRun._meta.get_field("filename").max_length
# The csv module's own limit on a cell (128 KB); nothing in an EES file comes near it.
CELL_MAX = csv.field_size_limit()
# Errors of the database connection itself: the task retries the import after these.
CONNECTION_ERRORS = (OperationalError, InterfaceError)


class ImportRejected(Exception):
    """The file was rejected; `errors` lists every problem found (by line and column)."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s): " + "; ".join(errors[:5]))


class ImportFailed(ImportRejected):
    """The import stopped on an unexpected error (not a problem of the file); nothing was saved.
    `errors` holds one message a person can read; the cause is logged with its traceback."""


@dataclass
class ImportResult:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    outcomes: dict[str, dict[str, int]] = field(default_factory=dict)
    # Set when the file was identical to an earlier import whose figures still stand.
    same_as: ImportRun | None = None
    fingerprint: str = ""
    figures_checksum: str = ""

    @property
    def skipped_as_unchanged(self) -> bool:
        return self.same_as is not None

    def note(self, kind: str, area: str) -> None:
        self.outcomes.setdefault(kind, {})
        self.outcomes[kind][area] = self.outcomes[kind].get(area, 0) + 1

    def lines(self) -> list[str]:
        out = [
            f"{self.rows_read} rows read: {self.created} figures created, "
            f"{self.updated} updated, {self.unchanged} unchanged."
        ]
        if self.same_as is not None:
            out[0] = (
                f"The file is identical to the one imported by run {self.same_as.pk} and its "
                f"figures are as that import left them: {self.rows_read} rows, "
                f"{self.unchanged} figures unchanged, nothing merged."
            )
        for kind, areas in self.outcomes.items():
            listed = ", ".join(f"{name} ({n})" for name, n in sorted(areas.items()))
            out.append(f"{kind}: {sum(areas.values())} rows: {listed}")
        return out


def parse_value(raw: str) -> tuple[Decimal | None, str] | None:
    """A cell as (value, symbol); None for an empty cell; raises ValueError otherwise."""
    text = raw.strip()
    if text == "":
        return None
    if text.lower() in SYMBOLS:
        return None, text.lower()
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value, ""


_YEAR = re.compile(r"^(\d{4})(\d{2})?$")


def period_years(label: str) -> tuple[int, int]:
    """Years covered by an EES time_period: 2025 → (2025, 2025); 202425 → (2024, 2025)."""
    match = _YEAR.match(label.strip())
    if not match:
        raise ValueError(label)
    start = int(match.group(1))
    end = start + 1 if match.group(2) else start
    if match.group(2) and int(match.group(2)) != (start + 1) % 100:
        raise ValueError(label)
    return start, end


def shown(text: str, limit: int = 60) -> str:
    """A cell quoted for a message, cut short if long (a 100 KB cell is not repeated back)."""
    if len(text) <= limit:
        return repr(text)
    return repr(text[:limit]) + f"… ({len(text):,} characters)"


def stored_figure(value: Decimal) -> Decimal:
    """The figure as numeric(20, 6) keeps it (rounded half away from zero, as PostgreSQL
    does); raises ValueError if it is too large to keep."""
    if abs(value) >= TOO_LARGE:
        raise ValueError("too large")
    return value.quantize(STORED_DECIMALS, rounding=ROUND_HALF_UP)


class Areas:
    """Finds (or makes) the area of a row, by the rules of the EES layout."""

    def __init__(self, result: ImportResult):
        self.result = result
        self.by_code = {a.code: a.pk for a in Area.objects.all()}
        from regions.models import Council

        self.council_codes = {c.la_number: c.gss_code for c in Council.objects.all()}
        self.created_historic: set[str] = set()

    def _historic(self, code: str, name: str, level: str = AreaLevel.HISTORIC) -> int:
        if code not in self.by_code:
            area, _ = Area.objects.get_or_create(code=code, defaults={"name": name, "level": level})
            self.by_code[code] = area.pk
        return self.by_code[code]

    def find(self, row: dict[str, str]) -> tuple[int | None, str | None]:
        """(area id, None) or (None, problem); a problem about one cell starts "column X: "."""
        level = row.get("geographic_level", "").strip()
        if level == "National":
            return self.by_code[ENGLAND_CODE], None
        if level == "Regional":
            code = row.get("region_code", "").strip()
            if code in (INNER_LONDON, OUTER_LONDON):
                name = row.get("region_name", "").strip() or code
                if len(name) > AREA_NAME_MAX:
                    return None, f"column region_name: longer than {AREA_NAME_MAX} characters"
                return self._historic(code, name, AreaLevel.SUBREGIONAL), None
            if code in self.by_code:
                return self.by_code[code], None
            return None, f"region_code {shown(code)} is not an English region"
        if level == "Local authority":
            new = row.get("new_la_code", "").strip()
            old = row.get("old_la_code", "").strip()
            name = row.get("la_name", "").strip()
            new = KNOWN_CODE_CHANGES.get(new, new)
            if new in self.by_code:
                return self.by_code[new], None
            if old.isdigit() and int(old) in self.council_codes:
                return self.by_code[self.council_codes[int(old)]], None
            if "/" in old:
                code = "LA:" + old.replace(" ", "")
                label = f"{name or old} (combined {old})"
                if len(code) > AREA_CODE_MAX:
                    return None, (
                        f"column old_la_code: {shown(old)} names too many councils to keep as "
                        f"one area (at most {AREA_CODE_MAX - 3} characters without spaces)"
                    )
                if len(label) > AREA_NAME_MAX:
                    return None, (
                        f"column la_name: too long to keep as the name of a combined area "
                        f"(at most {AREA_NAME_MAX - len(old) - 12} characters)"
                    )
                self.result.note("Combined councils, stored as historic areas", label)
                return self._historic(code, label), None
            if old in FORMER_COUNCILS:
                label = f"{FORMER_COUNCILS[old]} ({old})"
                self.result.note("Former councils, stored as historic areas", label)
                return self._historic(f"LA:{old}", label), None
            return None, (
                f"new_la_code {shown(new)} / old_la_code {shown(old)} is not a current, "
                "former or combined council"
            )
        return None, (
            f"geographic_level {shown(level)} is not National, Regional or Local authority"
        )


def detect_spec(columns: Iterable[str]) -> ImportSpec:
    """The one specification whose columns the file has, or ImportRejected."""
    have = set(columns)
    fits = [s for s in ImportSpec.objects.all() if s.mappings and s.required_columns <= have]
    if len(fits) == 1:
        return fits[0]
    if not fits:
        raise ImportRejected(
            ["No import specification matches this file's columns; name one with --spec."]
        )
    # Prefer the most specific match (the one that uses the most of the file's columns).
    fits.sort(key=lambda s: len(s.required_columns), reverse=True)
    if len(fits[0].required_columns) > len(fits[1].required_columns):
        return fits[0]
    raise ImportRejected(
        [f"Several specifications match ({', '.join(s.name for s in fits)}); name one with --spec."]
    )


def _open(path: Path) -> io.TextIOWrapper:
    return path.open(encoding="utf-8-sig", newline="")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


def _unreadable(path: Path, exc: Exception) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"There is no file {path.name}."
    if isinstance(exc, UnicodeDecodeError):
        return f"{path.name} is not a UTF-8 text file (is it a spreadsheet rather than a CSV?)."
    return f"{path.name} is not a readable CSV file ({exc})."


def _read_header(path: Path) -> list[str]:
    with _open(path) as handle:
        try:
            header = next(csv.reader(handle), None)
        except csv.Error as exc:
            raise ImportRejected([_csv_problem(path, None, 1, exc)]) from None
    if not header:
        raise ImportRejected(["The file is empty: it has no header row."])
    return [h.strip() for h in header]


def _csv_problem(path: Path, header: list[str] | None, line: int, exc: csv.Error) -> str:
    """A problem the csv module found at `line` (where the record starts), by line and, for
    an oversized cell, column. The csv module cannot go on after these, so reading stops."""
    limit = csv.field_size_limit()
    if "field larger than field limit" in str(exc):
        index = _oversized_cell(path, line, limit)
        if index is None:
            where = f"Line {line}"
        elif header is None or index >= len(header):
            where = f"Line {line}, column {index + 1}"
        else:
            where = f"Line {line}, column {header[index]}"
        return (
            f"{where}: the cell is longer than {limit // 1024} KB ({limit:,} characters). "
            "The rest of the file was not read."
        )
    if "NUL" in str(exc):
        return (
            f"Line {line}: the line contains a NUL character (is this a CSV file?). "
            "The rest of the file was not read."
        )
    return f"Line {line}: {exc}. The rest of the file was not read."


def _oversized_cell(path: Path, line: int, limit: int) -> int | None:
    """Which cell (0-based) of the record starting at `line` is longer than `limit`: the
    record is scanned again, quote-aware, stopping at that cell."""
    with _open(path) as handle:
        text = next(islice(handle, line - 1, None), "")
        index, size, quoted = 0, 0, False
        while text:
            for char in text:
                if char == '"':
                    quoted = not quoted
                    continue
                if not quoted and char == ",":
                    index, size = index + 1, 0
                    continue
                if not quoted and char in "\r\n":
                    return None
                size += 1
                if size > limit:
                    return index
            text = handle.readline()
    return None


def _fingerprint(sha256: str, mappings: list[tuple[int, str, tuple]]) -> str:
    """What decides an import's figures apart from the database: the file's bytes and the
    specification's mappings (indicators by id, so a recreated indicator is a new one)."""
    payload = json.dumps({"version": 1, "file": sha256, "mappings": sorted(mappings)})
    return hashlib.sha256(payload.encode()).hexdigest()


def figures_checksum(cursor, indicator_ids: list[int]) -> str:
    """Count and checksum of every stored figure of these indicators: equal only if none was
    added, removed or changed (by any import, edit or deletion) since it was taken."""
    cursor.execute(
        "SELECT count(*), coalesce(sum(hashtextextended(concat_ws(',', area_id, period_id, "
        "value, symbol), indicator_id)), 0) FROM datasets_observation "
        "WHERE indicator_id = ANY(%s)",
        [indicator_ids],
    )
    count, total = cursor.fetchone()
    return f"{count}:{total}"


def _unchanged_since(cursor, fingerprint: str, indicator_ids: list[int]) -> ImportRun | None:
    """The latest successful import of the same file by the same mappings, if the figures of
    the indicators are still exactly as it left them."""
    earlier = (
        ImportRun.objects.filter(status=ImportStatus.SUCCEEDED, fingerprint=fingerprint)
        .exclude(figures_checksum="")
        .order_by("-created_at", "-pk")
        .first()
    )
    if earlier is None or figures_checksum(cursor, indicator_ids) != earlier.figures_checksum:
        return None
    return earlier


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


def create_staging(cursor) -> None:
    """A fresh temporary table for the figures of one import (dropped at commit)."""
    cursor.execute("DROP TABLE IF EXISTS import_staging")
    cursor.execute(
        # numeric(20, 6) as in datasets_observation, so a figure with more decimals is rounded
        # once here and compares equal on the next import (otherwise it would always "change").
        "CREATE TEMP TABLE import_staging (indicator_id int, area_id int, period_id int, "
        "value numeric(20, 6), symbol text, line int) ON COMMIT DROP"
    )


def _copy(cursor, buffer: io.StringIO) -> None:
    if buffer.tell() == 0:
        return
    buffer.seek(0)
    cursor.copy_expert(
        "COPY import_staging (indicator_id, area_id, period_id, value, symbol, line) "
        "FROM STDIN WITH (FORMAT text, NULL '')",
        buffer,
    )


def _check_duplicates(cursor, noun: str = "Lines") -> None:
    # Counting first (no array per figure); the lines only for the few that clash.
    cursor.execute(
        "SELECT indicator_id, area_id, period_id FROM import_staging "
        "GROUP BY indicator_id, area_id, period_id HAVING count(*) > 1 LIMIT 20"
    )
    keys = cursor.fetchall()
    if not keys:
        return
    cursor.execute(
        "SELECT array_agg(line ORDER BY line) FROM import_staging "
        "WHERE (indicator_id, area_id, period_id) IN %s "
        "GROUP BY indicator_id, area_id, period_id ORDER BY min(line)",
        [tuple(keys)],
    )
    clashes = cursor.fetchall()
    if clashes:
        raise ImportRejected(
            [
                f"{noun} {', '.join(map(str, lines))} give the same figure (indicator, area and "
                "period) more than once."
                for (lines,) in clashes
            ]
        )


def merge_staging(cursor, run: ImportRun | None, result: ImportResult) -> None:
    """Merge import_staging into observations: revisions kept, counts recorded.

    One pass over the stored figures finds what is new or changed (with the old figure);
    only those rows are then written, so an import that changes little writes little."""
    run_id = run.pk if run else None
    cursor.execute("ANALYZE import_staging")
    cursor.execute("SELECT count(*) FROM import_staging")
    total = cursor.fetchone()[0]
    cursor.execute("SELECT array_agg(DISTINCT indicator_id) FROM import_staging")
    indicator_ids = cursor.fetchone()[0] or []
    cursor.execute("DROP TABLE IF EXISTS import_changes")
    cursor.execute(
        # Naming the indicators lets the planner read only their part of the unique index.
        "CREATE TEMP TABLE import_changes ON COMMIT DROP AS "
        "SELECT o.id AS observation_id, o.value AS old_value, o.symbol AS old_symbol, "
        "s.indicator_id, s.area_id, s.period_id, s.value, coalesce(s.symbol, '') AS symbol "
        "FROM import_staging s LEFT JOIN datasets_observation o "
        "ON o.indicator_id = s.indicator_id AND o.period_id = s.period_id "
        "AND o.area_id = s.area_id AND o.indicator_id = ANY(%s) "
        "WHERE o.id IS NULL OR o.value IS DISTINCT FROM s.value "
        "OR o.symbol <> coalesce(s.symbol, '')",
        [indicator_ids],
    )
    cursor.execute(
        "SELECT count(observation_id), count(*) - count(observation_id) FROM import_changes"
    )
    changed, new = cursor.fetchone()
    updated = created = 0
    if changed:
        cursor.execute("ANALYZE import_changes")  # so a few changes are found by the index
        cursor.execute(
            "INSERT INTO datasets_observationrevision (observation_id, value, symbol, "
            "replaced_by_run_id, replaced_at) SELECT observation_id, old_value, old_symbol, %s, "
            "now() FROM import_changes WHERE observation_id IS NOT NULL",
            [run_id],
        )
        cursor.execute(
            "UPDATE datasets_observation o SET value = c.value, symbol = c.symbol, "
            "import_run_id = %s FROM import_changes c WHERE o.id = c.observation_id",
            [run_id],
        )
        updated = cursor.rowcount
    if new:
        # In the unique index's order, so the index is written page by page, not at random.
        cursor.execute(
            "INSERT INTO datasets_observation (indicator_id, area_id, period_id, value, "
            "symbol, import_run_id) SELECT indicator_id, area_id, period_id, value, symbol, "
            "%s FROM import_changes WHERE observation_id IS NULL "
            "ORDER BY indicator_id, period_id, area_id "
            "ON CONFLICT (indicator_id, period_id, area_id) DO NOTHING",
            [run_id],
        )
        created = cursor.rowcount
    cursor.execute("DROP TABLE import_changes")
    if created > 10_000:
        # Fresh statistics after a big load, so the planner does not treat the table as empty
        # for the rest of the transaction (autovacuum cannot see uncommitted rows); not needed
        # when the load is small beside what the table already holds.
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = 'datasets_observation'::regclass"
        )
        if created > cursor.fetchone()[0] / 5:
            cursor.execute("ANALYZE datasets_observation")
    if created or updated:
        data_changed()
    result.created += created
    result.updated += updated
    result.unchanged += total - created - updated


def _fold_london(cursor, run: ImportRun, result: ImportResult) -> None:
    """Where a file gives Inner and Outer London but not London, London is their sum (for
    counts only: rates and percentages cannot be added). A published London figure is kept:
    one in this file, or one stored earlier that was not itself made by adding the parts (a sum
    made earlier is remade, so a revised Inner or Outer figure revises London too)."""
    cursor.execute(
        """
        SELECT s.indicator_id, s.period_id, sum(s.value)
        FROM import_staging s
        JOIN datasets_area a ON a.id = s.area_id AND a.code IN (%s, %s)
        JOIN datasets_indicator i ON i.id = s.indicator_id AND i.unit = 'count'
        WHERE NOT EXISTS (
            SELECT 1 FROM import_staging g JOIN datasets_area l ON l.id = g.area_id
            WHERE l.code = %s AND g.indicator_id = s.indicator_id
              AND g.period_id = s.period_id)
          AND NOT EXISTS (
            SELECT 1 FROM datasets_observation o JOIN datasets_area l ON l.id = o.area_id
            LEFT JOIN datasets_importrun r ON r.id = o.import_run_id
            WHERE l.code = %s AND o.indicator_id = s.indicator_id
              AND o.period_id = s.period_id AND NOT coalesce(r.outcomes ? %s, false))
        GROUP BY s.indicator_id, s.period_id
        HAVING count(*) = 2 AND count(s.value) = 2
        """,
        [INNER_LONDON, OUTER_LONDON, LONDON, LONDON, FOLDED],
    )
    rows = cursor.fetchall()
    if not rows:
        return
    london = Area.objects.get(code=LONDON).pk
    cursor.execute("TRUNCATE import_staging")
    buffer = io.StringIO()
    for indicator_id, period_id, total in rows:
        buffer.write(f"{indicator_id}\t{london}\t{period_id}\t{total}\t\t0\n")
    _copy(cursor, buffer)
    folded = ImportResult()
    merge_staging(cursor, run, folded)
    result.created += folded.created
    result.updated += folded.updated
    result.unchanged += folded.unchanged
    result.outcomes[FOLDED] = {"London": len(rows)}


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    """The file's rows as dicts (for tests and tools)."""
    with _open(path) as handle:
        yield from csv.DictReader(handle)
