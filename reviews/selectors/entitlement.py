"""The three-year entitlement (DOMAIN.md), exactly as stated there.

A council is entitled to a free safeguarding peer review unless another free safeguarding peer
review of the same council, not cancelled, starts less than three years before or after the
requested review's first on-site day. Three years are calendar years: the next entitled start
after a review starting on D is D plus three years (29 February plus three years is 28
February). Exactly three years apart is allowed. A cancelled booking releases the entitlement.

The database enforces it (the exclusion constraint on Booking); this module explains it in plain
words before a council confirms, and decides what a booking would cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]
from django.db.models import QuerySet

from ..models import ENTITLEMENT_YEARS, Booking, BookingStatus, ChargingBasis, Product

if TYPE_CHECKING:
    from regions.models import Council


@dataclass(frozen=True)
class Entitlement:
    entitled: bool
    reason: str
    next_free_date: date | None
    blocking: Booking | None


def blocking_bookings(
    *, council_id: int, product: Product, start: date, exclude_booking_id: int | None = None
) -> list[Booking]:
    """Free, non-cancelled bookings of the family whose three-year window clashes with
    `start`: those starting in (start - 3 years, start + 3 years)."""
    earliest = start - relativedelta(years=ENTITLEMENT_YEARS)
    clashing = Booking.objects.filter(
        council_id=council_id,
        entitlement_family=product.entitlement_family,
        charging_basis=ChargingBasis.FREE,
        entitlement_override=False,
    ).exclude(status=BookingStatus.CANCELLED)
    if exclude_booking_id:
        clashing = clashing.exclude(pk=exclude_booking_id)
    # A booking starting on B blocks `start` when start < B + 3y and B < start + 3y; comparing
    # with the stored windows keeps the calendar-year arithmetic (28/29 February) in one place.
    return [
        b
        for b in clashing.filter(
            first_on_site_day__gt=earliest - relativedelta(days=7),
            first_on_site_day__lt=start + relativedelta(years=ENTITLEMENT_YEARS, days=7),
        )
        .select_related("product")
        .order_by("first_on_site_day")
        if b.entitlement_window.lower <= start < b.entitlement_window.upper
        or start <= b.first_on_site_day < start + relativedelta(years=ENTITLEMENT_YEARS)
    ]


def entitlement_for(
    *, council: Council, product: Product, start: date, exclude_booking_id: int | None = None
) -> Entitlement:
    """Whether a booking of `product` for `council` starting on `start` would be free."""
    if not product.entitlement_family:
        return Entitlement(
            entitled=False,
            reason=f"{product.name} has no free entitlement: whether it is free, subsidised or "
            "whole cost is decided for each booking.",
            next_free_date=None,
            blocking=None,
        )
    clashes = blocking_bookings(
        council_id=council.pk, product=product, start=start, exclude_booking_id=exclude_booking_id
    )
    if not clashes:
        return Entitlement(
            entitled=True,
            reason=f"{council.name} has had no free {product.name.lower()} starting less than "
            f"three years before or after {start:%-d %B %Y}, so this one is free.",
            next_free_date=start,
            blocking=None,
        )
    # The earliest entitled start on or after `start`: after the last clashing window ends.
    latest = max(clashes, key=lambda b: b.first_on_site_day)
    next_free = latest.entitlement_window.upper
    first = clashes[0]
    when = "before" if first.first_on_site_day <= start else "after"
    return Entitlement(
        entitled=False,
        reason=f"{council.name} has a free {first.product.name.lower()} starting on "
        f"{first.first_on_site_day:%-d %B %Y}, less than three years {when} "
        f"{start:%-d %B %Y}. The next free review could start on {next_free:%-d %B %Y}.",
        next_free_date=next_free,
        blocking=first,
    )


@dataclass(frozen=True)
class EntitlementToday:
    """What a council can be told before it answers any question: whether a free review could
    start on the first day it could be booked for (`earliest`, the day after today), and if
    not, the first day one could."""

    entitled: bool
    earliest: date
    # The first day a free review could start (`earliest` when entitled); None for a product
    # with no free entitlement (a diagnostic: charging is decided per booking).
    next_free_date: date | None
    # Not entitled: the free review, past or already booked, that stops it (None otherwise).
    blocking: Booking | None
    # Entitled: a free review already booked three or more years ahead (a free one starting
    # after its window opens would clash with it), or None.
    later_free: Booking | None = None


def _free_bookings(*, council: Council, product: Product) -> QuerySet[Booking]:
    """The council's free bookings of the family that hold the entitlement, as the exclusion
    constraint counts them: not cancelled, not granted as an override."""
    return (
        Booking.objects.filter(
            council_id=council.pk,
            entitlement_family=product.entitlement_family,
            charging_basis=ChargingBasis.FREE,
            entitlement_override=False,
        )
        .exclude(status=BookingStatus.CANCELLED)
        .select_related("product")
    )


def entitlement_today(*, council: Council, product: Product, today: date) -> EntitlementToday:
    """The entitlement of `council` to a free `product` starting as soon as it could be booked
    (the day after `today`, as the date question allows), and the first day a free one could
    start, from `entitlement_for`."""
    earliest = today + relativedelta(days=1)
    if not product.entitlement_family:
        return EntitlementToday(False, earliest, None, None)
    verdict = entitlement_for(council=council, product=product, start=earliest)
    if verdict.entitled:
        later = (
            _free_bookings(council=council, product=product)
            .filter(first_on_site_day__gt=earliest)
            .order_by("first_on_site_day")
            .first()
        )
        return EntitlementToday(True, earliest, earliest, None, later)
    first_blocking = verdict.blocking
    start = earliest
    # `next_free_date` is the end of the last clashing window, the earliest start that one
    # allows; a free review booked within three years after it pushes it on again. A council
    # has a few free reviews ahead at most, so the loop ends long before its bound.
    for _ in range(20):
        if verdict.entitled or verdict.next_free_date is None:
            break
        start = verdict.next_free_date
        verdict = entitlement_for(council=council, product=product, start=start)
    return EntitlementToday(False, earliest, start, first_blocking)
