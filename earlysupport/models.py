"""Early support: the facts risk rules need, the rules as data, and the flags they raise.

- Interventions (improvement notice, statutory direction) and each council's DCS history are
  facts beside the data set, edited by national staff and importable from CSV.
- A Rule is data: its kind (what it looks at), thresholds and indicators in `params`, its
  weight, severity and a written rationale; national staff edit it with a reason (audited).
- A Flag says a council may be heading for difficulty, with the evidence that raised it (the
  rule, the figures, the periods, the comparison) in words a lead member can read. Evaluating
  again updates the evidence of the open flag rather than making a new one, so its triage
  history is kept; a flag whose evidence has gone is proposed for closing, never deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeOperators
from django.db import models
from django.db.models import F, Q

from regions.models import DateRange


class InterventionKind(models.TextChoices):
    IMPROVEMENT_NOTICE = "improvement_notice", "Improvement notice"
    STATUTORY_DIRECTION = "statutory_direction", "Statutory direction"


class Intervention(models.Model):
    """DfE intervention in a council's children's services, between two dates."""

    council = models.ForeignKey("regions.Council", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=InterventionKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["council__name", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="intervention_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["council", "kind", "starts_on"], name="intervention_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council}: {self.get_kind_display()} from {self.starts_on}"


class DcsTenure(models.Model):
    """Who was a council's director of children's services, from and to."""

    council = models.ForeignKey("regions.Council", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    interim = models.BooleanField(default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["council__name", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="dcs_tenure_ends_after_start",
            ),
            models.UniqueConstraint(fields=["council", "starts_on"], name="dcs_tenure_once"),
            # A council has one DCS at a time: tenures never overlap (a handover day, one
            # leaving the day the next starts, is allowed: the ranges are half-open).
            ExclusionConstraint(
                name="dcs_tenure_no_overlap",
                expressions=[
                    ("council", RangeOperators.EQUAL),
                    (
                        DateRange("starts_on", "ends_on", models.Value("[)")),
                        RangeOperators.OVERLAPS,
                    ),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, DCS of {self.council} from {self.starts_on}"


class FactImportStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    RUNNING = "running", "Importing"
    SUCCEEDED = "succeeded", "Imported"
    FAILED = "failed", "Rejected"


class FactImportRun(models.Model):
    """One upload of interventions or DCS history too big to import during the request: the
    worker imports it (all or nothing) and records here what it did or every problem."""

    kind = models.CharField(max_length=20)  # the FactSpec's action: intervention, dcs_tenure
    filename = models.CharField(max_length=300)
    upload = models.FileField(upload_to="fact-imports/%Y/%m/")
    status = models.CharField(
        max_length=10, choices=FactImportStatus.choices, default=FactImportStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(default=0)
    lines = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Written while the import runs
    # (earlysupport.services.fact_imports.fact_import_run_reclaim_stale).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (FactImportStatus.SUCCEEDED, FactImportStatus.FAILED)


class RuleKind(models.TextChoices):
    OFSTED = "ofsted", "Ofsted judgement"
    INTERVENTION = "intervention", "In intervention"
    LEADERSHIP = "leadership", "Leadership instability"
    WORKFORCE = "workforce", "Workforce pressure"
    DETERIORATION = "deterioration", "Deterioration"


class Severity(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"


class Rule(models.Model):
    """A risk rule. Its thresholds live in `params` (what each kind reads is documented in
    `earlysupport.rules`); `indicators` names the data set indicators it watches."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=RuleKind.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    weight = models.PositiveSmallIntegerField(default=1)
    params = models.JSONField(default=dict, blank=True)
    indicators = ArrayField(models.CharField(max_length=80), default=list, blank=True)
    rationale = models.TextField()
    is_active = models.BooleanField(default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=10), name="rule_weight_1_to_10"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FlagStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    SUPPORT_AGREED = "support_agreed", "Support agreed"
    MONITORING = "monitoring", "Monitoring"
    CLOSED = "closed", "Closed"


class SupportKind(models.TextChoices):
    DIAGNOSTIC = "diagnostic", "A diagnostic or review booking"
    PEER_CHALLENGE = "peer_challenge", "A peer challenge"
    MENTORING = "mentoring", "Mentoring"
    SUPPORT_REQUEST = "support_request", "A request for the LGA's support offer"
    OTHER = "other", "Other support"


class Flag(models.Model):
    """A risk flag on a council, raised by a rule or by a person."""

    council = models.ForeignKey("regions.Council", on_delete=models.CASCADE, related_name="+")
    # Empty for a flag raised by a person.
    rule = models.ForeignKey(
        Rule, on_delete=models.PROTECT, null=True, blank=True, related_name="flags"
    )
    severity = models.CharField(max_length=10, choices=Severity.choices)
    status = models.CharField(max_length=20, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    # A short statement, in words a lead member can read.
    summary = models.TextField()
    # The evidence: {"figures": [...], "periods": [...], "comparison": "...", "words": [...]}.
    evidence = models.JSONField(default=dict, blank=True)
    # The date the evidence was evaluated as at (the --as-of date for backtests).
    as_of = models.DateField(null=True, blank=True)
    raised_at = models.DateTimeField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rationale = models.TextField(blank=True)  # a person's reasons
    last_evaluated_at = models.DateTimeField(null=True, blank=True)
    # Set when an evaluation no longer finds the evidence: proposed for closing.
    evidence_gone_at = models.DateTimeField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    support_kind = models.CharField(max_length=20, choices=SupportKind.choices, blank=True)
    support_booking = models.ForeignKey(
        "reviews.Booking", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    support_challenge = models.ForeignKey(
        "peerchallenge.Challenge",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A request for the support offer (support.SupportRequest), for that kind or mentoring.
    support_request = models.ForeignKey(
        "support.SupportRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    support_note = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-raised_at"]
        indexes = [
            models.Index(fields=["council", "status"]),
            models.Index(fields=["status", "severity"]),
        ]
        constraints = [
            # One flag per council and rule until it is closed: re-evaluation updates it.
            models.UniqueConstraint(
                fields=["council", "rule"],
                condition=Q(rule__isnull=False) & ~Q(status="closed"),
                name="flag_one_open_per_council_rule",
            ),
            models.CheckConstraint(
                condition=Q(rule__isnull=False) | (Q(raised_by__isnull=False) & ~Q(rationale="")),
                name="flag_from_rule_or_person_with_rationale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council}: {self.summary[:60]}"

    @property
    def is_proposed_for_closing(self) -> bool:
        return self.evidence_gone_at is not None and self.status != FlagStatus.CLOSED


class FlagEvent(models.Model):
    """The history of a flag: raised, evidence updated or gone, each triage step, notes."""

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=30)  # raised, evidence_updated, evidence_gone, status, note
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["flag", "at", "id"]

    def __str__(self) -> str:
        return f"{self.flag_id} {self.kind} {self.at:%Y-%m-%d}"
