"""A booking's lifecycle: requested → scoping → team assembled → scheduled → on site → report
drafted → report published → closed (or cancelled before on site).

Each step is taken only by the role allowed to take it, only from the step before, and is
recorded in the audit trail with an email to the council's contacts and the requester.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.mail import send_mail
from django.db import transaction

from audit.services import audit_record

from .. import permissions
from ..audit_actions import Action
from ..models import Booking, BookingStatus
from .bookings import BookingError, booking_cancel, booking_reschedule
from .team import shortfall_in_words, team_shortfall

ORDER = [
    BookingStatus.REQUESTED,
    BookingStatus.SCOPING,
    BookingStatus.TEAM_ASSEMBLED,
    BookingStatus.SCHEDULED,
    BookingStatus.ON_SITE,
    BookingStatus.REPORT_DRAFTED,
    BookingStatus.REPORT_PUBLISHED,
    BookingStatus.CLOSED,
]


def next_status(booking: Booking) -> str | None:
    """The step after the booking's current one (None when closed or cancelled)."""
    if booking.status not in ORDER or booking.status == BookingStatus.CLOSED:
        return None
    return ORDER[ORDER.index(BookingStatus(booking.status)) + 1]


def booking_recipients(booking: Booking) -> list[str]:
    """The people told about a change: the council's contact and the requester."""
    emails = [booking.contact_email, getattr(booking.requested_by, "email", "")]
    return sorted({e for e in emails if e})


def _notify(booking: Booking, subject: str, body: str) -> None:
    recipients = booking_recipients(booking)
    if not recipients:
        return
    message = f"{body}\n\nBooking: {booking}\nSee it in the CIB portal under Reviews.\n"
    transaction.on_commit(
        lambda: send_mail(f"[CIB portal] {subject}", message, None, recipients, fail_silently=True)
    )


@transaction.atomic
def booking_advance(*, booking: Booking, to_status: str, actor: Any) -> Booking:
    """Move a booking to its next step, if the actor's role allows that step."""
    booking = (
        Booking.objects.select_for_update()
        .select_related("council", "product", "requested_by")
        .get(pk=booking.pk)
    )
    label = dict(BookingStatus.choices)
    expected = next_status(booking)
    if to_status not in label:
        raise BookingError(f"‘{to_status}’ is not a step of a booking.")
    if expected is None:
        raise BookingError(
            f"A {booking.get_status_display().lower()} booking cannot move to another step."
        )
    if to_status != expected:
        raise BookingError(
            f"This booking is {booking.get_status_display().lower()}: its next step is "
            f"{label[expected].lower()}, not {label[to_status].lower()}."
        )
    allowed = permissions.can_move_booking_to(actor, booking, to_status)
    if not allowed:
        raise BookingError(allowed.reason)
    if to_status == BookingStatus.TEAM_ASSEMBLED:
        missing = team_shortfall(booking)
        if missing:
            raise BookingError(
                f"The team is not complete: it needs {shortfall_in_words(missing)}. "
                "Assemble it on the team page."
            )
    if to_status == BookingStatus.SCHEDULED:
        # The weekly cap is a cap: scheduling into a full week is refused.
        from ..selectors.pipeline import capacity_warnings
        from .capacity import capacity_lock

        capacity_lock()
        full = capacity_warnings(booking)
        if full:
            raise BookingError(
                "This booking cannot be scheduled: "
                + " ".join(full)
                + " Move its dates, or raise the cap on the pipeline page."
            )
    before = booking.status
    booking.status = to_status
    booking.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.BOOKING_STATUS,
        obj=booking,
        summary=f"{booking}: {label[before]} → {label[to_status]}",
        before={"status": before},
        after={"status": to_status},
    )
    _notify(
        booking,
        f"{booking.product.name} for {booking.council.name}: {label[to_status].lower()}",
        f"The booking has moved from {label[before].lower()} to {label[to_status].lower()}.",
    )
    return booking


def booking_cancel_and_notify(*, booking: Booking, reason: str, cancelled_by: Any) -> Booking:
    """Cancel (booking_cancel) and tell the people concerned."""
    booking = booking_cancel(booking=booking, reason=reason, cancelled_by=cancelled_by)
    booking = Booking.objects.select_related("council", "product", "requested_by").get(
        pk=booking.pk
    )
    _notify(
        booking,
        f"{booking.product.name} for {booking.council.name}: cancelled",
        f"The booking has been cancelled. Reason: {reason.strip()}",
    )
    return booking


def booking_requested_notify(*, booking: Booking) -> None:
    """Tell the council's contact and the requester that the request was received."""
    _notify(
        booking,
        f"{booking.product.name} for {booking.council.name}: requested",
        f"The booking has been requested ({booking.get_charging_basis_display().lower()}). "
        "The LGA will contact you to agree the scope, the team and the dates.",
    )


def booking_reschedule_and_notify(
    *, booking: Booking, first_on_site_day: date, changed_by: Any
) -> Booking:
    """Move the on-site dates (booking_reschedule) and tell the people concerned."""
    before = booking.first_on_site_day
    booking = booking_reschedule(
        booking=booking, first_on_site_day=first_on_site_day, changed_by=changed_by
    )
    _notify(
        booking,
        f"{booking.product.name} for {booking.council.name}: new dates",
        f"The first on-site day has moved from {before:%-d %B %Y} to "
        f"{first_on_site_day:%-d %B %Y}.",
    )
    return booking
