"""Writes of local indicators: a council's own measures, added and kept by its staff.

Values are Observations against the council's Area, with periods whose time identifier is
"Local". Each change is audited."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.db import transaction
from django.utils.text import slugify

from audit.services import audit_record
from cib_portal.csv_import import CsvRejected, Problem, csv_read, decimal_check, problems_sorted
from regions.models import Council

from ..audit_actions import Action
from ..imports import parse_value
from ..models import (
    Area,
    AreaLevel,
    Indicator,
    Observation,
    ObservationRevision,
    Period,
    Source,
    Unit,
)

if TYPE_CHECKING:
    from accounts.models import User

LOCAL_THEME = "Local"
LOCAL_TIME_IDENTIFIER = "Local"

LOCAL_FIELDS = ("name", "unit", "polarity", "definition")
MAX_VALUES_FILE_BYTES = 1024 * 1024
_FOUR_DIGITS = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_SPLIT_YEAR = re.compile(r"(?<!\d)(\d{4})\s*[-/]\s*(\d{2})(?!\d)")


class LocalIndicatorError(Exception):
    """A local indicator change cannot be made; `errors` says why (by line for files)."""

    def __init__(self, errors: list[str] | str):
        self.errors = [errors] if isinstance(errors, str) else errors
        super().__init__("; ".join(self.errors[:5]))


def local_period_years(label: str) -> tuple[int, int]:
    """Years a local period label covers: "2024" → 2024; "2024-25", "Q1 2024/25" → 2024–2025;
    "2023 to 2025" → 2023–2025. ValueError when the label names no year."""
    if m := _SPLIT_YEAR.search(label):
        start = int(m.group(1))
        end = start - start % 100 + int(m.group(2))
        if end < start:
            end += 100
        return start, end
    years = [int(y) for y in _FOUR_DIGITS.findall(label)]
    if not years or any(not 1900 <= y <= 2100 for y in years):
        raise ValueError(label)
    return min(years), max(years)


class LocalValueInvalid(ValueError):
    """A period or value that cannot be recorded; `column` names which (period or value)."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column


def _parse_local(
    label: str, raw: str, *, unit: str = ""
) -> tuple[str, int, int, Decimal | None, str]:
    """(label, start, end, value, symbol), or LocalValueInvalid with a message for a person.
    The value must fit the observations' field, and a percentage must be from 0 to 100."""
    label = " ".join(label.split())
    if not label:
        raise LocalValueInvalid("period", "Enter the period, like 2024-25")
    limit = cast(int, Period._meta.get_field("label").max_length)
    if len(label) > limit:
        raise LocalValueInvalid(
            "period", f"The period must be {limit} characters or fewer (it has {len(label):,})"
        )
    try:
        start, end = local_period_years(label)
    except ValueError:
        raise LocalValueInvalid(
            "period", f"The period {label!r} must include a year, like 2024 or 2024-25"
        ) from None
    try:
        parsed = parse_value(raw)
    except ValueError:
        shown = raw.strip()
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        raise LocalValueInvalid(
            "value",
            f"The value {shown!r} must be a number or a suppression symbol (c, x, z, k, u)",
        ) from None
    if parsed is None:
        raise LocalValueInvalid("value", "Enter the value")
    value, symbol = parsed
    if value is not None:
        why = decimal_check(
            value, Observation._meta.get_field("value"), percentage=unit == Unit.PERCENTAGE
        )
        if why:
            raise LocalValueInvalid("value", f"The value {why}")
    return label, start, end, value, symbol


def _council_of(indicator: Indicator) -> Council:
    """A local indicator's council (every local indicator has one)."""
    if indicator.council is None:
        raise LocalIndicatorError("This is not a council's local indicator.")
    return indicator.council


def _council_area(council: Council) -> Area:
    area, _ = Area.objects.get_or_create(
        code=council.gss_code,
        defaults={"name": council.name, "level": AreaLevel.LOCAL_AUTHORITY, "council": council},
    )
    return area


def _unique_code(council: Council, name: str) -> str:
    base = f"local_{council.gss_code.lower()}_{slugify(name).replace('-', '_')}"[:110]
    code, n = base, 1
    while Indicator.objects.filter(code=code).exists():
        n += 1
        code = f"{base}_{n}"
    return code


@transaction.atomic
def local_indicator_create(
    *, actor: User, council: Council, name: str, unit: str, polarity: str, definition: str = ""
) -> Indicator:
    """Add a local indicator for a council (confidential to it until shared)."""
    indicator = Indicator.objects.create(
        code=_unique_code(council, name),
        name=name,
        theme=LOCAL_THEME,
        unit=unit,
        polarity=polarity,
        definition=definition,
        source=Source.LOCAL,
        council=council,
        is_shared=False,
        period_type="Reporting year",
    )
    audit_record(
        actor=actor,
        action=Action.LOCAL_INDICATOR_CREATE,
        obj=indicator,
        summary=f"Added local indicator {name!r} for {council.name}",
    )
    return indicator


