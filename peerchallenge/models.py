"""Peer challenge: regional programmes, their pairings, and the challenges themselves.

A region runs one programme a year. Its councils are paired (or put in triads, clusters, or
challenged by a panel of DCSs) by an optimiser (`peerchallenge.solver`); each resulting
host council gets a Challenge with its challengers. The challenge is the host's confidential
workspace: self-assessment, documents, key lines of enquiry, dates, the feedback letter, the
action plan and the follow-up review.

Rules the database keeps: one programme per region and year; a council takes part in a
programme once and hosts one challenge in it; a council never challenges itself; a declared
conflict names two different councils once.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cib_portal.documents import UploadedDocument

EXPECTED_DAYS_PER_YEAR = 5


class ProgrammeModel(models.TextChoices):
    PAIRS = "pairs", "Pairs (each council challenges its partner)"
    TRIADS = "triads", "Triads (A challenges B, B challenges C, C challenges A)"
    CLUSTERS = "clusters", "Clusters (a ring of councils, each challenging the next)"
    PANEL = "panel", "Panel (each council is challenged by a panel of DCSs)"


class Preference(models.TextChoices):
    SIMILAR = "similar", "Similar councils (statistical neighbours)"
    MIX = "mix", "A mix of stronger and struggling councils"
    NONE = "none", "No preference"


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Programme(models.Model):
    """A region's peer challenge programme for a year."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    model = models.CharField(max_length=10, choices=ProgrammeModel.choices)
    # Clusters: councils per cluster (4 to 8). Panel: DCSs per panel (2 to 5).
    cluster_size = models.PositiveSmallIntegerField(null=True, blank=True)
    focus = models.TextField(blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    # On-site days each challenger gives to one challenge.
    days_per_challenge = models.DecimalField(max_digits=3, decimal_places=1, default=2)
    preference = models.CharField(
        max_length=10, choices=Preference.choices, default=Preference.SIMILAR
    )
    # How much each soft preference counts (0 = ignored).
    weight_context = models.PositiveSmallIntegerField(default=3)
    weight_travel = models.PositiveSmallIntegerField(default=1)
    weight_balance = models.PositiveSmallIntegerField(default=2)
    status = models.CharField(
        max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    generated_at = models.DateTimeField(null=True, blank=True)
    # The solver's total score for the pairings as last generated.
    objective = models.FloatField(null=True, blank=True)
    # False when the optimiser's time ran out before it proved the pairings the best (they
    # are valid, and the best it found).
    proven_optimal = models.BooleanField(default=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "region__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"], name="programme_one_per_region_year"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="programme_ends_after_start"
            ),
            models.CheckConstraint(
                condition=(
                    Q(model__in=["pairs", "triads"], cluster_size__isnull=True)
                    | Q(model="clusters", cluster_size__gte=4, cluster_size__lte=8)
                    | Q(model="panel", cluster_size__gte=2, cluster_size__lte=5)
                ),
                name="programme_cluster_size_fits_model",
            ),
            models.CheckConstraint(
                condition=Q(days_per_challenge__gt=0) & Q(days_per_challenge__lte=10),
                name="programme_days_per_challenge_0_to_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} peer challenge {self.year}"

    @property
    def is_published(self) -> bool:
        return self.status == ProgrammeStatus.PUBLISHED


class Participant(models.Model):
    """A council taking part in a programme. Councils of other regions join by agreement."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participants")
    council = models.ForeignKey("regions.Council", on_delete=models.PROTECT, related_name="+")
    # Set for a council from another region, saying what was agreed.
    agreement = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["council__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "council"], name="participant_once_per_programme"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council} in {self.programme}"


class DeclaredConflict(models.Model):
    """A conflict of interest between two councils: they are never paired (both directions).

    Stored once per pair, the lower id first, so the pair is unique whichever way it was
    declared.
    """

    council_a = models.ForeignKey("regions.Council", on_delete=models.CASCADE, related_name="+")
    council_b = models.ForeignKey("regions.Council", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(council_a__lt=F("council_b")), name="conflict_pair_ordered"
            ),
            models.UniqueConstraint(
                fields=["council_a", "council_b"], name="conflict_once_per_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council_a} and {self.council_b}: {self.reason}"


class Exclusion(models.Model):
    """Two councils the regional lead has excluded from being paired in a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="exclusions")
    council_a = models.ForeignKey("regions.Council", on_delete=models.CASCADE, related_name="+")
    council_b = models.ForeignKey("regions.Council", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(council_a__lt=F("council_b")), name="exclusion_pair_ordered"
            ),
            models.UniqueConstraint(
                fields=["programme", "council_a", "council_b"], name="exclusion_once_per_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council_a} and {self.council_b} not paired in {self.programme}"


class ChallengeStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    PREPARING = "preparing", "Preparing"
    SCHEDULED = "scheduled", "Dates agreed"
    FEEDBACK = "feedback", "Feedback given"
    FOLLOW_UP = "follow_up", "Follow-up due"
    CLOSED = "closed", "Closed"


class Challenge(models.Model):
    """One council (the host) challenged by its challengers within a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="challenges")
    host = models.ForeignKey("regions.Council", on_delete=models.PROTECT, related_name="+")
    # The group (pair, triad, cluster) the host belongs to, numbered by the solver.
    group = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=12, choices=ChallengeStatus.choices, default=ChallengeStatus.PROPOSED
    )
    # Kept as it is when the pairings are made again.
    locked = models.BooleanField(default=False)
    # Why these challengers: {"score": 1.23, "terms": {...}, "words": [...]}.
    explanation = models.JSONField(default=dict, blank=True)
    score = models.FloatField(default=0)
    focus = models.TextField("focus of the challenge", blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    follow_up_months = models.PositiveSmallIntegerField(default=6)
    follow_up_on = models.DateField("follow-up review date", null=True, blank=True)
    follow_up_notes = models.TextField(blank=True)
    follow_up_completed_on = models.DateField(null=True, blank=True)
    follow_up_reminder_sent_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "host__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "host"], name="challenge_one_per_host_per_programme"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="challenge_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(follow_up_months__gte=1) & Q(follow_up_months__lte=24),
                name="challenge_follow_up_1_to_24_months",
            ),
        ]

    def __str__(self) -> str:
        return f"Challenge of {self.host} ({self.programme.year})"

    def follow_up_due(self) -> date | None:
        """The follow-up review date: as set, or the chosen months after the challenge."""
        if self.follow_up_on:
            return self.follow_up_on
        if self.ends_on:
            return self.ends_on + relativedelta(months=self.follow_up_months)
        return None


class Challenger(models.Model):
    """A council challenging a host, and the person (normally its DCS) who does it.

    The host is copied here so the database can refuse a council challenging itself.
    """

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="challengers")
    host = models.ForeignKey("regions.Council", on_delete=models.PROTECT, related_name="+")
    council = models.ForeignKey("regions.Council", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="peer_challenges",
    )

    class Meta:
        ordering = ["challenge", "council__name"]
        constraints = [
            models.CheckConstraint(condition=~Q(council=F("host")), name="challenger_not_the_host"),
            models.UniqueConstraint(
                fields=["challenge", "council"], name="challenger_once_per_challenge"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council} challenges {self.host}"


class SelfAssessment(models.Model):
    """The host's self-assessment, following the improvement cycle."""

    challenge = models.OneToOneField(
        Challenge, on_delete=models.CASCADE, related_name="self_assessment"
    )
    summary = models.TextField(blank=True)
    understanding = models.TextField(
        "understanding: what we know about our services and children", blank=True
    )
    planning = models.TextField("planning: our priorities and how we will act", blank=True)
    doing = models.TextField("doing: what we have done and its impact", blank=True)
    reviewing = models.TextField("reviewing: how we know it is working", blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Self-assessment of {self.challenge.host}"


class ChallengeDocument(UploadedDocument):
    """A document uploaded to a challenge (checked for type and size on upload)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to="challenges/%Y/")

    class Meta:
        ordering = ["challenge", "-uploaded_at"]


class LineOfEnquiry(models.Model):
    """A key line of enquiry the challengers will look at."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="lines_of_enquiry"
    )
    text = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["challenge", "position", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Attendee(models.Model):
    """Someone taking part in the challenge's on-site days."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    role = models.CharField("role or job title", max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["challenge", "name"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "email"], name="attendee_once_per_email"),
        ]

    def __str__(self) -> str:
        return self.name


class FeedbackLetter(models.Model):
    """The challengers' letter to the host: strengths and areas to consider."""

    challenge = models.OneToOneField(
        Challenge, on_delete=models.CASCADE, related_name="feedback_letter"
    )
    summary = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    areas_to_consider = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Feedback letter to {self.challenge.host}"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class Action(models.Model):
    """An action in the host's plan after the challenge."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=300)
    owner = models.CharField(max_length=200)
    due_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    evidence = models.TextField(blank=True)
    evidence_file = models.FileField(upload_to="challenges/actions/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["challenge", "due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.title


class DateOption(models.Model):
    """Dates proposed for a challenge's on-site days (the availability poll)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="date_options")
    starts_on = models.DateField()
    ends_on = models.DateField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["challenge", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="date_option_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["challenge", "starts_on", "ends_on"], name="date_option_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%-d %B %Y} to {self.ends_on:%-d %B %Y}"


class Answer(models.TextChoices):
    YES = "yes", "Available"
    IF_NEED_BE = "if_need_be", "If need be"
    NO = "no", "Not available"


class DateVote(models.Model):
    """One person's answer to one proposed date."""

    option = models.ForeignKey(DateOption, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=12, choices=Answer.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["option", "user"], name="date_vote_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_answer_display()}"
