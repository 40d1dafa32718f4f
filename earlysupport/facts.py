"""The facts risk rules read (DfE interventions, each council's DCS history) and the rules
themselves: saving with an audit record, CSV imports with line-numbered errors (all or
nothing; re-importing the same file changes nothing), and editing a rule with a reason.

Imports are shared by the upload pages and the `import_interventions` /
`import_dcs_history` commands.

DCS tenures of one council must not overlap. A tenure runs from `starts_on` up to
`ends_on`; a director leaving on the day their successor starts is a handover, not an
overlap (the ranges are half open, like PostgreSQL's `daterange(starts_on, ends_on, '[)')`).
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
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
from cib_portal.tasks import fail_stale, queue_on_commit, row_heartbeat
from regions.models import Council

from .models import (
    DcsTenure,
    FactImportRun,
    FactImportStatus,
    Intervention,
    InterventionKind,
    Rule,
    RuleKind,
    Severity,
)

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


# --- Words ---------------------------------------------------------------------------------


def date_words(day: datetime.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def span_words(starts_on: datetime.date, ends_on: datetime.date | None) -> str:
    if ends_on is None:
        return f"from {date_words(starts_on)}"
    return f"from {date_words(starts_on)} to {date_words(ends_on)}"


def _words_and(names) -> str:
    """Column names in words: council and starts_on; council, kind and starts_on."""
    names = list(names)
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


# --- Facts: what differs between interventions and DCS tenures -----------------------------


@dataclass(frozen=True)
class FactSpec:
    """One kind of fact (a dated span for a council) for the shared save, delete and import.

    `fields` are the saved fields in order (council first, then as in the CSV); `key` is what
    an import upserts on; `check` raises ValidationError before a save; `parse_row` checks a
    CSV row's own columns (appending errors) and returns their values; `check_file` looks at
    all the parsed rows together, with set-based SQL over the staged rows (the temporary table
    fact_staging); `lock_councils` locks each imported council's facts before writing."""

    model: type
    action: str
    fields: tuple[str, ...]
    key: tuple[str, ...]
    required: tuple[str, ...]
    optional: tuple[str, ...]
    check: Callable[[Any], None]
    parse_row: Callable[[dict, int, list[str]], dict]
    check_file: Callable[[Any, list[str]], None] | None = None
    # A row's words, as the model's str() says them (an import audits each row without
    # making a model instance for it).
    words: Callable[[dict], str] = str
    lock_councils: bool = False

    @property
    def updated(self) -> tuple[str, ...]:
        return tuple(n for n in self.fields if n not in self.key)

    def state(self, obj) -> dict:
        return self.item_state({name: getattr(obj, name) for name in self.fields})

    def item_state(self, item: dict) -> dict:
        """The audit state of a fact given as a dict of its fields (an import's row)."""
        state = {}
        for name in self.fields:
            value = item[name]
            if name == "council":
                value = value.gss_code
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            state[name] = value
        return state


def _actor(user: Any):
    return user if getattr(user, "is_authenticated", False) else None


def _facts_filter(model, *, council, region_id, on: datetime.date | None):
    qs = model.objects.select_related("council", "council__region")
    if council is not None:
        qs = qs.filter(council=council)
    if region_id:
        qs = qs.filter(council__region_id=region_id)
    if on:
        qs = qs.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    return qs


def _check_span(starts_on, ends_on) -> None:
    if ends_on is not None and starts_on is not None and ends_on < starts_on:
        raise ValidationError(
            {"ends_on": "The end date must be the same as or after the start date"}
        )


@transaction.atomic
def fact_save(spec: FactSpec, *, user: Any, obj=None, **fields: Any):
    """Create a fact, or change `obj`; checked by the spec, audited with before and after."""
    before = spec.state(obj) if obj else None
    obj = obj or spec.model()
    for name in spec.fields:
        if name in fields:
            setattr(obj, name, fields[name])
    _check_span(obj.starts_on, obj.ends_on)
    spec.check(obj)
    obj.updated_by = _actor(user)
    obj.save()
    audit_record(
        actor=user,
        action=f"{spec.action}.update" if before else f"{spec.action}.create",
        obj=obj,
        summary=f"{'Changed' if before else 'Added'} {obj}",
        before=before,
        after=spec.state(obj),
    )
    return obj


@transaction.atomic
def fact_delete(spec: FactSpec, *, user: Any, obj) -> None:
    audit_record(
        actor=user,
        action=f"{spec.action}.delete",
        obj=obj,
        summary=f"Deleted {obj}",
        before=spec.state(obj),
    )
    obj.delete()


# --- Interventions -------------------------------------------------------------------------


