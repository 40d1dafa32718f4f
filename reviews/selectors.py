"""Reads for reviews: what other apps' pages show (the reviewer's home) and what the booking
pages look up."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from cib_portal import access

from .models import Booking, BookingStatus, TeamAssignment

if TYPE_CHECKING:
    from accounts.models import User
    from regions.models import Council

# A booking of the same council within this many days of a requested first on-site day is
# "near" it: the check page links it, so a council does not book twice by mistake.
NEAR_DAYS = 183


def reviewer_assignments(*, user: User) -> QuerySet[TeamAssignment]:
    """The user's places on review teams while they are on them (as access.can_view_booking
    decides), soonest first, with the booking, its council and product."""
    return (
        TeamAssignment.objects.filter(is_active=True, reviewer__user_id=user.pk)
        .select_related("booking__council", "booking__product")
        .order_by("booking__first_on_site_day", "booking_id")
    )


def bookings_near(*, user: User, council: Council, day: date) -> QuerySet[Booking]:
    """The council's bookings, not cancelled, whose first on-site day is within about six
    months of `day`, that the user may see; nearest first."""
    return (
        Booking.objects.filter(access.bookings_visible_filter(user))
        .filter(
            council_id=council.pk,
            first_on_site_day__gte=day - timedelta(days=NEAR_DAYS),
            first_on_site_day__lte=day + timedelta(days=NEAR_DAYS),
        )
        .exclude(status=BookingStatus.CANCELLED)
        .select_related("product")
        .order_by("first_on_site_day", "pk")
    )
