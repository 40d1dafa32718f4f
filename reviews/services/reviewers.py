"""The reviewer register: reads (selectors) and writes (services), and the CSV import."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.backends.postgresql.psycopg_any import DateRange
from django.utils.formats import date_format

from audit.services import audit_record
from cib_portal.csv_import import (
    CsvRejected,
    Problem,
    csv_read,
    date_in_range,
    date_range_message,
    lengths_check,
    problems_sorted,
    quoted,
)
from regions.models import Council

from ..audit_actions import Action
from ..models import (
    Accreditation,
    Conflict,
    RecentEmployment,
    Reviewer,
    ReviewerType,
    Unavailability,
)

IMPORT_COLUMNS = [
    "name",
    "email",
    "home_council_gss",
    "types",
    "accreditation_type",
    "accredited_from",
    "accredited_until",
]


class ReviewerError(Exception):
    """A change to the register cannot be made as asked; `errors` say why (one a line)."""

    def __init__(self, errors: list[str] | str):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("; ".join(self.errors))


# --- Services -------------------------------------------------------------------------------


@transaction.atomic
def reviewer_save(*, actor: Any, reviewer: Reviewer | None, data: dict) -> Reviewer:
    """Add a reviewer to the register, or change one."""
    creating = reviewer is None
    reviewer = reviewer or Reviewer()
    for key in ("name", "email", "home_council", "organisation", "types", "is_active"):
        if key in data:
            setattr(reviewer, key, data[key])
    reviewer.email = reviewer.email.strip().lower()
    if Reviewer.objects.filter(email=reviewer.email).exclude(pk=reviewer.pk).exists():
        raise ReviewerError(f"Another reviewer already has the email address {reviewer.email}.")
    reviewer.save()
    audit_record(
        actor=actor,
        action=Action.REVIEWER_CREATE if creating else Action.REVIEWER_UPDATE,
        obj=reviewer,
        summary=f"Reviewer {reviewer.name} {'added' if creating else 'changed'}",
        after={"types": list(reviewer.types), "is_active": reviewer.is_active},
    )
    return reviewer


@transaction.atomic
def accreditation_add(
    *, actor: Any, reviewer: Reviewer, reviewer_type: str, valid_from: date, expires_on: date
) -> Accreditation:
    """Record an accreditation (the reviewer gains the type if they did not have it)."""
    if expires_on < valid_from:
        raise ReviewerError("The expiry date must be the same as or after the start date.")
    accreditation = Accreditation.objects.create(
        reviewer=reviewer, reviewer_type=reviewer_type, valid_from=valid_from, expires_on=expires_on
    )
    if reviewer_type not in reviewer.types:
        reviewer.types = [*reviewer.types, reviewer_type]
        reviewer.save(update_fields=["types"])
    audit_record(
        actor=actor,
        action=Action.REVIEWER_ACCREDITATION_ADD,
        obj=reviewer,
        summary=f"Accredited as {reviewer_type} from {date_format(valid_from)} until "
        f"{date_format(expires_on)}",
    )
    return accreditation


@transaction.atomic
def conflict_declare(*, actor: Any, reviewer: Reviewer, council: Council, reason: str) -> Conflict:
    """Record a conflict of interest a reviewer declared with a council."""
    if not reason.strip():
        raise ReviewerError("Give the reason for the conflict.")
    conflict, created = Conflict.objects.get_or_create(
        reviewer=reviewer, council=council, defaults={"reason": reason.strip()}
    )
    if not created:
        raise ReviewerError(f"A conflict with {council.name} is already recorded.")
    audit_record(
        actor=actor,
        action=Action.REVIEWER_CONFLICT_DECLARE,
        obj=reviewer,
        summary=f"Conflict with {council.name}: {reason.strip()[:200]}",
    )
    return conflict


def employment_add(
    *, reviewer: Reviewer, council: Council, worked_from: date, worked_until: date | None
) -> RecentEmployment:
    """Record a council the reviewer worked for (the last five years exclude them from it)."""
    if worked_until and worked_until < worked_from:
        raise ReviewerError("The end date must be the same as or after the start date.")
    return RecentEmployment.objects.create(
        reviewer=reviewer, council=council, worked_from=worked_from, worked_until=worked_until
    )


def unavailability_add(
    *, reviewer: Reviewer, first_day: date, last_day: date, note: str = ""
) -> Unavailability:
    """Record days (inclusive) a reviewer cannot review."""
    if last_day < first_day:
        raise ReviewerError("The last day must be the same as or after the first day.")
    return Unavailability.objects.create(
        reviewer=reviewer,
        days=DateRange(first_day, last_day + timedelta(days=1), "[)"),
        note=note.strip(),
    )


def unavailability_remove(*, unavailability: Unavailability) -> None:
    """Forget some unavailable days."""
    unavailability.delete()


def feed_token_rotate(*, reviewer: Reviewer, actor: Any) -> str:
    """Give the reviewer a new secret calendar-feed address; the old one stops working."""
    reviewer.feed_token = secrets.token_urlsafe(32)
    reviewer.save(update_fields=["feed_token"])
    audit_record(
        actor=actor,
        action=Action.REVIEWER_FEED_ROTATE,
        obj=reviewer,
        summary="Calendar feed renewed",
    )
    return reviewer.feed_token


def feed_token_revoke(*, reviewer: Reviewer, actor: Any) -> None:
    """Turn the reviewer's calendar feed off."""
    reviewer.feed_token = ""
    reviewer.save(update_fields=["feed_token"])
    audit_record(
        actor=actor,
        action=Action.REVIEWER_FEED_REVOKE,
        obj=reviewer,
        summary="Calendar feed revoked",
    )