def interventions_filter(
    *,
    council: Council | None = None,
    region_id: int | None = None,
    kind: str = "",
    active_on: datetime.date | None = None,
):
    qs = _facts_filter(Intervention, council=council, region_id=region_id, on=active_on)
    return qs.filter(kind=kind) if kind else qs


def _intervention_check(obj: Intervention) -> None:
    clash = Intervention.objects.filter(
        council=obj.council, kind=obj.kind, starts_on=obj.starts_on
    ).exclude(pk=obj.pk)
    if clash.exists():
        raise ValidationError(
            {"starts_on": "This council already has this kind of intervention from this date"}
        )


def _intervention_row(row: dict, line: int, errors: list[str]) -> dict:
    kind = row.get("kind", "").lower()
    if not kind:
        errors.append(f"Line {line}, column kind: enter improvement_notice or statutory_direction")
    elif kind not in InterventionKind.values:
        errors.append(
            f"Line {line}, column kind: {quoted(row.get('kind', ''))} is not a kind of "
            "intervention (improvement_notice or statutory_direction)"
        )
    return {"kind": kind, "notes": row.get("notes", "")}


INTERVENTIONS = FactSpec(
    model=Intervention,
    action="intervention",
    fields=("council", "kind", "starts_on", "ends_on", "notes"),
    key=("council", "kind", "starts_on"),
    required=("council", "kind", "starts_on"),
    optional=("ends_on", "notes"),
    check=_intervention_check,
    parse_row=_intervention_row,
    words=lambda i: f"{i['council']}: {InterventionKind(i['kind']).label} from {i['starts_on']}",
)


def intervention_save(
    *, user: Any, intervention: Intervention | None = None, **fields: Any
) -> Intervention:
    """Create an intervention, or change `intervention`; audited with before and after."""
    return fact_save(INTERVENTIONS, user=user, obj=intervention, **fields)


def intervention_delete(*, user: Any, intervention: Intervention) -> None:
    fact_delete(INTERVENTIONS, user=user, obj=intervention)


# --- DCS history ---------------------------------------------------------------------------


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    """Half-open ranges [start, end); an open end runs for ever. Same-day handover is fine.
    A one-day tenure (start == end) is treated as lasting that day."""
    a_end = a_end if a_end is None or a_end > a_start else a_start + datetime.timedelta(days=1)
    b_end = b_end if b_end is None or b_end > b_start else b_start + datetime.timedelta(days=1)
    return (b_end is None or a_start < b_end) and (a_end is None or b_start < a_end)


def dcs_overlapping(
    *, council: Council, starts_on, ends_on, exclude: list[int] | None = None
) -> list[DcsTenure]:
    """The recorded tenures of `council` that overlap the given span."""
    qs = DcsTenure.objects.filter(council=council).exclude(pk__in=exclude or [])
    return [t for t in qs if _overlaps(starts_on, ends_on, t.starts_on, t.ends_on)]


def dcs_filter(
    *, council: Council | None = None, region_id: int | None = None, on: datetime.date | None = None
):
    return _facts_filter(DcsTenure, council=council, region_id=region_id, on=on)


def _tenure_check(obj: DcsTenure) -> None:
    """No other director of the council from the same day, and no overlap."""
    # Lock the council's tenures so two saves cannot both pass the overlap check.
    list(DcsTenure.objects.select_for_update().filter(council=obj.council))
    if (
        DcsTenure.objects.filter(council=obj.council, starts_on=obj.starts_on)
        .exclude(pk=obj.pk)
        .exists()
    ):
        raise ValidationError(
            {"starts_on": "This council already has a director recorded from this date"}
        )
    clashes = dcs_overlapping(
        council=obj.council,
        starts_on=obj.starts_on,
        ends_on=obj.ends_on,
        exclude=[obj.pk] if obj.pk else [],
    )
    if clashes:
        other = clashes[0]
        raise ValidationError(
            {
                "starts_on": (
                    f"This overlaps the recorded tenure of {other.name} "
                    f"({span_words(other.starts_on, other.ends_on)})"
                )
            }
        )


YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


def _tenure_row(row: dict, line: int, errors: list[str]) -> dict:
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
# and a one-day tenure (starts_on = ends_on) lasting that day (as `_overlaps`).
_END = (
    "coalesce(CASE WHEN {t}.ends_on = {t}.starts_on THEN {t}.starts_on + 1 "
    "ELSE {t}.ends_on END, 'infinity')"
)


def _tenure_file_check(cursor, errors: list[str]) -> None:
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
        active = [a for a in active if _overlaps(a[3], a[4], starts_on, ends_on)]
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


