"""Devolved funds: CIB's funding agreements with regions, spend against them, and returns.

Money is integer pence everywhere (never floats). The rule that must never break, approved
spend never exceeding a purpose's allocation, is kept by the database: each allocation holds
running totals of approved and paid spend, approval adds to them with one conditional UPDATE
(which PostgreSQL serialises on the row), and CHECK constraints refuse any total above the
allocation even if code were wrong.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cib_portal.documents import UploadedDocument
from cib_portal.years import year_label


class Purpose(models.TextChoices):
    PROJECT_MANAGEMENT = "project_management", "Project management"
    PEER_CHALLENGER_TRAINING = (
        "peer_challenger_training",
        "Training and development of peer challengers",
    )
    PEER_CHALLENGE_PROGRAMME = "peer_challenge_programme", "Peer challenge programme"
    EARLY_SUPPORT = "early_support", "Early support"


def financial_year_label(year: int) -> str:
    """2027 -> "2027-28" (April 2027 to March 2028)."""
    return year_label(year)


class FundingAgreement(models.Model):
    """CIB's agreement with a region for a financial year (April to March)."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    # The calendar year the financial year starts in: 2027 is 2027-28.
    financial_year = models.PositiveSmallIntegerField()
    terms = models.TextField(blank=True)
    # Requests above this amount need the approval of two different regional leads.
    second_approval_threshold_pence = models.BigIntegerField(default=1_000_000)
    signed_document = models.FileField(upload_to="agreements/%Y/", blank=True)
    signed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-financial_year", "region__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "financial_year"], name="agreement_one_per_region_year"
            ),
            models.CheckConstraint(
                condition=Q(financial_year__gte=2000) & Q(financial_year__lte=2100),
                name="agreement_financial_year_sane",
            ),
            models.CheckConstraint(
                condition=Q(second_approval_threshold_pence__gte=0),
                name="agreement_threshold_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} funding agreement {self.label}"

    @property
    def label(self) -> str:
        return financial_year_label(self.financial_year)

    @property
    def starts_on(self) -> date:
        return date(self.financial_year, 4, 1)

    @property
    def ends_on(self) -> date:
        return date(self.financial_year + 1, 3, 31)


class Allocation(models.Model):
    """The part of an agreement for one purpose, with running totals of its spend."""

    agreement = models.ForeignKey(
        FundingAgreement, on_delete=models.CASCADE, related_name="allocations"
    )
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    amount_pence = models.BigIntegerField()
    # Sum of the approved requests (paid ones included), kept by the approval transaction.
    approved_pence = models.BigIntegerField(default=0)
    paid_pence = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["agreement", "purpose"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "purpose"], name="allocation_once_per_purpose"
            ),
            models.CheckConstraint(
                condition=Q(amount_pence__gte=0), name="allocation_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(approved_pence__gte=0) & Q(approved_pence__lte=F("amount_pence")),
                name="allocation_never_overspent",
            ),
            models.CheckConstraint(
                condition=Q(paid_pence__gte=0) & Q(paid_pence__lte=F("approved_pence")),
                name="allocation_paid_within_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {self.amount_pence}p"

    @property
    def remaining_pence(self) -> int:
        return self.amount_pence - self.approved_pence


class SpendStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    PAID = "paid", "Paid"
    WITHDRAWN = "withdrawn", "Withdrawn"


class SpendRequest(models.Model):
    """A request to spend part of a purpose's allocation, raised by the region's programme
    manager and approved or rejected by its leads."""

    agreement = models.ForeignKey(
        FundingAgreement, on_delete=models.PROTECT, related_name="spend_requests"
    )
    allocation = models.ForeignKey(
        Allocation, on_delete=models.PROTECT, related_name="spend_requests"
    )
    amount_pence = models.BigIntegerField()
    description = models.TextField()
    supplier = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=SpendStatus.choices, default=SpendStatus.DRAFT)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rejection_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payment_reference = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["agreement", "status"]),
            models.Index(fields=["agreement", "approved_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="spend_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="spend_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejected_by=F("raised_by")),
                name="spend_not_rejected_by_raiser",
            ),
        ]

    def __str__(self) -> str:
        return f"£{self.amount_pence / 100:,.2f} for {self.allocation.get_purpose_display()}"


class SpendApproval(models.Model):
    """One regional lead's approval of a request. The raiser is copied so the database
    refuses anyone approving their own request."""

    request = models.ForeignKey(SpendRequest, on_delete=models.CASCADE, related_name="approvals")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "approved_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "approver"], name="approval_once_per_lead"),
            models.CheckConstraint(
                condition=~Q(approver=F("raised_by")), name="approval_not_own_request"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.approver} approved {self.request_id}"


class EvidenceKind(models.TextChoices):
    REQUEST = "request", "Supporting the request"
    PAYMENT = "payment", "Evidence of payment"


class SpendEvidence(UploadedDocument):
    """A file supporting a request (a quote, an invoice) or proving its payment."""

    request = models.ForeignKey(SpendRequest, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=EvidenceKind.choices)
    file = models.FileField(upload_to="funds/evidence/%Y/")

    class Meta:
        ordering = ["request", "uploaded_at"]


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED_OFF = "signed_off", "Signed off by a regional lead"
    SUBMITTED = "submitted", "Submitted to CIB"
    ACCEPTED = "accepted", "Accepted"
    RETURNED = "returned", "Returned with comments"


def quarter_bounds(financial_year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a quarter of a financial year (1 = April to June)."""
    start_month = 4 + 3 * (quarter - 1)
    year = financial_year + (start_month - 1) // 12
    month = (start_month - 1) % 12 + 1
    first = date(year, month, 1)
    end_month = month + 2
    last = date(year, end_month + 1, 1) if end_month < 12 else date(year + 1, 1, 1)
    return first, last - timedelta(days=1)


def return_due_on(financial_year: int, quarter: int) -> date:
    """A return is due by the last day of the month after its quarter ends."""
    _, last = quarter_bounds(financial_year, quarter)
    after = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    following = date(after.year + (after.month == 12), after.month % 12 + 1, 1)
    return following - timedelta(days=1)


class QuarterlyReturn(models.Model):
    """A region's quarterly return to CIB: figures per purpose from the ledger, a narrative
    and outcomes. Drafted by the programme manager, signed off by a regional lead, submitted,
    then accepted or returned with comments by the CIB administrator."""

    agreement = models.ForeignKey(
        FundingAgreement, on_delete=models.PROTECT, related_name="returns"
    )
    quarter = models.PositiveSmallIntegerField()  # 1 = April to June … 4 = January to March
    status = models.CharField(
        max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT
    )
    narrative = models.TextField(blank=True)
    outcomes = models.TextField(blank=True)
    # The figures as they stood when the return was submitted (computed from the ledger).
    figures = models.JSONField(default=dict, blank=True)
    due_on = models.DateField()
    # Who last worked on the draft (empty until someone does: the four returns of a year are
    # made with the agreement, so reminders and the national view see them from the start).
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comments = models.TextField(blank=True)
    reminder_sent_on = models.DateField(null=True, blank=True)
    escalated_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["agreement", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "quarter"], name="return_once_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="return_quarter_1_to_4"
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(review_comments=""),
                name="return_returned_with_comments",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.region} return, {self.agreement.label} Q{self.quarter}"
