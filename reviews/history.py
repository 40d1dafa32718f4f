"""Importing past reviews from CSV so the entitlement rule sees history.

Columns: council code (GSS), product (code), first on-site day (YYYY-MM-DD), charging basis,
status. All or nothing: every problem is listed with its line (and column), and nothing is saved
when there is any. Imported rows meet the same constraint as bookings made in the portal: two
free history rows less than three years apart are an error naming both lines.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from audit.services import audit_record
from regions.models import Council

from .entitlement import blocking_bookings
from .models import Booking, BookingStatus, ChargingBasis, Product, entitlement_end
from .services import ENTITLEMENT_CONSTRAINT, _ranges

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


def _parse(text: str) -> tuple[list[Row], list[str]]:
    errors: list[str] = []
    reader = csv.DictReader(io.StringIO(text))
    fields = [_header_key(h) for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in fields]
    if missing:
        return [], [
            "Line 1: the heading row must have the columns "
            + ", ".join(COLUMNS)
            + f"; missing: {', '.join(missing)}"
        ]
    reader.fieldnames = fields
    councils = {c.gss_code: c for c in Council.objects.all()}
    councils.update({c.alt_gss_code: c for c in councils.values() if c.alt_gss_code})
    products = {p.code: p for p in Product.objects.all()}
    rows: list[Row] = []
    for line, raw in enumerate(reader, start=2):
        values = {k: (raw.get(k) or "").strip() for k in COLUMNS}
        problems = []
        council = councils.get(values["council_code"])
        if council is None:
            problems.append(f"council_code: no council has the GSS code ‘{values['council_code']}’")
        product = products.get(values["product"])
        if product is None:
            problems.append(f"product: no product has the code ‘{values['product']}’")
        try:
            day = date.fromisoformat(values["first_on_site_day"])
        except ValueError:
            day = None
            problems.append(
                f"first_on_site_day: ‘{values['first_on_site_day']}’ is not a date like 2021-03-15"
            )
        if values["charging_basis"] not in ChargingBasis.values:
            problems.append(
                f"charging_basis: ‘{values['charging_basis']}’ must be one of "
                + ", ".join(ChargingBasis.values)
            )
        if values["status"] not in BookingStatus.values:
            problems.append(
                f"status: ‘{values['status']}’ must be one of " + ", ".join(BookingStatus.values)
            )
        if (
            product
            and values["charging_basis"] in ChargingBasis.values
            and values["charging_basis"] not in product.charging_options
        ):
            problems.append(f"charging_basis: {product.name} cannot be {values['charging_basis']}")
        errors.extend(f"Line {line}, column {p}" for p in problems)
        if not problems:
            rows.append(
                Row(line, council, product, day, values["charging_basis"], values["status"])
            )
    if not rows and not errors:
        errors.append("The file has no rows after the heading row")
    return rows, errors


def _clashes(rows: list[Row]) -> list[str]:
    """Two free history rows (or a row and a booking already saved) less than three years
    apart, as the database constraint would refuse them."""
    errors: list[str] = []
    holders = sorted(
        (r for r in rows if r.holds_entitlement),
        key=lambda r: (r.council.pk, r.product.entitlement_family, r.day),
    )
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
            errors.append(
                f"Line {row.line}: a free {row.product.name.lower()} for {row.council.name} "
                f"is already recorded starting on {booking.first_on_site_day:%-d %B %Y} "
                f"(booking B{booking.pk}), less than three years from {row.day:%-d %B %Y}"
            )
    return errors


def _import_user(imported_by: Any):
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


@transaction.atomic
def review_history_import(*, text: str, imported_by: Any = None) -> int:
    """Import past reviews from CSV text, all or nothing; returns how many were saved."""
    rows, errors = _parse(text)
    errors += _clashes(rows)
    if errors:
        raise HistoryImportError(sorted(errors, key=_line_of))
    user = _import_user(imported_by)
    for row in rows:
        booking = Booking(
            council=row.council,
            product=row.product,
            first_on_site_day=row.day,
            status=row.status,
            charging_basis=row.basis,
            entitlement_family=row.product.entitlement_family,
            cancellation_reason="Imported from the review history"
            if row.status == BookingStatus.CANCELLED
            else "",
            requested_by=user,
            **_ranges(row.product, row.day),
        )
        try:
            with transaction.atomic():
                booking.save()
        except IntegrityError as exc:  # a booking made at the same moment
            if ENTITLEMENT_CONSTRAINT in str(exc):
                raise HistoryImportError(
                    [f"Line {row.line}: clashes with a free review saved meanwhile"]
                ) from exc
            raise
    if rows:
        audit_record(
            actor=imported_by,
            action="booking.import_history",
            obj=booking,
            summary=f"{len(rows)} past reviews imported",
        )
    return len(rows)


def _line_of(message: str) -> int:
    found = re.match(r"Line (\d+)", message)
    return int(found.group(1)) if found else 0
