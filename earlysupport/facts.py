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

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from audit.models import AuditEvent
from audit.services import audit_record
from regions.models import Council

from .models import DcsTenure, Intervention, InterventionKind, Rule, RuleKind, Severity

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
    all the parsed rows together; `lock_councils` locks each imported council's facts at once
    instead of row by row."""

    model: type
    action: str
    fields: tuple[str, ...]
    key: tuple[str, ...]
    required: tuple[str, ...]
    optional: tuple[str, ...]
    check: Callable[[Any], None]
    parse_row: Callable[[dict, int, list[str]], dict]
    check_file: Callable[[list[dict], list[str]], None] | None = None
    lock_councils: bool = False

    @property
    def updated(self) -> tuple[str, ...]:
        return tuple(n for n in self.fields if n not in self.key)

    def state(self, obj) -> dict:
        state = {}
        for name in self.fields:
            value = getattr(obj, name)
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
            f"Line {line}, column kind: “{row.get('kind')}” is not a kind of intervention "
            "(improvement_notice or statutory_direction)"
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
    elif len(name) > 200:
        errors.append(f"Line {line}, column name: the name must be 200 characters or fewer")
    interim_text = row.get("interim", "").lower()
    if interim_text not in YES | NO:
        errors.append(f"Line {line}, column interim: “{row.get('interim')}” is not yes or no")
    return {"name": name, "interim": interim_text in YES}


def _tenure_file_check(parsed: list[dict], errors: list[str]) -> None:
    """Overlaps within the file, then with recorded tenures the file does not replace."""
    by_council: dict[int, list[dict]] = {}
    for item in parsed:
        by_council.setdefault(item["council"].pk, []).append(item)
    for items in by_council.values():
        items_sorted = sorted(items, key=lambda i: i["line"])
        for i, a in enumerate(items_sorted):
            for b in items_sorted[:i]:
                if _overlaps(a["starts_on"], a["ends_on"], b["starts_on"], b["ends_on"]):
                    errors.append(
                        f"Line {a['line']}: the tenure of {a['name']} "
                        f"({span_words(a['starts_on'], a['ends_on'])}) overlaps line {b['line']} "
                        f"({b['name']}, {span_words(b['starts_on'], b['ends_on'])})"
                    )
        council = items_sorted[0]["council"]
        starts = {i["starts_on"] for i in items_sorted}
        replaced = [t.pk for t in DcsTenure.objects.filter(council=council, starts_on__in=starts)]
        for a in items_sorted:
            for other in dcs_overlapping(
                council=council, starts_on=a["starts_on"], ends_on=a["ends_on"], exclude=replaced
            ):
                errors.append(
                    f"Line {a['line']}: the tenure of {a['name']} "
                    f"({span_words(a['starts_on'], a['ends_on'])}) overlaps the recorded tenure "
                    f"of {other.name} ({span_words(other.starts_on, other.ends_on)})"
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
)


def dcs_tenure_save(*, user: Any, tenure: DcsTenure | None = None, **fields: Any) -> DcsTenure:
    """Create or change a DCS tenure; it must not overlap another of the same council."""
    return fact_save(DCS_HISTORY, user=user, obj=tenure, **fields)


def dcs_tenure_delete(*, user: Any, tenure: DcsTenure) -> None:
    fact_delete(DCS_HISTORY, user=user, obj=tenure)


# --- CSV imports ---------------------------------------------------------------------------


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
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _read(data: bytes, *, required: list[str], optional: list[str]):
    """(rows, errors): rows are (line number, {column: stripped text})."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FactImportError(["The file must be a UTF-8 CSV"]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise FactImportError([f"Line 1: the file could not be read as a CSV ({exc})"]) from None
    if not header or not any(h.strip() for h in header):
        raise FactImportError(["The file is empty"])
    names = [h.strip().lower() for h in header]
    wanted = ", ".join(required + optional)
    missing = [c for c in required if c not in names]
    if missing:
        raise FactImportError(
            [
                "Line 1: the first line must be a header naming the columns "
                f"{wanted} (missing: {', '.join(missing)})"
            ]
        )
    errors = []
    unknown = [n for n in names if n and n not in required + optional]
    if unknown:
        errors.append(
            f"Line 1: unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}"
        )
    seen = set()
    for n in names:
        if n in seen and n:
            errors.append(f"Line 1: the column {n} is named twice")
        seen.add(n)
    rows = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            line = reader.line_num
            if len(cells) > len(names) and any(c.strip() for c in cells[len(names) :]):
                errors.append(f"Line {line}: more values than the header has columns")
            row = {n: (cells[i].strip() if i < len(cells) else "") for i, n in enumerate(names)}
            rows.append((line, row))
    except csv.Error as exc:
        errors.append(f"Line {reader.line_num}: the file could not be read as a CSV ({exc})")
    if errors:
        raise FactImportError(errors)
    return rows


