"""Importing Explore Education Statistics (EES) open-data CSVs.

The layout: `time_period, time_identifier, geographic_level, country_code, …, region_code,
old_la_code, new_la_code, la_name, <filters>, <indicators>` in any column order. An import
specification says which filter values and which column make which indicator.

The import is one transaction. Rows are checked as they stream past and their figures are
copied into a temporary table; any problem (named by line and column) rejects the whole file and
nothing is saved. A clean file is then merged in with set-based SQL: new figures inserted,
changed figures updated with the old one kept as a revision, the rest counted as unchanged.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

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
)

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


class ImportRejected(Exception):
    """The file was rejected; `errors` lists every problem found (by line and column)."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s): " + "; ".join(errors[:5]))


@dataclass
class ImportResult:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    outcomes: dict[str, dict[str, int]] = field(default_factory=dict)

    def note(self, kind: str, area: str) -> None:
        self.outcomes.setdefault(kind, {})
        self.outcomes[kind][area] = self.outcomes[kind].get(area, 0) + 1

    def lines(self) -> list[str]:
        out = [
            f"{self.rows_read} rows read: {self.created} figures created, "
            f"{self.updated} updated, {self.unchanged} unchanged."
        ]
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
        """(area id, None) or (None, problem)."""
        level = row.get("geographic_level", "").strip()
        if level == "National":
            return self.by_code[ENGLAND_CODE], None
        if level == "Regional":
            code = row.get("region_code", "").strip()
            if code in (INNER_LONDON, OUTER_LONDON):
                name = row.get("region_name", "").strip() or code
                return self._historic(code, name, AreaLevel.SUBREGIONAL), None
            if code in self.by_code:
                return self.by_code[code], None
            return None, f"region_code {code!r} is not an English region"
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
                label = f"{name or old} (combined {old})"
                self.result.note("Combined councils, stored as historic areas", label)
                return self._historic("LA:" + old.replace(" ", ""), label), None
            if old in FORMER_COUNCILS:
                label = f"{FORMER_COUNCILS[old]} ({old})"
                self.result.note("Former councils, stored as historic areas", label)
                return self._historic(f"LA:{old}", label), None
            return None, (
                f"new_la_code {new!r} / old_la_code {old!r} is not a current, "
                "former or combined council"
            )
        return None, f"geographic_level {level!r} is not National, Regional or Local authority"


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
    """Import one EES CSV. Raises ImportRejected (recorded on the run) if anything is wrong."""
    path = Path(path)
    run = run_begin(path=path, started_by=started_by, run=run)
    try:
        with _open(path) as handle:
            header = next(csv.reader(handle), None)
        if not header:
            raise ImportRejected(["The file is empty: it has no header row."])
        header = [h.strip() for h in header]
        spec = spec or detect_spec(header)
        result = _import(path, header, spec, run, progress)
    except (ImportRejected, FileNotFoundError, UnicodeDecodeError, csv.Error) as exc:
        if not isinstance(exc, ImportRejected):
            exc = ImportRejected([_unreadable(path, exc)])
        run_rejected(run=run, errors=exc.errors, path=path, spec=spec)
        raise exc from None
    run_succeeded(run=run, result=result, path=path, spec=spec)
    return run, result


def run_begin(*, path: Path, started_by=None, run: ImportRun | None = None) -> ImportRun:
    """The ImportRun that records an import of `path` (a new one, or the upload's)."""
    if run is None:
        return ImportRun.objects.create(
            filename=path.name, started_by=started_by, status=ImportStatus.RUNNING
        )
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)
    return run


def run_rejected(
    *, run: ImportRun, errors: list[str], path: Path, spec: ImportSpec | None = None
) -> None:
    """Record on the run that the file was rejected, with every problem."""
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.FAILED,
        errors=errors,
        spec=spec,
        finished_at=timezone.now(),
        sha256=file_sha256(path) if path.exists() else "",
    )
    run.refresh_from_db()


def run_succeeded(
    *, run: ImportRun, result: ImportResult, path: Path, spec: ImportSpec | None = None
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
        sha256=file_sha256(path),
    )
    run.refresh_from_db()


def _unreadable(path: Path, exc: Exception) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"There is no file {path.name}."
    if isinstance(exc, UnicodeDecodeError):
        return f"{path.name} is not a UTF-8 text file (is it a spreadsheet rather than a CSV?)."
    return f"{path.name} is not a readable CSV file ({exc})."


