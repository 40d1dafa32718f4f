"""Safeguarding peer reviews and diagnostics: products, bookings, reviewers and teams.

Rules that must never break are constraints in the database:
- the three-year entitlement: two free, non-cancelled bookings of the same council in the same
  entitlement family never start less than three calendar years apart (an exclusion
  constraint over each free booking's three-year window);
- no reviewer is on two active assignments whose on-site days overlap.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeOperators
from django.db import models
from django.db.models import Q

ENTITLEMENT_YEARS = 3
# A past review imported from the review history is known by its council, product and first
# on-site day, so importing the same rows again adds nothing.
HISTORY_CONSTRAINT = "booking_history_row_once"


def entitlement_end(start: date) -> date:
    """The next start entitled to a free review after one starting on `start`: three calendar
    years on (29 February plus three years is 28 February)."""
    return start + relativedelta(years=ENTITLEMENT_YEARS)


class ChargingBasis(models.TextChoices):
    FREE = "free", "Free"
    SUBSIDISED = "subsidised", "Subsidised"
    WHOLE_COST = "whole_cost", "Whole cost"


class ReviewerType(models.TextChoices):
    LEAD_REVIEWER = "lead_reviewer", "Lead reviewer"
    OFFICER_PEER = "officer_peer", "Officer peer"
    MEMBER_PEER = "member_peer", "Elected-member peer"
    OTHER_SECTOR = "other_sector", "Reviewer from another sector"
    PRACTITIONER = "practitioner", "Social care practitioner"
    HEALTH = "health", "Health practitioner"


class Product(models.Model):
    """A review or diagnostic in the LGA's offer. Data, edited by the programme manager."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    on_site_days = models.PositiveSmallIntegerField()
    # Bookings of products in the same family share the free-every-three-years entitlement;
    # empty means the product has no entitlement (charging is decided per booking).
    entitlement_family = models.SlugField(max_length=60, blank=True)
    charging_options = ArrayField(
        models.CharField(max_length=12, choices=ChargingBasis.choices), default=list
    )
    subsidised_price_pence = models.PositiveIntegerField(null=True, blank=True)
    whole_cost_price_pence = models.PositiveIntegerField(null=True, blank=True)
    # {"lead_reviewer": 1, "officer_peer": 2, ...}: how many of each reviewer type a team needs.
    team_make_up = models.JSONField(default=dict)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(on_site_days__gte=1) & Q(on_site_days__lte=20),
                name="product_on_site_days_1_to_20",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    SCOPING = "scoping", "Scoping"
    TEAM_ASSEMBLED = "team_assembled", "Team assembled"
    SCHEDULED = "scheduled", "Scheduled"
    ON_SITE = "on_site", "On site"
    REPORT_DRAFTED = "report_drafted", "Report drafted"
    REPORT_PUBLISHED = "report_published", "Report published"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class Booking(models.Model):
    """A council's booking of a review or diagnostic."""

    council = models.ForeignKey(
        "regions.Council", on_delete=models.PROTECT, related_name="bookings"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(
        max_length=20, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    first_on_site_day = models.DateField()
    # [first day, day after the last on-site day): set from the product's on-site days.
    on_site = DateRangeField()
    charging_basis = models.CharField(max_length=12, choices=ChargingBasis.choices)
    # The product's price on the booking's basis when it was booked; null when the LGA had set
    # none (a price to be confirmed, not £0). A free booking costs 0.
    price_pence = models.PositiveIntegerField(null=True, blank=True)
    # Copied from the product so the database can enforce the entitlement on its own.
    entitlement_family = models.SlugField(max_length=60, blank=True)
    # [first day, first day + 3 calendar years): the window no other free review may start in.
    entitlement_window = DateRangeField(null=True, blank=True)
    # A programme manager granted this free review although the rule would refuse it.
    entitlement_override = models.BooleanField(default=False)
    override_reason = models.TextField(blank=True)
    scope = models.TextField(blank=True)
    key_lines_of_enquiry = models.TextField(blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    cancellation_reason = models.TextField(blank=True)
    # Imported by `reviews.history` (a past review) rather than booked in the portal.
    imported_from_history = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-first_on_site_day"]
        indexes = [models.Index(fields=["status", "first_on_site_day"])]
        constraints = [
            ExclusionConstraint(
                name="booking_free_every_three_years",
                expressions=[
                    ("council", RangeOperators.EQUAL),
                    ("entitlement_family", RangeOperators.EQUAL),
                    ("entitlement_window", RangeOperators.OVERLAPS),
                ],
                condition=Q(charging_basis="free", entitlement_override=False)
                & ~Q(status="cancelled")
                & ~Q(entitlement_family=""),
            ),
            models.CheckConstraint(
                condition=Q(entitlement_family="", entitlement_window__isnull=True)
                | (~Q(entitlement_family="") & Q(entitlement_window__isnull=False)),
                name="booking_window_with_family",
            ),
            models.CheckConstraint(
                condition=Q(entitlement_override=False) | ~Q(override_reason=""),
                name="booking_override_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancellation_reason=""),
                name="booking_cancellation_has_reason",
            ),
            models.UniqueConstraint(
                fields=["council", "product", "first_on_site_day"],
                condition=Q(imported_from_history=True),
                name=HISTORY_CONSTRAINT,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} for {self.council}, {self.first_on_site_day:%-d %B %Y}"

    @property
    def last_on_site_day(self) -> date:
        return self.on_site.upper - timedelta(days=1)


class Reviewer(models.Model):
    """A person on the LGA's register of peer reviewers."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewer",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(unique=True)
    home_council = models.ForeignKey(
        "regions.Council", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.CharField(max_length=200, blank=True)
    types = ArrayField(models.CharField(max_length=20, choices=ReviewerType.choices), default=list)
    is_active = models.BooleanField(default=True)
    # A secret for the reviewer's private calendar feed; rotating it revokes the old URL.
    feed_token = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Accreditation(models.Model):
    """A reviewer's accreditation from the national course, valid between two dates."""

    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="accreditations")
    reviewer_type = models.CharField(max_length=20, choices=ReviewerType.choices)
    valid_from = models.DateField()
    expires_on = models.DateField()

    class Meta:
        ordering = ["reviewer", "-expires_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("valid_from")),
                name="accreditation_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.get_reviewer_type_display()} until {self.expires_on}"


class Unavailability(models.Model):
    """Days a reviewer cannot review (inclusive range stored half-open)."""

    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="unavailability")
    days = DateRangeField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["reviewer", "days"]

    def __str__(self) -> str:
        return f"{self.reviewer} unavailable {self.days}"


class Conflict(models.Model):
    """A conflict of interest a reviewer declared with a council."""

    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="conflicts")
    council = models.ForeignKey("regions.Council", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "council"], name="conflict_once_per_council"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} – {self.council}: {self.reason}"


class RecentEmployment(models.Model):
    """A council a reviewer worked for (the last five years count as a conflict)."""

    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="employment")
    council = models.ForeignKey("regions.Council", on_delete=models.CASCADE, related_name="+")
    worked_from = models.DateField()
    worked_until = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.reviewer} worked for {self.council}"


