"""Background report jobs: what was asked, by whom, how far it has got, and the file."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ReportKind(models.TextChoices):
    COUNCIL_PROFILE = "council_profile", "Council summary (PDF)"
    DATA_PROFILE = "data_profile", "Council data profile (PDF)"
    REVIEW_REPORT = "review_report", "Review report (PDF)"
    FEEDBACK_LETTER = "feedback_letter", "Peer challenge feedback letter (PDF)"
    FUNDS_RETURN = "funds_return", "Devolved funds return (PDF)"
    RISK_DASHBOARD = "risk_dashboard", "Early support dashboard (PDF)"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "In progress"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class ReportBatch(models.Model):
    """Several reports asked for in one action (the data profiles of a region or of England)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40, choices=ReportKind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_batches"
    )
    # The region the batch covers, or empty for every council in England.
    region = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.scope_label}"

    @property
    def scope_label(self) -> str:
        return self.region.name if self.region_id else "every council in England"


class ReportJob(models.Model):
    """One report made in the background. The row exists before its task is queued."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40, choices=ReportKind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_jobs"
    )
    # The council the report is about; access to the file follows access to it.
    subject_council = models.ForeignKey(
        "regions.Council", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # True when the report includes the council's confidential material.
    is_confidential = models.BooleanField(default=False)
    params = models.JSONField(default=dict, blank=True)
    batch = models.ForeignKey(
        ReportBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs"
    )
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written by the worker while it makes the report; a running job whose heartbeat stops
    # lost its worker (reports.services.report_reclaim_stale).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.title}"

    @property
    def title(self) -> str:
        if self.subject_council_id:
            return self.subject_council.name
        return self.get_kind_display()

    @property
    def filename(self) -> str:
        name = self.subject_council.name if self.subject_council_id else self.kind
        slug = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
        return f"{self.kind.replace('_', '-')}-{slug}-{self.created_at:%Y-%m-%d}.pdf"

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)