def _import(
    path: Path,
    header: list[str],
    spec: ImportSpec,
    run: ImportRun,
    progress: Callable[[int], None] | None,
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
        i.code: i.pk
        for i in Indicator.objects.filter(code__in=[m["indicator"] for m in spec.mappings])
    }
    unknown = sorted({m["indicator"] for m in spec.mappings} - set(indicators))
    if unknown:
        raise ImportRejected(
            [f"The specification names unknown indicator(s): {', '.join(unknown)}."]
        )
    # Mappings grouped by their filters, so each row is tested once per filter combination.
    by_filters: dict[tuple, list[tuple[int, str]]] = defaultdict(list)
    for m in spec.mappings:
        key = tuple(sorted(m.get("filters", {}).items()))
        by_filters[key].append((indicators[m["indicator"]], m["column"]))

    result = ImportResult()
    with transaction.atomic():
        areas = Areas(result)
        periods = {(p.label, p.time_identifier): p.pk for p in Period.objects.all()}
        with connection.cursor() as cursor:
            create_staging(cursor)
            buffer = io.StringIO()
            buffered = 0
            total_size = max(path.stat().st_size, 1)
            width = len(header)
            with _open(path) as handle:
                reader = csv.reader(handle)
                next(reader)
                for cells in reader:
                    line = reader.line_num
                    result.rows_read += 1
                    if len(cells) != width:
                        if not any(c.strip() for c in cells):
                            result.rows_read -= 1  # a blank line
                            continue
                        errors.append(
                            f"Line {line}: {len(cells)} cells, but the header has {width} columns."
                        )
                        continue
                    row = dict(zip(header, cells, strict=True))
                    for filters, targets in by_filters.items():
                        if any(row.get(col, "").strip() != want for col, want in filters):
                            continue
                        area_id, problem = areas.find(row)
                        if problem:
                            errors.append(f"Line {line}: {problem}.")
                            break
                        period_id = _period(periods, row, line, errors)
                        if period_id is None:
                            break
                        for indicator_id, column in targets:
                            try:
                                parsed = parse_value(row.get(column) or "")
                            except ValueError as exc:
                                errors.append(
                                    f"Line {line}, column {column}: {exc.args[0]!r} "
                                    "is not a number or a suppression symbol."
                                )
                                continue
                            if parsed is None:
                                continue
                            value, symbol = parsed
                            buffer.write(
                                f"{indicator_id}\t{area_id}\t{period_id}\t"
                                f"{'' if value is None else value}\t{symbol}\t"
                                f"{line}\n"
                            )
                            buffered += 1
                    if len(errors) >= MAX_ERRORS:
                        errors.append(f"Stopped after {MAX_ERRORS} problems.")
                        break
                    if buffered >= COPY_CHUNK:
                        _copy(cursor, buffer)
                        buffer, buffered = io.StringIO(), 0
                        if progress:
                            progress(min(80, int(80 * handle.buffer.tell() / total_size)))
                if result.rows_read == 0:
                    errors.append("The file has a header but no rows.")
            if errors:
                raise ImportRejected(errors)
            _copy(cursor, buffer)
            if progress:
                progress(85)
            _check_duplicates(cursor)
            merge_staging(cursor, run, result)
            _fold_london(cursor, run, result)
    return result


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
            f"Line {line}, column time_period: {label!r} is not a year (2025) or a "
            "two-year period (202425)."
        )
        return None
    if not identifier:
        errors.append(f"Line {line}, column time_identifier: empty.")
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
    cursor.execute(
        "SELECT array_agg(line ORDER BY line) FROM import_staging "
        "GROUP BY indicator_id, area_id, period_id HAVING count(*) > 1 LIMIT 20"
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
    """Merge import_staging into observations: revisions kept, counts recorded."""
    run_id = run.pk if run else None
    cursor.execute(
        "CREATE INDEX IF NOT EXISTS import_staging_key "
        "ON import_staging (indicator_id, period_id, area_id)"
    )
    cursor.execute("ANALYZE import_staging")
    cursor.execute("SELECT count(*) FROM import_staging")
    total = cursor.fetchone()[0]
    cursor.execute(
        "INSERT INTO datasets_observationrevision (observation_id, value, symbol, "
        "replaced_by_run_id, replaced_at) SELECT o.id, o.value, o.symbol, %s, now() "
        "FROM datasets_observation o, import_staging s WHERE o.indicator_id = s.indicator_id "
        "AND o.period_id = s.period_id AND o.area_id = s.area_id "
        "AND (o.value IS DISTINCT FROM s.value OR o.symbol <> coalesce(s.symbol, ''))",
        [run_id],
    )
    cursor.execute(
        "UPDATE datasets_observation o SET value = s.value, symbol = coalesce(s.symbol, ''), "
        "import_run_id = %s FROM import_staging s WHERE o.indicator_id = s.indicator_id "
        "AND o.period_id = s.period_id AND o.area_id = s.area_id "
        "AND (o.value IS DISTINCT FROM s.value OR o.symbol <> coalesce(s.symbol, ''))",
        [run_id],
    )
    updated = cursor.rowcount
    cursor.execute(
        "INSERT INTO datasets_observation (indicator_id, area_id, period_id, value, symbol, "
        "import_run_id) SELECT indicator_id, area_id, period_id, value, coalesce(symbol, ''), %s "
        "FROM import_staging ON CONFLICT (indicator_id, period_id, area_id) DO NOTHING",
        [run_id],
    )
    created = cursor.rowcount
    if created > 10_000:
        # Fresh statistics after a big load, so the planner does not treat the table as empty
        # for the rest of the transaction (autovacuum cannot see uncommitted rows).
        cursor.execute("ANALYZE datasets_observation")
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