DCS_HISTORY = FactSpec(
    model=DcsTenure,
    action="dcs_tenure",
    fields=("council", "name", "starts_on", "ends_on", "interim"),
    key=("council", "starts_on"),
    required=("council", "name", "starts_on"),
    optional=("ends_on", "interim"),
    check=_tenure_check,
    parse_row=_tenure_row,
    check_file=_tenure_file_check,
    lock_councils=True,
    words=lambda i: f"{i['name']}, DCS of {i['council']} from {i['starts_on']}",
)


FACT_SPECS: dict[str, FactSpec] = {s.action: s for s in (INTERVENTIONS, DCS_HISTORY)}


def dcs_tenure_save(*, user: Any, tenure: DcsTenure | None = None, **fields: Any) -> DcsTenure:
    """Create or change a DCS tenure; it must not overlap another of the same council."""
    return fact_save(DCS_HISTORY, user=user, obj=tenure, **fields)


def dcs_tenure_delete(*, user: Any, tenure: DcsTenure) -> None:
    fact_delete(DCS_HISTORY, user=user, obj=tenure)


# --- CSV imports ---------------------------------------------------------------------------

MAX_PROBLEMS = 200


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


def _line_of(message: str) -> int:
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


def _parse_rows(spec: FactSpec, data: bytes) -> tuple[list[dict], list[str]]:
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
            errors.append(f"Line {line}: the same {_words_and(spec.key)} as line {first_line[key]}")
            continue
        first_line[key] = line
        parsed.append(item)
    return parsed, errors


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
    parsed, errors = _parse_rows(spec, data)
    with transaction.atomic():
        _stage(spec, parsed)
        if spec.check_file:
            with connection.cursor() as cursor:
                spec.check_file(cursor, errors)
        if errors:
            errors.sort(key=_line_of)
            raise FactImportError(errors[: MAX_PROBLEMS + 1])
    return parsed


def _audit_many(
    *, user: Any, action: str, model: type, events: list[tuple[int, str, dict | None, dict]]
):
    """One audit row for each (pk of a `model` row, summary, before, after), as
    `audit_record` writes it, copied in at once (COPY): a big import audits every row it adds
    or changes."""
    if not events:
        return
    actor = _actor(user)
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    now = timezone.now().isoformat()
    object_type = model._meta.label_lower
    for pk, summary, before, after in events:
        writer.writerow(
            [
                now,
                actor.pk if actor else "",
                action,
                object_type,
                str(pk),
                summary[:300],
                "" if before is None else json.dumps(before),
                "" if after is None else json.dumps(after),
            ]
        )
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {AuditEvent._meta.db_table} (at, actor_id, action, object_type, object_id, "
            "summary, before, after) FROM STDIN WITH (FORMAT csv, "
            "FORCE_NULL (actor_id, before, after))",
            buffer,
        )


def _staged_writes(spec: FactSpec, *, user: Any, parsed: list[dict]) -> ImportResult:
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
    actor = _actor(user)
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
    events = []
    for pk, line, *old in changed:
        item = by_line[line]
        after = spec.item_state(item)
        before = spec.item_state({**item, **dict(zip(spec.updated, old, strict=True))})
        events.append((pk, f"Import changed {spec.words(item)}", before, after))
    for pk, *key_values in created:
        item = by_key[tuple(key_values)]
        events.append((pk, f"Imported {spec.words(item)}", None, spec.item_state(item)))
    _audit_many(user=user, action=f"{spec.action}.import", model=model, events=events)
    result.created, result.updated = len(created), len(changed)
    result.unchanged = result.lines - result.created - result.updated
    return result


