"""Mentoring matches and asks and offers between councils (issue 14).

The mentor register (Mentor) holds elected members and officers who have done the role, with
their council, political group, experience, yearly capacity and the councils they must not
mentor. A mentoring request (a SupportRequest whose offer is of kind `mentoring`) gets mentors
proposed by support.matching; each proposal is a MentorAssignment (proposed), and the adviser
confirms one (confirmed), or declines it; a confirmed one ends (ended).

Capacity is a hard rule: a mentor is never proposed, nor confirmed, beyond their capacity for
the financial year (confirmed and ended assignments started in that year count). Confirmation
locks the mentor's row, so two advisers confirming the last place at once get one each.

A council posts an ask (an area it wants help with) or an offer (practice it can share) as a
CouncilAsk; advisers and regional leads broker a match between an ask and an offer as a
CouncilMatch, which is the support record of that help between the two councils (it is not a
SupportRequest: no LGA offer is requested; it is shown beside the councils' support requests).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q


class MentorRoleKind(models.TextChoices):
    ELECTED_MEMBER = "elected_member", "Elected member"
    OFFICER = "officer", "Officer"


class Mentor(models.Model):
    """A person on the mentor register: someone who has done the role and can mentor others."""

    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    council = models.ForeignKey("regions.Council", on_delete=models.PROTECT, related_name="+")
    role_kind = models.CharField(max_length=20, choices=MentorRoleKind.choices)
    political_group = models.CharField(max_length=60, blank=True)
    experience = models.TextField(blank=True)
    # Short tags such as "inspection", "new lead member", "intervention".
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    capacity_per_year = models.PositiveSmallIntegerField(default=2)
    active = models.BooleanField(default=True)
    # Councils this mentor must never mentor (declared conflicts of interest).
    conflicts = models.ManyToManyField("regions.Council", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_per_year__lte=20), name="mentor_capacity_at_most_20"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AssignmentStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"
    ENDED = "ended", "Ended"


# Assignments that count against a mentor's capacity in the year they started.
LOAD_STATUSES = frozenset({AssignmentStatus.CONFIRMED, AssignmentStatus.ENDED})


class MentorAssignment(models.Model):
    """A mentor proposed for, confirmed on, declined for or finished with a mentoring request."""

    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="assignments")
    support_request = models.ForeignKey(
        "support.SupportRequest", on_delete=models.CASCADE, related_name="mentor_assignments"
    )
    status = models.CharField(
        max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.PROPOSED
    )
    # The proposal's score and its terms and words, as support.matching explained it.
    explanation = models.JSONField(default=dict, blank=True)
    started = models.DateField(null=True, blank=True)
    ended = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["support_request", "-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "support_request"], name="mentor_assignment_once"
            ),
            # One mentor confirmed per request at a time.
            models.UniqueConstraint(
                fields=["support_request"],
                condition=Q(status="confirmed"),
                name="mentor_assignment_one_confirmed",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["confirmed", "ended"]) | Q(started__isnull=False),
                name="mentor_assignment_confirmed_has_start",
            ),
            models.CheckConstraint(
                condition=Q(ended__isnull=True)
                | (Q(started__isnull=False) & Q(ended__gte=F("started"))),
                name="mentor_assignment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} – {self.support_request_id} ({self.status})"


class AskKind(models.TextChoices):
    ASK = "ask", "Ask (help wanted)"
    OFFER = "offer", "Offer (practice to share)"


class ImprovementTheme(models.TextChoices):
    """The improvement areas councils ask for help with and offer practice in (the LGA offer's
    and CIB's themes)."""

    SAFEGUARDING = "safeguarding", "Safeguarding and child protection"
    EARLY_HELP = "early_help", "Early help"
    CHILDREN_IN_CARE = "children_in_care", "Children in care and corporate parenting"
    CARE_LEAVERS = "care_leavers", "Care leavers"
    WORKFORCE = "workforce", "Social work workforce"
    LEADERSHIP = "leadership", "Leadership and governance"
    SCRUTINY = "scrutiny", "Scrutiny"
    PERFORMANCE = "performance", "Performance information and self-assessment"
    INSPECTION = "inspection", "Preparing for and after inspection"
    EDUCATION = "education", "Education and schools"
    DELIVERY_MODELS = "delivery_models", "Alternative delivery models"


class CouncilAsk(models.Model):
    """A council's ask for help, or offer of practice to share, on one improvement theme."""

    council = models.ForeignKey("regions.Council", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=AskKind.choices)
    theme = models.CharField(max_length=30, choices=ImprovementTheme.choices)
    title = models.CharField(max_length=200)
    description = models.TextField()
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    is_open = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        indexes = [models.Index(fields=["is_open", "kind", "theme"])]

    def __str__(self) -> str:
        return f"{self.council}: {self.title}"


class CouncilMatch(models.Model):
    """A brokered match between one council's ask and another's offer: the support record of
    the help between them."""

    ask = models.ForeignKey(CouncilAsk, on_delete=models.PROTECT, related_name="matches_as_ask")
    offer = models.ForeignKey(CouncilAsk, on_delete=models.PROTECT, related_name="matches_as_offer")
    note = models.TextField(blank=True)
    brokered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ask", "offer"], name="council_match_once"),
            models.CheckConstraint(condition=~Q(ask=F("offer")), name="council_match_two_posts"),
        ]

    def __str__(self) -> str:
        return f"{self.ask} ↔ {self.offer}"
