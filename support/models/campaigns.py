"""CIB's campaigns: calls for councils to express an interest (early adopters of the improvement
cycle, 30 Payment by Results pathfinders, the children's centres offer), and councils'
applications to them with national staff's decision on each.

The database keeps the rules that must never break: one application per council and campaign,
a capped campaign never selects more than its cap (`selected_count` is kept by one conditional
UPDATE in support.services.campaigns, with a CHECK as the last word), and every decision other
than "pending" has its reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Campaign(models.Model):
    """A call for expressions of interest, open between two dates (both included)."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    how_to_apply = models.TextField(blank=True)
    offer = models.ForeignKey(
        "support.SupportOffer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
        limit_choices_to={"kind__in": ["campaign", "pathfinder"]},
    )
    opens_on = models.DateField()
    closes_on = models.DateField()
    cap = models.PositiveIntegerField(null=True, blank=True)
    selected_count = models.PositiveIntegerField(default=0)
    selection_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["closes_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="campaign_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(cap__gt=0), name="campaign_cap_positive"
            ),
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(selected_count__lte=F("cap")),
                name="campaign_never_over_cap",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.opens_on <= today <= self.closes_on

    @property
    def places_left(self) -> int | None:
        return None if self.cap is None else self.cap - self.selected_count


class ApplicationDecision(models.TextChoices):
    PENDING = "pending", "Pending"
    SELECTED = "selected", "Selected"
    NOT_SELECTED = "not_selected", "Not selected"
    RESERVE = "reserve", "Reserve"


class CampaignApplication(models.Model):
    """A council's expression of interest in a campaign, and the decision on it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="applications")
    council = models.ForeignKey(
        "regions.Council", on_delete=models.PROTECT, related_name="campaign_applications"
    )
    statement = models.TextField()
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(
        max_length=20, choices=ApplicationDecision.choices, default=ApplicationDecision.PENDING
    )
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["council__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "council"], name="campaign_one_application_per_council"
            ),
            models.CheckConstraint(
                condition=Q(decision="pending") | ~Q(decision_reason=""),
                name="campaign_decision_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(decision="pending") | Q(decided_at__isnull=False),
                name="campaign_decision_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council} for {self.campaign}"
