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


def pipeline_stage_counts(*, council_ids: list[int] | None) -> dict[int, dict[str, int]]:
    """For early support's dashboard: each council's bookings under each pipeline heading
    (reviews.pipeline.STAGES), for the councils given (None: every council). One query."""
    from django.db.models import Count

    from .pipeline import STAGES

    stage_of = {str(s): stage for stage, statuses in STAGES.items() for s in statuses}
    bookings = Booking.objects.filter(status__in=list(stage_of))
    if council_ids is not None:
        bookings = bookings.filter(council_id__in=council_ids)
    out: dict[int, dict[str, int]] = {}
    for b in bookings.values("council_id", "status").annotate(n=Count("id")).order_by():
        stages = out.setdefault(b["council_id"], {})
        stage = stage_of[b["status"]]
        stages[stage] = stages.get(stage, 0) + b["n"]
    return out


def council_bookings_latest_first(*, council: Council) -> QuerySet[Booking]:
    """A council's bookings, the latest first on site first: the support a flag can record."""
    return (
        Booking.objects.filter(council=council)
        .select_related("product")
        .order_by("-first_on_site_day")
    )


def booking_by_pk(pk: int) -> Booking | None:
    return Booking.objects.filter(pk=pk).first()


def team_days_between(*, first: date, last: date) -> list[tuple[int | None, int, int, int]]:
    """(reviewer's home council id, reviewer's user id, council reviewed id, on-site days) of
    every active team place on a booking, not cancelled, whose first on-site day falls from
    `first` to `last`: the review days of peer challenge's reciprocity ledger. One query."""
    return list(
        TeamAssignment.objects.filter(
            is_active=True,
            booking__first_on_site_day__gte=first,
            booking__first_on_site_day__lte=last,
        )
        .exclude(booking__status=BookingStatus.CANCELLED)
        .values_list(
            "reviewer__home_council_id",
            "reviewer__user_id",
            "booking__council_id",
            "booking__product__on_site_days",
        )
    )
