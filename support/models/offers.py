"""The offer, as data, and the requests councils make of it (issue 14).

An offer (SupportOffer) is one thing the LGA and its partners give councils: a leadership
programme, mentoring, a guide, a peer review... A programme runs in cohorts (Cohort) whose places
the database keeps (never more taken than there are). A council asks for an offer with a
SupportRequest, which the region's principal adviser or the national programme manager decides.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q


class OfferKind(models.TextChoices):
    LEADERSHIP_PROGRAMME = "leadership_programme", "Leadership programme"
    MENTORING = "mentoring", "Mentoring"
    GUIDE = "guide", "Guide"
    INSPECTION_SUPPORT = "inspection_support", "Inspection support"
    BESPOKE = "bespoke", "Bespoke support"
    SCRUTINY_SUPPORT = "scrutiny_support", "Scrutiny support"
    DIAGNOSTIC = "diagnostic", "Diagnostic"
    PEER_REVIEW = "peer_review", "Peer review"
    PEER_CHALLENGE = "peer_challenge", "Peer challenge"
    PATHFINDER = "pathfinder", "Pathfinder"
    CAMPAIGN = "campaign", "Campaign"


class Audience(models.TextChoices):
    LEAD_MEMBERS = "lead_members", "Lead members"
    DCSS = "dcss", "Directors of children's services"
    OFFICERS = "officers", "Officers"
    COUNCILS = "councils", "Councils"


class CostBasis(models.TextChoices):
    FREE = "free", "Free"
    SUBSIDISED = "subsidised", "Subsidised"
    WHOLE_COST = "whole_cost", "Whole cost"
    PRICE_SHOWN = "price_shown", "Price shown"


class Decider(models.TextChoices):
    PRINCIPAL_ADVISER = "principal_adviser", "The region's principal adviser"
    PROGRAMME_MANAGER = "programme_manager", "The national programme manager"


class SupportOffer(models.Model):
    """One thing on offer to councils, with who it is for, what it costs and who decides."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=OfferKind.choices)
    audience = ArrayField(
        models.CharField(max_length=20, choices=Audience.choices), default=list, blank=True
    )
    description = models.TextField(blank=True)
    cost_basis = models.CharField(max_length=20, choices=CostBasis.choices, default=CostBasis.FREE)
    price_pence = models.PositiveIntegerField(null=True, blank=True)
    # Places on an offer that runs in no cohorts (a cohort keeps its own); taken by accepting.
    places = models.PositiveIntegerField(null=True, blank=True)
    places_taken = models.PositiveIntegerField(default=0)
    window_opens = models.DateField(null=True, blank=True)
    window_closes = models.DateField(null=True, blank=True)
    decided_by = models.CharField(
        max_length=30, choices=Decider.choices, default=Decider.PRINCIPAL_ADVISER
    )
    confidential = models.BooleanField(default=False)
    # Guides are documents to read: nothing to request.
    requestable = models.BooleanField(default=True)
    # Reviews and diagnostics are booked through the reviews app's flow, not a second one.
    booking_url = models.CharField(max_length=200, blank=True)
    waiting_list = models.BooleanField(default=False)
    document_url = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(cost_basis="price_shown") | Q(price_pence__isnull=False),
                name="offer_price_shown_has_price",
            ),
            models.CheckConstraint(
                condition=Q(window_opens__isnull=True)
                | Q(window_closes__isnull=True)
                | Q(window_closes__gte=F("window_opens")),
                name="offer_window_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=~Q(kind="guide") | Q(requestable=False),
                name="offer_guides_not_requestable",
            ),
            # The last word on an offer's own places, as on a cohort's.
            models.CheckConstraint(
                condition=Q(places__isnull=True, places_taken=0) | Q(places_taken__lte=F("places")),
                name="offer_places_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Cohort(models.Model):
    """One run of an offer (a programme's residential, say) with its places."""

    offer = models.ForeignKey(SupportOffer, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=200)
    starts = models.DateField()
    ends = models.DateField()
    places = models.PositiveIntegerField()
    places_taken = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts", "name"]
        constraints = [
            # The last word on places: never more taken than there are, never fewer than none.
            models.CheckConstraint(
                condition=Q(places_taken__gte=0) & Q(places_taken__lte=F("places")),
                name="cohort_places_within_limit",
            ),
            models.CheckConstraint(
                condition=Q(ends__gte=F("starts")), name="cohort_ends_after_start"
            ),
            models.UniqueConstraint(fields=["offer", "name"], name="cohort_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.offer} – {self.name}"

    @property
    def places_left(self) -> int:
        return max(self.places - self.places_taken, 0)


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WAITING = "waiting", "On the waiting list"
    IN_DELIVERY = "in_delivery", "In delivery"
    DELIVERED = "delivered", "Delivered"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


# Statuses in which a request holds one of its cohort's places.
PLACE_HOLDING_STATUSES = frozenset(
    {RequestStatus.ACCEPTED, RequestStatus.IN_DELIVERY, RequestStatus.DELIVERED}
)
OPEN_STATUSES = frozenset({RequestStatus.REQUESTED, RequestStatus.WAITING})


class SupportRequest(models.Model):
    """A council's request for an offer, and what became of it."""

    council = models.ForeignKey(
        "regions.Council", on_delete=models.PROTECT, related_name="support_requests"
    )
    offer = models.ForeignKey(SupportOffer, on_delete=models.PROTECT, related_name="requests")
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # An adviser asking for the council.
    on_behalf = models.BooleanField(default=False)
    need = models.TextField()
    why = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    decider = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    brokered_offer = models.ForeignKey(
        SupportOffer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    outcome_note = models.TextField(blank=True)
    feedback_useful = models.PositiveSmallIntegerField(null=True, blank=True)
    feedback_what_changed = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    delivery_started_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["cohort", "status", "waitlisted_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(feedback_useful__isnull=True)
                | (Q(feedback_useful__gte=1) & Q(feedback_useful__lte=5)),
                name="support_request_feedback_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="support_request_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="waiting") | Q(waitlisted_at__isnull=False),
                name="support_request_waiting_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["requested", "waiting", "cancelled"])
                | Q(decider__isnull=False),
                name="support_request_decision_has_decider",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(outcome_note=""),
                name="support_request_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(brokered_offer__isnull=True) | ~Q(brokered_offer=F("offer")),
                name="support_request_brokered_elsewhere",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council} – {self.offer}"