def fact_import(
    spec: FactSpec, *, user: Any, data: bytes, progress: Callable[[int], None] | None = None
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


def fact_import_run_start(spec: FactSpec, *, user: Any, upload) -> FactImportRun:
    """Keep an uploaded file on a new run and queue its import (after commit)."""
    from .tasks import fact_import_run_task

    name = (upload.name or "facts.csv").replace("\\", "/").rsplit("/", 1)[-1]
    with transaction.atomic():
        run = FactImportRun(kind=spec.action, filename=name[:300], started_by=_actor(user))
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


def interventions_import(*, user: Any, data: bytes) -> ImportResult:
    """Import interventions from CSV, all or nothing, upserting on council, kind, starts_on."""
    return fact_import(INTERVENTIONS, user=user, data=data)


def dcs_parse(data: bytes) -> list[dict]:
    """Check a whole DCS history CSV; raises FactImportError listing every problem."""
    return fact_parse(DCS_HISTORY, data)


def dcs_import(*, user: Any, data: bytes) -> ImportResult:
    """Import DCS tenures from CSV, all or nothing, upserting on council and starts_on."""
    return fact_import(DCS_HISTORY, user=user, data=data)


class FactImportCommand(BaseCommand):
    """The base of the `import_interventions` and `import_dcs_history` commands: import FILE
    with `spec`, all or nothing, listing every problem by line."""

    spec: FactSpec
    what: str

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        columns = ", ".join(self.spec.required + self.spec.optional)
        rest = "all or nothing, every problem listed by line."
        self.help = f"Import {self.what} from CSV ({columns}): {rest}"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise CommandError(f"There is no file {file}.") from exc
        try:
            result = fact_import(self.spec, user=None, data=data)
        except FactImportError as exc:
            raise CommandError(
                f"{file} was not imported; nothing was saved. Problems:\n- "
                + "\n- ".join(exc.errors)
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {file}: {result}."))


# --- Rules ---------------------------------------------------------------------------------

JUDGEMENTS = [
    ("outstanding", "Outstanding"),
    ("good", "Good"),
    ("requires_improvement", "Requires improvement"),
    ("inadequate", "Inadequate"),
]
RULE_FIELDS = ("severity", "weight", "is_active", "rationale", "indicators", "params")


def _words_list(items: list[str]) -> str:
    items = [i for i in items if i]
    if not items:
        return "none"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


def _number(value: Any) -> str:
    try:
        d = Decimal(str(value))
    except Exception:  # noqa: BLE001 - params are data; show what is there
        return str(value)
    return f"{d.normalize():f}"


def rule_params_words(kind: str, params: dict) -> str:
    """A rule's thresholds in words."""
    params = params or {}
    if kind == RuleKind.OFSTED:
        names = dict(JUDGEMENTS)
        judged = [names.get(j, j) for j in params.get("judgements", [])]
        return f"The latest overall Ofsted judgement is {_words_list(judged)}"
    if kind == RuleKind.INTERVENTION:
        names = dict(InterventionKind.choices)
        kinds = [names.get(k, k).lower() for k in params.get("kinds", [])]
        return f"The council is under an {_words_list(kinds)} in force"
    if kind == RuleKind.LEADERSHIP:
        changes = params.get("changes", 2)
        months = params.get("months", 24)
        return (
            f"{changes} or more change{'s' if changes != 1 else ''} of director of children’s "
            f"services within {months} month{'s' if months != 1 else ''}"
        )
    if kind == RuleKind.WORKFORCE:
        parts = []
        if params.get("worst_quartile"):
            parts.append("worst national quartile")
        above = params.get("above_neighbours_by")
        if above is not None:
            parts.append(
                f"more than {_number(above)} percentage "
                f"point{'s' if Decimal(str(above)) != 1 else ''} "
                "above the statistical-neighbour mean"
            )
        if not parts:
            return "No thresholds set"
        return ", or ".join(parts)
    if kind == RuleKind.DETERIORATION:
        periods = params.get("periods", 3)
        return (
            "Worse than the statistical neighbours and moving the wrong way for "
            f"{periods} periods in a row"
        )
    return ", ".join(f"{k}: {v}" for k, v in params.items()) or "No thresholds set"


def _rule_state(rule: Rule, names: list[str]) -> dict:
    return {n: getattr(rule, n) for n in names}


@transaction.atomic
def rule_update(*, user: Any, rule: Rule, reason: str, **changes: Any) -> Rule:
    """Change a rule's severity, weight, is_active, rationale, indicators or params, with a
    reason; audited with before, after and the reason. Only changed fields are recorded."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason for this change"})
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"Rule fields that cannot be changed here: {', '.join(sorted(unknown))}")
    if "severity" in changes and changes["severity"] not in Severity.values:
        raise ValidationError({"severity": "Select red or amber"})
    if "weight" in changes and not (1 <= int(changes["weight"]) <= 10):
        raise ValidationError({"weight": "The weight must be between 1 and 10"})
    if "rationale" in changes and not (changes["rationale"] or "").strip():
        raise ValidationError({"rationale": "Enter the rationale"})
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    changed = [n for n in RULE_FIELDS if n in changes and getattr(rule, n) != changes[n]]
    before = _rule_state(rule, changed)
    for n in changed:
        setattr(rule, n, changes[n])
    rule.updated_by = user if getattr(user, "is_authenticated", False) else None
    rule.save()
    audit_record(
        actor=user,
        action="rule.update",
        obj=rule,
        summary=f"Changed the rule ‘{rule.name}’"
        + (f" ({', '.join(changed)})" if changed else " (no change to its settings)"),
        before=before,
        after={**_rule_state(rule, changed), "reason": reason},
    )
    return rule


def rule_history(rule: Rule):
    """The rule's change history, newest first, from its audit events."""
    return AuditEvent.objects.filter(
        object_type=Rule._meta.label_lower, object_id=str(rule.pk)
    ).select_related("actor")
