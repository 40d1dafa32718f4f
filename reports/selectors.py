"""Reads for report jobs: a person sees only the reports they asked for and may still see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet
from django.http import Http404

from cib_portal import access
from regions.models import Council, Region

from . import permissions
from .models import ReportBatch, ReportJob, ReportStatus

if TYPE_CHECKING:
    from accounts.models import User


def report_list(*, user: User) -> QuerySet[ReportJob]:
    """The user's own report jobs, newest first."""
    if not access.is_member(user):
        return ReportJob.objects.none()
    return ReportJob.objects.filter(requested_by=user).select_related("subject_council")


def batch_get(*, user: User, batch_id: Any) -> ReportBatch:
    """A batch the user asked for (and may still ask for), or Http404."""
    batch = ReportBatch.objects.select_related("region").filter(pk=batch_id).first()
    if batch is None or batch.requested_by_id != user.pk or not access.is_national_staff(user):
        raise Http404
    return batch


def batch_progress(*, batch: ReportBatch) -> dict[str, int]:
    """How many of the batch's reports are queued, in progress, ready and failed."""
    counts = dict(batch.jobs.order_by().values_list("status").annotate(n=Count("pk")))
    total = sum(counts.values())
    finished = counts.get(ReportStatus.DONE, 0) + counts.get(ReportStatus.FAILED, 0)
    return {
        "total": total,
        "done": counts.get(ReportStatus.DONE, 0),
        "failed": counts.get(ReportStatus.FAILED, 0),
        "waiting": total - finished,
        "percent": round(100 * finished / total) if total else 100,
    }


def report_get(*, user: User, job_id: Any) -> ReportJob:
    """One job the user may see, or Http404."""
    job = ReportJob.objects.select_related("subject_council").filter(pk=job_id).first()
    if job is None or not permissions.can_view_report(user, job):
        raise Http404
    return job


def batch_council_count(*, region: Region | None) -> int:
    """How many data profiles a batch for `region` (None: every council in England) would make."""
    councils = Council.objects.all()
    if region is not None:
        councils = councils.filter(region=region)
    return councils.count()
