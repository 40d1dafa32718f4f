"""Reads of capacity and the pipeline of reviews: the weekly cap, the weeks a booking would
crowd, and counts by week or month (the cap is set in reviews.services.capacity)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.backends.postgresql.psycopg_any import DateRange
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncWeek

from .. import permissions
from ..models import Booking, BookingStatus, CapacitySetting, TeamAssignment

DEFAULT_WEEKLY_CAP = 3

# Which statuses count under each pipeline heading.
STAGES = {
    "requested": (BookingStatus.REQUESTED, BookingStatus.SCOPING),
    "scheduled": (BookingStatus.TEAM_ASSEMBLED, BookingStatus.SCHEDULED),
    "on_site": (BookingStatus.ON_SITE,),
    "reporting": (BookingStatus.REPORT_DRAFTED, BookingStatus.REPORT_PUBLISHED),
}
# The words for each heading, the same on the pipeline page, the home and the bookings list.
STAGE_LABELS = {
    "requested": "Requested or scoping",
    "scheduled": "With a team or scheduled",
    "on_site": "On site",
    "reporting": "Reporting",
}
# A booking takes up capacity once a team is on it or it is scheduled.
COMMITTED = (
    BookingStatus.TEAM_ASSEMBLED,
    BookingStatus.SCHEDULED,
    BookingStatus.ON_SITE,
    BookingStatus.REPORT_DRAFTED,
    BookingStatus.REPORT_PUBLISHED,
    BookingStatus.CLOSED,
)


def weekly_cap() -> int:
    """The cap on reviews on site in the same ISO week."""
    setting = CapacitySetting.objects.order_by("pk").first()
    return setting.weekly_cap if setting else DEFAULT_WEEKLY_CAP


def _committed() -> QuerySet[Booking]:
    has_team = TeamAssignment.objects.filter(booking=OuterRef("pk"), is_active=True)
    return Booking.objects.exclude(status=BookingStatus.CANCELLED).filter(
        Q(status__in=COMMITTED) | Exists(has_team)
    )


def _iso_weeks(on_site: DateRange) -> list[date]:
    """The Mondays of the ISO weeks the on-site days fall in."""
    monday = on_site.lower - timedelta(days=on_site.lower.weekday())
    weeks = []
    while monday < on_site.upper:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def capacity_warnings(booking: Booking) -> list[str]:
    """Words for each ISO week of the booking's on-site days already at or over the cap
    (counting other bookings with a team or a schedule)."""
    cap = weekly_cap()
    others = _committed().exclude(pk=booking.pk)
    warnings = []
    for monday in _iso_weeks(booking.on_site):
        week = DateRange(monday, monday + timedelta(days=7), "[)")
        count = others.filter(on_site__overlap=week).count()
        if count >= cap:
            iso_year, iso_week, _ = monday.isocalendar()
            warnings.append(
                f"{count} other review{'s are' if count != 1 else ' is'} already on site in "
                f"week {iso_week} of {iso_year} (from {monday.day} {monday:%B %Y}); the cap "
                f"is {cap} a week."
            )
    return warnings


@dataclass(frozen=True)
class PipelineRow:
    period: date
    requested: int
    scheduled: int
    on_site: int
    reporting: int
    over_cap: bool = False

    @property
    def total(self) -> int:
        return self.requested + self.scheduled + self.on_site + self.reporting


def pipeline_rows(
    *,
    user: Any,
    by: str = "month",
    year: int | None = None,
    start: date | None = None,
    product_id: int | None = None,
    region_id: int | None = None,
) -> list[PipelineRow]:
    """Bookings by the week or month of their first on-site day in a year (or from `start` on,
    across years), counted under the pipeline's headings; weeks with more reviews starting than
    the cap are marked. Only for those who may see the pipeline (others get nothing)."""

    if not permissions.can_view_review_pipeline(user):
        return []
    bookings = Booking.objects.exclude(status=BookingStatus.CANCELLED)
    if start is not None:
        bookings = bookings.filter(first_on_site_day__gte=start)
    else:
        assert year is not None, "a year or a start day"
        bookings = bookings.filter(
            first_on_site_day__gte=date(year, 1, 1), first_on_site_day__lt=date(year + 1, 1, 1)
        )
    if product_id:
        bookings = bookings.filter(product_id=product_id)
    if region_id:
        bookings = bookings.filter(council__region_id=region_id)
    trunc = TruncWeek if by == "week" else TruncMonth
    committed = Q(status__in=COMMITTED)
    rows = (
        bookings.annotate(period=trunc("first_on_site_day"))
        .values("period")
        .annotate(
            committed=Count("pk", filter=committed),
            **{name: Count("pk", filter=Q(status__in=s)) for name, s in STAGES.items()},
        )
        .order_by("period")
    )
    cap = weekly_cap()
    return [
        PipelineRow(
            period=row["period"].date() if hasattr(row["period"], "date") else row["period"],
            requested=row["requested"],
            scheduled=row["scheduled"],
            on_site=row["on_site"],
            reporting=row["reporting"],
            over_cap=by == "week" and row["committed"] > cap,
        )
        for row in rows
    ]