def _council(row, line, councils, errors) -> Council | None:
    text = row.get("council", "")
    if not text:
        errors.append(f"Line {line}, column council: enter a GSS code or DfE LA number")
        return None
    council = councils.get(text.upper())
    if council is None:
        errors.append(
            f"Line {line}, column council: “{text}” is not a council’s GSS code or DfE LA number"
        )
    return council


def _dates(row, line, errors, *, required_end=False):
    starts_on = ends_on = None
    start_text = row.get("starts_on", "")
    if not start_text:
        errors.append(f"Line {line}, column starts_on: enter a start date")
    else:
        starts_on = parse_date(start_text)
        if starts_on is None:
            errors.append(f"Line {line}, column starts_on: “{start_text}” is not a date")
    end_text = row.get("ends_on", "")
    end_ok = True
    if end_text:
        ends_on = parse_date(end_text)
        if ends_on is None:
            end_ok = False
            errors.append(f"Line {line}, column ends_on: “{end_text}” is not a date")
    if starts_on and ends_on and ends_on < starts_on:
        errors.append(
            f"Line {line}, column ends_on: “{end_text}” is before the start date “{start_text}”"
        )
        end_ok = False
    return starts_on, ends_on, end_ok


def _line_of(message: str) -> int:
    try:
        return int(message.split()[1].rstrip(":,"))
    except (IndexError, ValueError):
        return 0


def fact_parse(spec: FactSpec, data: bytes) -> list[dict]:
    """Check a whole CSV of `spec`'s facts; raises FactImportError listing every problem,
    in line order."""
    rows = _read(data, required=list(spec.required), optional=list(spec.optional))
    councils = _councils()
    errors: list[str] = []
    parsed: list[dict] = []
    first_line: dict[tuple, int] = {}
    for line, row in rows:
        before = len(errors)
        council = _council(row, line, councils, errors)
        values = spec.parse_row(row, line, errors)
        starts_on, ends_on, _ = _dates(row, line, errors)
        if len(errors) > before:
            continue
        item = {"line": line, "council": council, **values}
        item.update(starts_on=starts_on, ends_on=ends_on)
        key = tuple(item[n] for n in spec.key)
        if key in first_line:
            errors.append(f"Line {line}: the same {_words_and(spec.key)} as line {first_line[key]}")
            continue
        first_line[key] = line
        parsed.append(item)
    if spec.check_file:
        spec.check_file(parsed, errors)
    if errors:
        errors.sort(key=_line_of)
        raise FactImportError(errors)
    return parsed


@transaction.atomic
def fact_import(spec: FactSpec, *, user: Any, data: bytes) -> ImportResult:
    """Import `spec`'s facts from CSV, all or nothing, upserting on its key."""
    parsed = fact_parse(spec, data)
    model = spec.model
    if spec.lock_councils:
        council_ids = {i["council"].pk for i in parsed}
        list(model.objects.select_for_update().filter(council_id__in=council_ids))
    result = ImportResult(lines=len(parsed))
    actor = _actor(user)
    for item in parsed:
        existing = model.objects.select_related("council")
        if not spec.lock_councils:
            existing = existing.select_for_update()
        existing = existing.filter(**{n: item[n] for n in spec.key}).first()
        if existing is None:
            obj = model.objects.create(**{n: item[n] for n in spec.fields}, updated_by=actor)
            audit_record(
                actor=user,
                action=f"{spec.action}.import",
                obj=obj,
                summary=f"Imported {obj}",
                after=spec.state(obj),
            )
            result.created += 1
            continue
        if all(getattr(existing, n) == item[n] for n in spec.updated):
            result.unchanged += 1
            continue
        before = spec.state(existing)
        for n in spec.updated:
            setattr(existing, n, item[n])
        existing.updated_by = actor
        existing.save()
        audit_record(
            actor=user,
            action=f"{spec.action}.import",
            obj=existing,
            summary=f"Import changed {existing}",
            before=before,
            after=spec.state(existing),
        )
        result.updated += 1
    return result


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