@transaction.atomic
def local_indicator_update(*, actor: User, indicator: Indicator, changes: dict) -> Indicator:
    """Change a local indicator's name, unit, polarity or definition (audited)."""
    before = {f: getattr(indicator, f) for f in LOCAL_FIELDS}
    for name in LOCAL_FIELDS:
        if name in changes:
            setattr(indicator, name, changes[name])
    after = {f: getattr(indicator, f) for f in LOCAL_FIELDS}
    changed = [f for f in LOCAL_FIELDS if before[f] != after[f]]
    if changed:
        indicator.save(update_fields=[*LOCAL_FIELDS, "updated_at"])
        audit_record(
            actor=actor,
            action=Action.LOCAL_INDICATOR_UPDATE,
            obj=indicator,
            summary=f"Changed {', '.join(changed)} of local indicator {indicator.name!r}",
            before={f: before[f] for f in changed},
            after={f: after[f] for f in changed},
        )
    return indicator


@transaction.atomic
def local_indicator_share(*, actor: User, indicator: Indicator, shared: bool) -> Indicator:
    """Share a local indicator with every member, or make it confidential again (audited)."""
    if indicator.is_shared == shared:
        return indicator
    indicator.is_shared = shared
    indicator.save(update_fields=["is_shared", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.LOCAL_INDICATOR_SHARE if shared else Action.LOCAL_INDICATOR_UNSHARE,
        obj=indicator,
        summary=(
            f"Shared local indicator {indicator.name!r} with every member"
            if shared
            else f"Made local indicator {indicator.name!r} confidential to "
            f"{_council_of(indicator).name}"
        ),
        before={"is_shared": not shared},
        after={"is_shared": shared},
    )
    return indicator


@transaction.atomic
def local_indicator_delete(*, actor: User, indicator: Indicator) -> None:
    """Delete a local indicator and its values (audited)."""
    audit_record(
        actor=actor,
        action=Action.LOCAL_INDICATOR_DELETE,
        obj=indicator,
        summary=f"Deleted local indicator {indicator.name!r} of {_council_of(indicator).name} "
        f"with {indicator.observations.count()} values",
    )
    indicator.delete()


def _store(indicator: Indicator, rows: list[tuple[str, int, int, Decimal | None, str]]) -> dict:
    """Write values (inside the caller's transaction); previous figures kept as revisions."""
    area = _council_area(_council_of(indicator))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for label, start, end, value, symbol in rows:
        period, _ = Period.objects.get_or_create(
            label=label,
            time_identifier=LOCAL_TIME_IDENTIFIER,
            defaults={"start_year": start, "end_year": end},
        )
        obs = Observation.objects.filter(indicator=indicator, area=area, period=period).first()
        if obs is None:
            Observation.objects.create(
                indicator=indicator, area=area, period=period, value=value, symbol=symbol
            )
            counts["created"] += 1
        elif obs.value != value or obs.symbol != symbol:
            ObservationRevision.objects.create(observation=obs, value=obs.value, symbol=obs.symbol)
            obs.value, obs.symbol = value, symbol
            obs.save(update_fields=["value", "symbol"])
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts


@transaction.atomic
def local_value_set(*, actor: User, indicator: Indicator, period: str, value: str) -> dict:
    """Record one value (or symbol) of a local indicator for a period."""
    try:
        row = _parse_local(period, value, unit=indicator.unit)
    except LocalValueInvalid as exc:
        raise LocalIndicatorError(str(exc)) from None
    counts = _store(indicator, [row])
    audit_record(
        actor=actor,
        action=Action.LOCAL_INDICATOR_VALUES,
        obj=indicator,
        summary=f"Recorded {row[0]} value of local indicator {indicator.name!r}",
    )
    return counts


def local_values_upload(*, actor: User, indicator: Indicator, data: bytes) -> dict:
    """Record values from a CSV with columns period,value: all or nothing; every problem is
    reported with its line."""
    try:
        table = csv_read(
            data,
            required=["period", "value"],
            unknown_columns="ignore",
            header_problem=lambda missing: (
                f"the file must have the columns period and value (missing: {', '.join(missing)})"
            ),
        )
    except CsvRejected as exc:
        raise LocalIndicatorError(exc.errors) from None
    errors: list[str] = list(table.problems)
    rows: list[tuple[str, int, int, Decimal | None, str]] = []
    seen: dict[str, int] = {}
    for csv_row in table.rows:
        line = csv_row.line
        try:
            row = _parse_local(csv_row.get("period"), csv_row.get("value"), unit=indicator.unit)
        except LocalValueInvalid as exc:
            errors.append(Problem(str(exc), line=line, column=exc.column))
            continue
        if row[0] in seen:
            errors.append(
                Problem(f"the period {row[0]!r} is also on line {seen[row[0]]}", line=line)
            )
            continue
        seen[row[0]] = line
        rows.append(row)
    if not rows and not errors:
        errors.append("The file has no values")
    if errors:
        raise LocalIndicatorError(problems_sorted(errors))
    with transaction.atomic():
        counts = _store(indicator, rows)
        audit_record(
            actor=actor,
            action=Action.LOCAL_INDICATOR_VALUES,
            obj=indicator,
            summary=f"Uploaded {len(rows)} values of local indicator {indicator.name!r}",
        )
    return counts