class TeamAssignment(models.Model):
    """A reviewer on a booking's team. Never two active assignments on overlapping days."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="team")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.PROTECT, related_name="assignments")
    reviewer_type = models.CharField(max_length=20, choices=ReviewerType.choices)
    # Copied from the booking (kept in step when its dates change) for the constraint.
    on_site = DateRangeField()
    is_active = models.BooleanField(default=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["booking", "reviewer_type"]
        constraints = [
            ExclusionConstraint(
                name="reviewer_never_double_booked",
                expressions=[
                    ("reviewer", RangeOperators.EQUAL),
                    ("on_site", RangeOperators.OVERLAPS),
                ],
                condition=Q(is_active=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.booking}"


class CapacitySetting(models.Model):
    """How many reviews the LGA can have on site in the same ISO week (one row, edited by the
    programme manager)."""

    weekly_cap = models.PositiveSmallIntegerField(default=3)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(weekly_cap__gte=1), name="capacity_weekly_cap_at_least_one"
            ),
        ]

    def __str__(self) -> str:
        return f"At most {self.weekly_cap} reviews on site in a week"


class ReviewReport(models.Model):
    """The review's findings, written by the lead reviewer and published by the council."""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="report")
    strengths = models.TextField(blank=True)
    areas_for_consideration = models.TextField(blank=True)
    recommendations = models.TextField(blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Report on {self.booking}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