# --- CSV import -----------------------------------------------------------------------------


def _parse_day(raw: str, column: str, line: int, errors: list[str]) -> date | None:
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        errors.append(
            Problem(
                f"{column} must be a date like 2026-04-01, not {_q(raw)}.", line=line, column=column
            )
        )
        return None
    if not date_in_range(day):
        errors.append(Problem(f"{_q(raw)} {date_range_message()}.", line=line, column=column))
        return None
    return day


def _q(value: str) -> str:
    """A value in a message, in the register's quotes, shortened."""
    return "‘" + quoted(value)[1:-1] + "’"


@transaction.atomic
def reviewers_import(*, data: bytes, actor: Any = None) -> dict[str, int]:
    """Load reviewers and their accreditations from CSV, whole or not at all. A reviewer is
    matched by email; one line per accreditation (a reviewer may appear on several lines).
    Every problem is named by line and column before anything is saved."""
    try:
        table = csv_read(
            data,
            required=IMPORT_COLUMNS,
            unknown_columns="ignore",
            header_problem=lambda missing: f"the columns {', '.join(missing)} are missing.",
        )
    except CsvRejected as exc:
        if exc.errors == ["The file must be a UTF-8 CSV"]:
            raise ReviewerError("The file must be UTF-8 text (save it as CSV UTF-8).") from None
        raise ReviewerError(exc.errors) from None
    councils = dict(Council.objects.values_list("gss_code", "pk"))
    councils.update(
        dict(Council.objects.exclude(alt_gss_code="").values_list("alt_gss_code", "pk"))
    )
    errors: list[str] = list(table.problems)
    rows = []
    for csv_row in table.rows:
        line, row = csv_row.line, csv_row.cells
        lengths_check(csv_row, Reviewer, {"name": "name", "email": "email"}, errors)
        if not row["name"]:
            errors.append(Problem("the name is missing.", line=line, column="name"))
        try:
            validate_email(row["email"])
        except ValidationError:
            errors.append(
                Problem(f"{_q(row['email'])} is not an email address.", line=line, column="email")
            )
        gss = row["home_council_gss"]
        if gss and gss not in councils:
            errors.append(
                Problem(
                    f"no council has the GSS code {_q(gss)}.", line=line, column="home_council_gss"
                )
            )
        types = [t.strip() for t in row["types"].split(";") if t.strip()]
        unknown = [t for t in types if t not in ReviewerType.values]
        if not types or unknown:
            errors.append(
                Problem(
                    f"types must be one or more of {', '.join(ReviewerType.values)} "
                    f"separated by semicolons, not {_q(row['types'])}.",
                    line=line,
                    column="types",
                )
            )
        accreditation = None
        if row["accreditation_type"] or row["accredited_from"] or row["accredited_until"]:
            kind = row["accreditation_type"]
            if kind not in types:
                errors.append(
                    Problem(
                        f"accreditation_type {_q(kind)} must be one of the reviewer's types.",
                        line=line,
                        column="accreditation_type",
                    )
                )
            start = _parse_day(row["accredited_from"], "accredited_from", line, errors)
            end = _parse_day(row["accredited_until"], "accredited_until", line, errors)
            if start and end and end < start:
                errors.append(
                    Problem(
                        "accredited_until is before accredited_from.",
                        line=line,
                        column="accredited_until",
                    )
                )
            accreditation = (kind, start, end)
        rows.append((row, types, councils.get(gss), accreditation))
    if errors:
        raise ReviewerError(problems_sorted(errors))
    if not rows:
        raise ReviewerError("The file has no reviewers in it.")

    counts = {"created": 0, "updated": 0, "accreditations": 0}
    seen: dict[str, Reviewer] = {}
    for row, types, council_id, accreditation in rows:
        email = row["email"].lower()
        person = seen.get(email)
        if person is None:
            person, created = Reviewer.objects.update_or_create(
                email=email,
                defaults={"name": row["name"], "home_council_id": council_id, "types": types},
            )
            counts["created" if created else "updated"] += 1
            seen[email] = person
        elif set(types) - set(person.types):
            person.types = sorted(set(person.types) | set(types))
            person.save(update_fields=["types"])
        if accreditation:
            kind, start, end = accreditation
            _, made = Accreditation.objects.get_or_create(
                reviewer=person, reviewer_type=kind, valid_from=start, expires_on=end
            )
            counts["accreditations"] += made
    audit_record(
        actor=actor,
        action=Action.REVIEWER_IMPORT,
        obj=next(iter(seen.values())),
        summary=f"Reviewers imported: {counts['created']} added, {counts['updated']} changed",
        after=counts,
    )
    return counts


REMOVABLE: dict[str, type[Accreditation] | type[Conflict] | type[RecentEmployment]] = {
    "accreditation": Accreditation,
    "conflict": Conflict,
    "employment": RecentEmployment,
}
REMOVED = {
    "accreditation": Action.REVIEWER_ACCREDITATION_REMOVE,
    "conflict": Action.REVIEWER_CONFLICT_REMOVE,
    "employment": Action.REVIEWER_EMPLOYMENT_REMOVE,
}


@transaction.atomic
def record_remove(*, actor: Any, reviewer: Reviewer, kind: str, record_pk: int) -> str:
    """Remove an accreditation, a declared conflict or a past employer (audited); returns a
    description of what was removed."""
    model = REMOVABLE[kind]
    record = model.objects.filter(reviewer=reviewer, pk=record_pk).first()
    if record is None:
        raise ReviewerError("That record does not exist, or was already removed.")
    described = str(record)
    record.delete()
    audit_record(
        actor=actor,
        action=REMOVED[kind],
        obj=reviewer,
        summary=f"Removed: {described}"[:300],
    )
    return described
