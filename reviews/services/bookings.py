"""Writes for reviews and diagnostics: booking, rescheduling, cancelling, overriding."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, OperationalError, transaction
from django.db.backends.postgresql.psycopg_any import DateRange
from django.utils.formats import date_format

from audit.services import audit_record

from ..audit_actions import Action
from ..models import Booking, BookingStatus, ChargingBasis, Product, entitlement_end
from ..selectors.entitlement import Entitlement, entitlement_for

if TYPE_CHECKING:
    from accounts.models import User
    from regions.models import Council

# The constraint that enforces the entitlement (the database's word is final).
ENTITLEMENT_CONSTRAINT = "booking_free_every_three_years"
DEADLOCK_DETECTED = "40P01"


class BookingError(Exception):
    """A booking cannot be made or changed as asked; the message says why."""


class EntitlementClash(BookingError):
    """The database refused a free booking: another free one of the council, in the same
    three years, was confirmed at the same moment."""


class FreeReviewTaken(BookingError):
    """A request that would be free finds the free review taken (by a booking confirmed at the
    same moment or since the price was shown): nothing is saved, and the council must confirm
    a charged basis at its price. `prices` is {basis: pence or None} for the charged bases the
    product offers."""

    def __init__(self, message: str, *, prices: dict[str, int | None]) -> None:
        super().__init__(message)
        self.prices = prices


def money(pence: int | None) -> str:
    """£1,234.50 or, with no price set, words saying so."""
    if pence is None:
        return "price to be confirmed by the LGA"
    pounds = f"£{pence / 100:,.2f}"
    return pounds[:-3] if pounds.endswith(".00") else pounds


# Keyed by str, as charged_prices' answer is: a ChargingBasis is the str it stands for.
CHARGED_BASES: dict[str, str] = {
    ChargingBasis.SUBSIDISED: "subsidised",
    ChargingBasis.WHOLE_COST: "whole cost",
}


def charged_prices(product: Product) -> dict[str, int | None]:
    """The charged bases the product offers, with their prices in pence (None: not set)."""
    prices: dict[str, int | None] = {
        ChargingBasis.SUBSIDISED: product.subsidised_price_pence,
        ChargingBasis.WHOLE_COST: product.whole_cost_price_pence,
    }
    return {basis: prices[basis] for basis in CHARGED_BASES if basis in product.charging_options}


def charged_price_sentence(product: Product, *, opening: str = "Booked now, it would") -> str:
    """What a charged booking of `product` costs, as a sentence: the catalogue's prices, and
    "to be confirmed by the LGA" only for a basis it has not priced. `opening` leads into
    "cost" (e.g. "Booked now, it would")."""
    prices = charged_prices(product)
    if not prices:
        return f"{product.name} is not offered on a subsidised or whole-cost basis."
    as_words: dict[str, str] = {
        ChargingBasis.SUBSIDISED: "subsidised",
        ChargingBasis.WHOLE_COST: "at whole cost",
    }
    priced = [f"{money(p)} {as_words[b]}" for b, p in prices.items() if p is not None]
    unpriced = [b for b, p in prices.items() if p is None]
    if not unpriced:
        return f"{opening} cost {' or '.join(priced)}."
    if not priced:
        bases = " or ".join(as_words[b] for b in unpriced)
        return f"{opening} be charged {bases}, at a price to be confirmed by the LGA."
    adjective: dict[str, str] = {
        ChargingBasis.SUBSIDISED: "subsidised",
        ChargingBasis.WHOLE_COST: "whole-cost",
    }
    return (
        f"{opening} cost {' or '.join(priced)}. The {adjective[unpriced[0]]} price is to be "
        "confirmed by the LGA."
    )


def _free_taken(product: Product, why: str) -> FreeReviewTaken:
    prices = charged_prices(product)
    offers = " or ".join(f"{CHARGED_BASES[b]} ({money(p)})" for b, p in prices.items())
    return FreeReviewTaken(
        f"{why} Nothing has been booked. To go ahead, confirm a charged basis, {offers}, or "
        "choose another date.",
        prices=prices,
    )


def _ranges(product: Product, start: date) -> dict:
    return {
        "on_site": DateRange(start, start + timedelta(days=product.on_site_days), "[)"),
        "entitlement_window": DateRange(start, entitlement_end(start), "[)")
        if product.entitlement_family
        else None,
    }


def charging_for(*, product: Product, entitlement: Entitlement, requested: str | None) -> str:
    """Free when entitled. Otherwise the basis asked for: a product with the free entitlement
    is never charged unless a basis was confirmed (FreeReviewTaken says why and at what price);
    a diagnostic is subsidised by default."""
    if entitlement.entitled and ChargingBasis.FREE in product.charging_options:
        return ChargingBasis.FREE
    if requested is None and product.entitlement_family:
        raise _free_taken(product, f"This booking cannot be free. {entitlement.reason}")
    basis = requested or ChargingBasis.SUBSIDISED
    if basis == ChargingBasis.FREE and product.entitlement_family:
        raise BookingError(entitlement.reason)
    if basis not in product.charging_options:
        raise BookingError(f"{product.name} cannot be booked on a {basis} basis.")
    return basis


def price_for(*, product: Product, basis: str) -> int | None:
    """The product's price on a basis, in pence: 0 when free, None when the LGA has set none."""
    if basis == ChargingBasis.SUBSIDISED:
        return product.subsidised_price_pence
    if basis == ChargingBasis.WHOLE_COST:
        return product.whole_cost_price_pence
    return 0


