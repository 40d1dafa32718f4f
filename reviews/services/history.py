"""Importing past reviews from CSV so the entitlement rule sees history.

Columns: council code (GSS), product (code), first on-site day (YYYY-MM-DD), charging basis,
status. All or nothing: every problem is listed with its line (blank lines counted) and column,
and nothing is saved when there is any. A row is known by its council, product and first on-site
day (a unique constraint on imported rows), so importing the same rows again adds nothing.
Imported rows meet the same constraint as bookings made in the portal: two free history rows
less than three years apart are an error naming both lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from audit.services import audit_record
from cib_portal.csv_import import CsvRejected, csv_read, date_in_range, date_range_message, quoted
from regions.models import Council

from ..audit_actions import Action
from ..models import (
    HISTORY_CONSTRAINT,
    Booking,
    BookingStatus,
    ChargingBasis,
    Product,
    entitlement_end,
)
from ..selectors.entitlement import blocking_bookings
from .bookings import ENTITLEMENT_CONSTRAINT, _ranges

COLUMNS = ["council_code", "product", "first_on_site_day", "charging_basis", "status"]
IMPORT_USER_EMAIL = "review-history-import@cib-portal.invalid"


class HistoryImportError(Exception):
    """The file was not imported; `errors` lists every problem."""

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


@dataclass
class Row:
    line: int
    council: Council
    product: Product
    day: date
    basis: str
    status: str

    @property
    def holds_entitlement(self) -> bool:
        return (
            self.basis == ChargingBasis.FREE
            and self.status != BookingStatus.CANCELLED
            and bool(self.product.entitlement_family)
        )


def _header_key(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def _q(value: str) -> str:
    """A value in a message, in quotes, shortened so a huge cell does not fill the page."""
    return "‘" + quoted(value)[1:-1] + "’"


def _parse(text: str) -> tuple[list[Row], list[str]]:
    try:
        table = csv_read(
            text,
            required=COLUMNS,
            header_key=_header_key,
            unknown_columns="ignore",
            header_problem=lambda missing: (
                "the heading row must have the columns "
                + ", ".join(COLUMNS)
                + f"; missing: {', '.join(missing)}"
            ),
        )
    except CsvRejected as exc:
        return [], list(exc.errors)
    errors: list[str] = list(table.problems)
    councils = {c.gss_code: c for c in Council.objects.all()}
    councils.update({c.alt_gss_code: c for c in councils.values() if c.alt_gss_code})
    products = {p.code: p for p in Product.objects.all()}
    rows: list[Row] = []
    first_line: dict[tuple, int] = {}
    for csv_row in table.rows:
        line, values = csv_row.line, csv_row.cells
        problems = []
        council = councils.get(values["council_code"])
        if council is None:
            problems.append(
                f"council_code: no council has the GSS code {_q(values['council_code'])}"
            )
        product = products.get(values["product"])
        if product is None:
            problems.append(f"product: no product has the code {_q(values['product'])}")
        try:
            day = date.fromisoformat(values["first_on_site_day"])
        except ValueError:
            day = None
            problems.append(
                f"first_on_site_day: {_q(values['first_on_site_day'])} is not a date like "
                "2021-03-15"
            )
        if day and not date_in_range(day):
            problems.append(
                f"first_on_site_day: {_q(values['first_on_site_day'])} {date_range_message()}"
            )
            day = None
        if values["charging_basis"] not in ChargingBasis.values:
            problems.append(
                f"charging_basis: {_q(values['charging_basis'])} must be one of "
                + ", ".join(ChargingBasis.values)
            )
        if values["status"] not in BookingStatus.values:
            problems.append(
                f"status: {_q(values['status'])} must be one of " + ", ".join(BookingStatus.values)
            )
        if (
            product
            and values["charging_basis"] in ChargingBasis.values
            and values["charging_basis"] not in product.charging_options
        ):
            problems.append(f"charging_basis: {product.name} cannot be {values['charging_basis']}")
        errors.extend(f"Line {line}, column {p}" for p in problems)
        if problems:
            continue
        # Each is set: a missing one is a problem above.
        assert council is not None and product is not None and day is not None
        key = (council.pk, product.pk, day)
        if key in first_line:
            errors.append(
                f"Line {line}: the same council_code, product and first_on_site_day as line "
                f"{first_line[key]}"
            )
            continue
        first_line[key] = line
        rows.append(Row(line, council, product, day, values["charging_basis"], values["status"]))
    if not rows and not errors:
        errors.append("The file has no rows after the heading row")
    return rows, errors


def _recorded(rows: list[Row]) -> dict[tuple, Booking]:
    """The history rows already imported that the file's rows name (council, product, day)."""
    if not rows:
        return {}
    found = Booking.objects.filter(
        imported_from_history=True,
        council_id__in={r.council.pk for r in rows},
        first_on_site_day__in={r.day for r in rows},
    )
    return {(b.council_id, b.product_id, b.first_on_site_day): b for b in found}


