"""Reads for reviews: what other apps' pages show (the homes' panels: a council's bookings and
next free review, bookings awaiting a decision, reports to publish, the pipeline's next weeks;
the reviewer's home) and what the booking pages look up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from cib_portal import access
from regions.models import ADVISER_ROLES, Role

from .. import permissions
from ..models import Booking, BookingStatus, Product, TeamAssignment
from .entitlement import EntitlementToday, entitlement_today
from .pipeline import COMMITTED, STAGES, weekly_cap

if TYPE_CHECKING:
    from accounts.models import User
    from regions.models import Council

# A booking of the same council within this many days of a requested first on-site day is
# "near" it: the check page links it, so a council does not book twice by mistake.
NEAR_DAYS = 183


def reviewer_assignments(*, user: User) -> QuerySet[TeamAssignment]:
    """The user's places on review teams while they are on them (as permissions.can_view_booking
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
        Booking.objects.filter(permissions.bookings_visible_filter(user))
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


# --- The homes' panels ----------------------------------------------------------------------

# The booking to say the entitlement of: the one product with a free entitlement.
FREE_REVIEW_PRODUCT = "safeguarding_peer_review"
FINISHED = (BookingStatus.CLOSED, BookingStatus.CANCELLED)
PUBLISHERS = frozenset({Role.DCS, Role.CHIEF_EXECUTIVE})


def council_bookings(*, user: Any, council_ids: list[int]) -> QuerySet[Booking]:
    """The bookings of the user's councils among `council_ids` that are not closed or
    cancelled, soonest first, with their council and product."""
    own = [cid for cid in council_ids if cid in access.grants_for(user).council_roles]
    return (
        Booking.objects.filter(council_id__in=own)
        .exclude(status__in=FINISHED)
        .select_related("council", "product")
        .order_by("first_on_site_day", "pk")
    )


@dataclass(frozen=True)
class FreeReview:
    """Whether a council could book a free review starting as soon as it could be booked,
    and if not, the first day one could start (entitlement_today, for the one product)."""

    product: Product
    entitlement: EntitlementToday


def free_review_product() -> Product | None:
    """The product whose free entitlement the council's home tells of (None when it is not in
    the catalogue)."""
    return Product.objects.filter(code=FREE_REVIEW_PRODUCT, is_active=True).first()


def free_review_due(
    *, council: Any, product: Product | None, today: date | None = None
) -> FreeReview | None:
    """When the council's next free safeguarding peer review could start."""
    if product is None:
        return None
    today = today or timezone.localdate()
    return FreeReview(
        product=product,
        entitlement=entitlement_today(council=council, product=product, today=today),
    )


def bookings_awaiting_decision(*, user: Any) -> QuerySet[Booking]:
    """Bookings requested and not yet taken into scoping that the user may decide on (the
    programme manager: all; an adviser: those of the regions they cover), oldest first."""
    grants = access.grants_for(user)
    bookings = Booking.objects.filter(status=BookingStatus.REQUESTED)
    if not (access.is_programme_manager(user) or grants.national_roles & ADVISER_ROLES):
        regions = grants.regions_with(ADVISER_ROLES)
        if not regions:
            return Booking.objects.none()
        bookings = bookings.filter(council__region_id__in=list(regions))
    return bookings.select_related("council__region", "product").order_by("created_at", "pk")


def reports_to_publish(*, user: Any) -> QuerySet[Booking]:
    """Bookings whose report is drafted and waits for the user, as their council's DCS or
    chief executive, to publish it."""
    councils = access.grants_for(user).councils_with(PUBLISHERS)
    return (
        Booking.objects.filter(status=BookingStatus.REPORT_DRAFTED, council_id__in=list(councils))
        .select_related("council", "product")
        .order_by("first_on_site_day", "pk")
    )


@dataclass(frozen=True)
class PipelineWeek:
    starts_on: date
    requested: int = 0
    scheduled: int = 0
    on_site: int = 0
    reporting: int = 0
    over_cap: bool = False

    @property
    def total(self) -> int:
        return self.requested + self.scheduled + self.on_site + self.reporting


def pipeline_next_weeks(
    *, user: Any, today: date | None = None, weeks: int = 8
) -> list[PipelineWeek]:
    """The next `weeks` weeks from the one `today` falls in (each week, even an empty one),
    with the bookings whose first on-site day falls in it, counted under the pipeline's
    headings; weeks with more committed reviews than the cap are marked. Two queries."""
    if not permissions.can_view_review_pipeline(user):
        return []
    today = today or timezone.localdate()
    first = today - timedelta(days=today.weekday())
    after = first + timedelta(weeks=weeks)
    rows = {
        row["week"].date() if hasattr(row["week"], "date") else row["week"]: row
        for row in Booking.objects.exclude(status=BookingStatus.CANCELLED)
        .filter(first_on_site_day__gte=first, first_on_site_day__lt=after)
        .annotate(week=TruncWeek("first_on_site_day"))
        .values("week")
        .annotate(
            committed=Count("pk", filter=Q(status__in=COMMITTED)),
            **{name: Count("pk", filter=Q(status__in=s)) for name, s in STAGES.items()},
        )
        .order_by("week")
    }
    cap = weekly_cap()
    out = []
    for i in range(weeks):
        starts_on = first + timedelta(weeks=i)
        row = rows.get(starts_on)
        if row is None:
            out.append(PipelineWeek(starts_on=starts_on))
            continue
        out.append(
            PipelineWeek(
                starts_on=starts_on,
                over_cap=row["committed"] > cap,
                **{name: row[name] for name in STAGES},
            )
        )
    return out