def _save(booking: Booking) -> None:
    """Save, turning the entitlement constraint's refusal into a message a person can act on."""
    try:
        with transaction.atomic():
            booking.save()
    except (IntegrityError, OperationalError) as exc:
        # Concurrent inserts checked against one exclusion constraint can also end in a
        # deadlock (PostgreSQL picks one to fail): for the person it means the same thing.
        deadlock = getattr(exc.__cause__, "pgcode", None) == DEADLOCK_DETECTED
        if ENTITLEMENT_CONSTRAINT in str(exc) or deadlock:
            raise EntitlementClash(
                f"{booking.council.name} already has a free {booking.product.name.lower()} "
                "starting less than three years before or after this date (another booking "
                "was confirmed at the same moment). Book it on a subsidised or whole-cost "
                "basis, or choose another date."
            ) from exc
        raise


@transaction.atomic
def booking_request(
    *,
    council: Council,
    product: Product,
    first_on_site_day: date,
    requested_by: User,
    charging_basis: str | None = None,
    scope: str = "",
    key_lines_of_enquiry: str = "",
    contact_name: str = "",
    contact_email: str = "",
) -> Booking:
    """Book a review or diagnostic. Free when the council is entitled (the database makes sure
    two requests at once cannot both be free); otherwise on the basis asked for. A request
    without a basis that cannot be free, because the free review was taken before or at the
    same moment, saves nothing and raises FreeReviewTaken: the council confirms a charged basis
    and asks again."""
    entitlement = entitlement_for(council=council, product=product, start=first_on_site_day)
    basis = charging_for(product=product, entitlement=entitlement, requested=charging_basis)
    booking = Booking(
        council=council,
        product=product,
        first_on_site_day=first_on_site_day,
        charging_basis=basis,
        price_pence=price_for(product=product, basis=basis),
        entitlement_family=product.entitlement_family,
        scope=scope,
        key_lines_of_enquiry=key_lines_of_enquiry,
        contact_name=contact_name,
        contact_email=contact_email,
        requested_by=requested_by,
        **_ranges(product, first_on_site_day),
    )
    try:
        _save(booking)
    except EntitlementClash as exc:
        # Lost the race at the database: say so, with what a charged booking would cost.
        raise _free_taken(
            product,
            f"The free review has just been taken: another free {product.name.lower()} for "
            f"{council.name}, starting less than three years before or after "
            f"{first_on_site_day:%-d %B %Y}, was confirmed at the same moment.",
        ) from exc
    audit_record(
        actor=requested_by,
        action=Action.BOOKING_REQUEST,
        obj=booking,
        summary=f"{product.name} for {council.name} from {date_format(first_on_site_day)}, {basis}",
        after={"first_on_site_day": str(first_on_site_day), "charging_basis": basis},
    )
    return booking