def _clashes(rows: list[Row], recorded: dict[tuple, Booking]) -> list[str]:
    """Two free history rows (or a row and a booking already saved) less than three years
    apart, as the database constraint would refuse them. A row's own earlier import is not
    a clash: the row replaces it."""
    errors: list[str] = []
    holders = sorted(
        (r for r in rows if r.holds_entitlement),
        key=lambda r: (r.council.pk, r.product.entitlement_family, r.day),
    )
    replaced = {b.pk for b in recorded.values()}
    for i, row in enumerate(holders):
        for other in holders[i + 1 :]:
            same = (other.council.pk, other.product.entitlement_family) == (
                row.council.pk,
                row.product.entitlement_family,
            )
            if not same or other.day >= entitlement_end(row.day):
                break
            errors.append(
                f"Line {other.line}: a free {other.product.name.lower()} for "
                f"{other.council.name} on {other.day:%-d %B %Y} starts less than three years "
                f"after the free one on line {row.line} ({row.day:%-d %B %Y}); only one can be "
                "free"
            )
        for booking in blocking_bookings(
            council_id=row.council.pk, product=row.product, start=row.day
        ):
            if booking.pk in replaced:
                continue
            errors.append(
                f"Line {row.line}: a free {row.product.name.lower()} for {row.council.name} "
                f"is already recorded starting on {booking.first_on_site_day:%-d %B %Y} "
                f"(booking B{booking.pk}), less than three years from {row.day:%-d %B %Y}"
            )
    return errors


def _import_user(imported_by: Any) -> Any:
    if imported_by is not None:
        return imported_by
    from accounts.models import User

    user, made = User.objects.get_or_create(
        email=IMPORT_USER_EMAIL, defaults={"is_active": False, "full_name": "Review history"}
    )
    if made:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@dataclass
class HistoryResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} added, {self.updated} changed, {self.unchanged} unchanged"


def _cancellation_reason(status: str) -> str:
    return "Imported from the review history" if status == BookingStatus.CANCELLED else ""


@transaction.atomic
def review_history_import(*, text: str, imported_by: Any = None) -> HistoryResult:
    """Import past reviews from CSV text, all or nothing. A row is known by its council,
    product and first on-site day: importing it again changes nothing (or updates its charging
    basis and status), never adds it twice."""
    rows, errors = _parse(text)
    recorded = _recorded(rows)
    errors += _clashes(rows, recorded)
    if errors:
        raise HistoryImportError(sorted(errors, key=_line_of))
    user = _import_user(imported_by)
    result = HistoryResult()
    last = None
    for row in rows:
        booking = recorded.get((row.council.pk, row.product.pk, row.day))
        if booking is not None:
            if (booking.charging_basis, booking.status) == (row.basis, row.status):
                result.unchanged += 1
                continue
            booking.charging_basis, booking.status = row.basis, row.status
            booking.cancellation_reason = _cancellation_reason(row.status)
            result.updated += 1
        else:
            booking = Booking(
                council=row.council,
                product=row.product,
                first_on_site_day=row.day,
                status=row.status,
                charging_basis=row.basis,
                entitlement_family=row.product.entitlement_family,
                cancellation_reason=_cancellation_reason(row.status),
                requested_by=user,
                imported_from_history=True,
                **_ranges(row.product, row.day),
            )
            result.created += 1
        try:
            with transaction.atomic():
                booking.save()
        except IntegrityError as exc:  # a booking made, or the same file imported, meanwhile
            if ENTITLEMENT_CONSTRAINT in str(exc) or HISTORY_CONSTRAINT in str(exc):
                raise HistoryImportError(
                    [f"Line {row.line}: clashes with a review saved meanwhile; import it again"]
                ) from exc
            raise
        last = booking
    if last is not None:
        audit_record(
            actor=imported_by,
            action=Action.BOOKING_IMPORT_HISTORY,
            obj=last,
            summary=f"Past reviews imported: {result}",
        )
    return result


def _line_of(message: str) -> int:
    found = re.match(r"Line (\d+)", message)
    return int(found.group(1)) if found else 0
