"""Reading the CSV files of the facts the risk rules read (DfE interventions, DCS history):
every problem by line and column, councils by GSS code or DfE LA number, dates in either of
two formats, and the checks of a whole file made over its staged rows (fact_staging).

The writes (staging, upserting, auditing, runs in the background) are in
earlysupport.services.fact_imports; each kind of fact is a FactSpec in
earlysupport.services.facts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models

from cib_portal.csv_import import (
    CsvRejected,
    CsvRow,
    Problem,
    csv_read,
    date_in_range,
    date_range_message,
    lengths_check,
    problems_sorted,
    quoted,
)
from regions.models import Council

from .models import DcsTenure, InterventionKind

if TYPE_CHECKING:
    from .services.facts import FactSpec

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


class FactImportError(Exception):
    """A file that cannot be imported; `errors` lists every problem found."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    lines: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.lines} line{'s' if self.lines != 1 else ''}: {self.created} added, "
            f"{self.updated} changed, {self.unchanged} unchanged"
        )


def words_and(names) -> str:
    """Column names in words: council and starts_on; council, kind and starts_on."""
    names = list(names)
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


MAX_PROBLEMS = 200


def date_words(day: datetime.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def span_words(starts_on: datetime.date, ends_on: datetime.date | None) -> str:
    if ends_on is None:
        return f"from {date_words(starts_on)}"
    return f"from {date_words(starts_on)} to {date_words(ends_on)}"


# --- Rows of each kind ---------------------------------------------------------------------


def intervention_row(row: dict, line: int, errors: list[str]) -> dict:
    kind = row.get("kind", "").lower()
    if not kind:
        errors.append(f"Line {line}, column kind: enter improvement_notice or statutory_direction")
    elif kind not in InterventionKind.values:
        errors.append(
            f"Line {line}, column kind: {quoted(row.get('kind', ''))} is not a kind of "
            "intervention (improvement_notice or statutory_direction)"
        )
    return {"kind": kind, "notes": row.get("notes", "")}


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    """Half-open ranges [start, end); an open end runs for ever. Same-day handover is fine.
    A one-day tenure (start == end) is treated as lasting that day."""
    a_end = a_end if a_end is None or a_end > a_start else a_start + datetime.timedelta(days=1)
    b_end = b_end if b_end is None or b_end > b_start else b_start + datetime.timedelta(days=1)
    return (b_end is None or a_start < b_end) and (a_end is None or b_start < a_end)


YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


def tenure_row(row: dict, line: int, errors: list[str]) -> dict:
    name = row.get("name", "")
    if not name:
        errors.append(f"Line {line}, column name: enter the director’s name")
    interim_text = row.get("interim", "").lower()
    if interim_text not in YES | NO:
        errors.append(
            f"Line {line}, column interim: {quoted(row.get('interim', ''))} is not yes or no"
        )
    return {"name": name, "interim": interim_text in YES}


# The end of a tenure as the overlap checks see it: half open, an open end running for ever,
# and a one-day tenure (starts_on = ends_on) lasting that day (as `overlaps`).
_END = (
    "coalesce(CASE WHEN {t}.ends_on = {t}.starts_on THEN {t}.starts_on + 1 "
    "ELSE {t}.ends_on END, 'infinity')"
)


def tenure_file_check(cursor, errors: list[str]) -> None:
    """Overlaps within the file, and with recorded tenures the file does not replace.

    One set-based statement finds the councils with an overlap: each council's tenures (the
    staged ones and the recorded ones not replaced, their starts all different) sorted by
    start; a tenure overlaps an earlier-starting one exactly when it starts before the latest
    end so far. That is a sort, not a comparison of every pair, and needs no index. Only for
    the councils it names (a bad file) are the pairs worked out, to name both lines."""
    recorded = DcsTenure._meta.db_table
    cursor.execute(
        "WITH spans AS ("  # noqa: S608 - built from this module's constants only
        f"SELECT council_id, starts_on, {_END.format(t='s')} AS ends FROM fact_staging s "
        f"UNION ALL SELECT t.council_id, t.starts_on, {_END.format(t='t')} FROM {recorded} t "
        "WHERE t.council_id IN (SELECT council_id FROM fact_staging) AND NOT EXISTS ("
        "SELECT 1 FROM fact_staging r WHERE r.council_id = t.council_id "
        "AND r.starts_on = t.starts_on)), "
        "swept AS (SELECT council_id, starts_on, max(ends) OVER (PARTITION BY council_id "
        "ORDER BY starts_on ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS latest_end "
        "FROM spans) "
        "SELECT DISTINCT council_id FROM swept WHERE starts_on < latest_end"
    )
    councils = [c for (c,) in cursor.fetchall()]
    if not councils:
        return
    cursor.execute(
        "SELECT council_id, line, name, starts_on, ends_on FROM fact_staging "  # noqa: S608
        "WHERE council_id = ANY(%s) "
        f"UNION ALL SELECT council_id, NULL, name, starts_on, ends_on FROM {recorded} t "
        "WHERE council_id = ANY(%s) AND NOT EXISTS (SELECT 1 FROM fact_staging r "
        "WHERE r.council_id = t.council_id AND r.starts_on = t.starts_on) "
        "ORDER BY council_id, starts_on",
        [councils, councils],
    )
    within, with_recorded = [], []
    active: list[tuple] = []
    council = None
    for row in cursor.fetchall():
        council_id, line, name, starts_on, ends_on = row
        if council_id != council:
            council, active = council_id, []
        active = [a for a in active if overlaps(a[3], a[4], starts_on, ends_on)]
        for other in active:
            if line is not None and other[1] is not None:
                first, later = sorted((other, row), key=lambda r: r[1])
                within.append((later[1], first[1], later, first))
            elif line is not None or other[1] is not None:
                staged, kept = (row, other) if line is not None else (other, row)
                with_recorded.append((staged[1], kept[3], staged, kept))
        if len(within) + len(with_recorded) > MAX_PROBLEMS:
            break
        active.append(row)
    for _, _, (_, line, name, start, end), (_, other_line, other, o_start, o_end) in sorted(
        within, key=lambda p: p[:2]
    ):
        errors.append(
            Problem(
                f"the tenure of {name} ({span_words(start, end)}) overlaps line {other_line} "
                f"({other}, {span_words(o_start, o_end)})",
                line=line,
            )
        )
    for _, _, (_, line, name, start, end), (_, _, other, o_start, o_end) in sorted(
        with_recorded, key=lambda p: p[:2]
    ):
        errors.append(
            Problem(
                f"the tenure of {name} ({span_words(start, end)}) overlaps the recorded "
                f"tenure of {other} ({span_words(o_start, o_end)})",
                line=line,
            )
        )


# --- A whole file ------------------------------------------------------------------------


def _councils() -> dict[str, Council]:
    """Councils by GSS code (and alternative code) and by DfE LA number."""
    found: dict[str, Council] = {}
    for c in Council.objects.all():
        found[c.gss_code.upper()] = c
        if c.alt_gss_code:
            found[c.alt_gss_code.upper()] = c
        found[str(c.la_number)] = c
    return found


def parse_date(text: str) -> datetime.date | None:
    if len(text) == 10 and text[4] == text[7] == "-":  # YYYY-MM-DD, the common case, fast
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _read(data: bytes, *, required: list[str], optional: list[str]):
    """Rows as (line number, {column: stripped text}); raises FactImportError for a file that
    cannot be read, or for problems with its header, cells or shape."""
    try:
        table = csv_read(data, required=required, optional=optional)
    except CsvRejected as exc:
        raise FactImportError(exc.errors) from None
    if table.problems:
        raise FactImportError(problems_sorted(table.problems))
    return [(row.line, row.cells) for row in table.rows]


def _council(row, line, councils, errors) -> Council | None:
    text = row.get("council", "")
    if not text:
        errors.append(f"Line {line}, column council: enter a GSS code or DfE LA number")
        return None
    council = councils.get(text.upper())
    if council is None:
        errors.append(
            f"Line {line}, column council: {quoted(text)} is not a council’s GSS code or DfE "
            "LA number"
        )
    return council


def _date(text: str, column: str, line: int, errors: list[str]) -> datetime.date | None:
    day = parse_date(text)
    if day is None:
        errors.append(Problem(f"{quoted(text)} is not a date", line=line, column=column))
    elif not date_in_range(day):
        errors.append(Problem(f"{quoted(text)} {date_range_message()}", line=line, column=column))
        day = None
    return day


def _dates(row, line, errors, *, required_end=False):
    starts_on = ends_on = None
    start_text = row.get("starts_on", "")
    if not start_text:
        errors.append(f"Line {line}, column starts_on: enter a start date")
    else:
        starts_on = _date(start_text, "starts_on", line, errors)
    end_text = row.get("ends_on", "")
    end_ok = True
    if end_text:
        ends_on = _date(end_text, "ends_on", line, errors)
        end_ok = ends_on is not None
    if starts_on and ends_on and ends_on < starts_on:
        errors.append(
            f"Line {line}, column ends_on: {quoted(end_text)} is before the start date "
            f"{quoted(start_text)}"
        )
        end_ok = False
    return starts_on, ends_on, end_ok


def line_of(message: str) -> int:
    line = getattr(message, "line", None)
    if line is not None:
        return line
    try:
        return int(message.split()[1].rstrip(":,"))
    except (IndexError, ValueError):
        return 0


def _text_columns(spec: FactSpec) -> dict[str, str]:
    """The CSV columns saved as text as they are, each checked against its field's length."""
    return {
        n: n
        for n in spec.fields
        if n != "council"
        and isinstance(field := spec.model._meta.get_field(n), models.CharField)
        and not field.choices
    }


def parse_rows(spec: FactSpec, data: bytes) -> tuple[list[dict], list[str]]:
    rows = _read(data, required=list(spec.required), optional=list(spec.optional))
    councils = _councils()
    errors: list[str] = []
    parsed: list[dict] = []
    first_line: dict[tuple, int] = {}
    lengths = _text_columns(spec)
    for line, row in rows:
        before = len(errors)
        council = _council(row, line, councils, errors)
        lengths_check(CsvRow(line, row), spec.model, lengths, errors)
        values = spec.parse_row(row, line, errors)
        starts_on, ends_on, _ = _dates(row, line, errors)
        if len(errors) > before:
            if len(errors) >= MAX_PROBLEMS:
                errors.append(f"Stopped after {MAX_PROBLEMS} problems.")
                break
            continue
        item = {"line": line, "council": council, **values}
        item.update(starts_on=starts_on, ends_on=ends_on)
        key = tuple(item[n] for n in spec.key)
        if key in first_line:
            errors.append(f"Line {line}: the same {words_and(spec.key)} as line {first_line[key]}")
            continue
        first_line[key] = line
        parsed.append(item)
    return parsed, errors