@transaction.atomic
def booking_reschedule(*, booking: Booking, first_on_site_day: date, changed_by: User) -> Booking:
    """Move a booking; the entitlement is checked again (a free booking that would now clash
    is refused, and nothing changes)."""
    booking = (
        Booking.objects.select_for_update().select_related("product", "council").get(pk=booking.pk)
    )
    if booking.status in (
        BookingStatus.CANCELLED,
        BookingStatus.CLOSED,
        BookingStatus.REPORT_PUBLISHED,
    ):
        raise BookingError(f"A {booking.get_status_display().lower()} booking cannot be moved.")
    if first_on_site_day == booking.first_on_site_day:
        # Nothing would move: no history entry, no "new dates" email.
        raise BookingError(
            "The new first on-site day is the same as the current one "
            f"({first_on_site_day:%-d %B %Y}). Enter a different day."
        )
    booking_before = booking.first_on_site_day
    before = str(booking_before)
    if booking.charging_basis == ChargingBasis.FREE and not booking.entitlement_override:
        entitlement = entitlement_for(
            council=booking.council,
            product=booking.product,
            start=first_on_site_day,
            exclude_booking_id=booking.pk,
        )
        if not entitlement.entitled:
            raise BookingError(entitlement.reason)
    booking.first_on_site_day = first_on_site_day
    for field, value in _ranges(booking.product, first_on_site_day).items():
        setattr(booking, field, value)
    _save(booking)
    try:
        with transaction.atomic():
            booking.team.filter(is_active=True).update(on_site=booking.on_site)
    except IntegrityError as exc:
        if "reviewer_never_double_booked" in str(exc):
            raise BookingError(
                "A reviewer on this team is on another booking on the new dates. Change the "
                "team first, or choose other dates."
            ) from exc
        raise
    audit_record(
        actor=changed_by,
        action=Action.BOOKING_RESCHEDULE,
        obj=booking,
        summary=f"{booking} moved from {date_format(booking_before)}",
        before={"first_on_site_day": before},
        after={"first_on_site_day": str(first_on_site_day)},
    )
    return booking


@transaction.atomic
def booking_cancel(*, booking: Booking, reason: str, cancelled_by: User) -> Booking:
    """Cancel before the team is on site; a cancelled free booking releases the entitlement."""
    if not reason.strip():
        raise BookingError("Give a reason for cancelling.")
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status not in (
        BookingStatus.REQUESTED,
        BookingStatus.SCOPING,
        BookingStatus.TEAM_ASSEMBLED,
        BookingStatus.SCHEDULED,
    ):
        raise BookingError("A booking can be cancelled only before the team is on site.")
    before = booking.status
    booking.status, booking.cancellation_reason = BookingStatus.CANCELLED, reason.strip()
    booking.save(update_fields=["status", "cancellation_reason", "updated_at"])
    booking.team.update(is_active=False)
    audit_record(
        actor=cancelled_by,
        action=Action.BOOKING_CANCEL,
        obj=booking,
        summary=f"{booking} cancelled: {reason.strip()[:200]}",
        before={"status": before},
        after={"status": BookingStatus.CANCELLED},
    )
    return booking


@transaction.atomic
def booking_override_free(*, booking: Booking, reason: str, granted_by: User) -> Booking:
    """A programme manager makes a booking free although the rule would not (audited)."""
    from cib_portal import access
    from regions.models import Role

    if Role.PROGRAMME_MANAGER not in access.grants_for(granted_by).national_roles:
        raise BookingError("Only a programme manager can grant a free review as an override.")
    if not reason.strip():
        raise BookingError("Give the reason for granting a free review.")
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    before = {"charging_basis": booking.charging_basis, "price_pence": booking.price_pence}
    booking.charging_basis, booking.price_pence = ChargingBasis.FREE, 0
    booking.entitlement_override, booking.override_reason = True, reason.strip()
    booking.save()
    audit_record(
        actor=granted_by,
        action=Action.BOOKING_OVERRIDE_FREE,
        obj=booking,
        summary=f"Free review granted for {booking}: {reason.strip()[:200]}",
        before=before,
        after={"charging_basis": "free", "override_reason": reason},
    )
    return booking
