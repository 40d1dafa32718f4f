"""Asking for reports and making them (the task is a thin wrapper over `report_render`)."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from regions.models import Council, Region

from . import registry
from .models import ReportBatch, ReportJob, ReportKind, ReportStatus

if TYPE_CHECKING:
    from accounts.models import User


class ReportError(Exception):
    """A report cannot be asked for or made; the message says why."""


def report_request(
    *,
    user: User,
    kind: ReportKind,
    subject_council: Council | None = None,
    is_confidential: bool = False,
    params: dict[str, Any] | None = None,
) -> ReportJob:
    """Ask for a report of a registered kind; the job is queued when the transaction commits.
    The apps' `reports.py` modules say what each kind needs (its subject and params)."""
    registry.get(kind)  # a kind no app registered could never be made
    job = ReportJob.objects.create(
        kind=kind,
        requested_by=user,
        subject_council=subject_council,
        is_confidential=is_confidential,
        params=params or {},
    )
    report_enqueue(job=job)
    return job


@transaction.atomic
def report_batch_data_profiles(*, user: User, region: Region | None = None) -> ReportBatch:
    """Ask for the data profile of every council of a region (or of England) in one action.

    One job per council, each queued when the batch is committed; published data only (no
    local indicators), so every member may read them."""
    from cib_portal import access

    if not access.is_national_staff(user):
        raise ReportError("Only national staff can make the profiles of a region or of England.")
    batch = ReportBatch.objects.create(
        kind=ReportKind.DATA_PROFILE, requested_by=user, region=region
    )
    councils = Council.objects.order_by("name")
    if region is not None:
        councils = councils.filter(region=region)
    jobs = ReportJob.objects.bulk_create(
        ReportJob(
            kind=ReportKind.DATA_PROFILE,
            requested_by=user,
            subject_council=council,
            params={"include_local": False},
            batch=batch,
        )
        for council in councils
    )
    report_enqueue(jobs=jobs)
    return batch


QUEUE_UNAVAILABLE_ERROR = (
    "The report could not be started because the background service was unavailable. "
    "Nothing was lost: try again in a few minutes."
)
WORKER_LOST_ERROR = (
    "The report stopped before it was finished (the background process making it stopped). "
    "Try again."
)


def report_enqueue(*, job: ReportJob | None = None, jobs: list[ReportJob] | None = None) -> None:
    """Queue the jobs' tasks once the rows that track them are committed; if the broker is
    down, the jobs are failed with a reason and can be tried again."""
    from cib_portal.tasks import queue_on_commit

    from .tasks import generate_report

    jobs = [job] if job is not None else list(jobs or [])
    queue_on_commit(
        generate_report,
        [(str(j.pk),) for j in jobs],
        on_unavailable=lambda unsent, exc: report_unqueued(job_ids=[args[0] for args in unsent]),
    )


def report_unqueued(*, job_ids: list[str]) -> int:
    """Fail queued jobs whose task the broker would not take, so they can be tried again."""
    return ReportJob.objects.filter(pk__in=job_ids, status=ReportStatus.QUEUED).update(
        status=ReportStatus.FAILED, error=QUEUE_UNAVAILABLE_ERROR, finished_at=timezone.now()
    )


@transaction.atomic
def report_retry(*, job: ReportJob) -> ReportJob:
    """Queue a failed job again."""
    job = ReportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ReportStatus.FAILED:
        raise ReportError("Only a report that failed can be tried again.")
    job.status, job.progress, job.error, job.finished_at = ReportStatus.QUEUED, 0, "", None
    job.save(update_fields=["status", "progress", "error", "finished_at"])
    report_enqueue(job=job)
    return job


@transaction.atomic
def report_batch_retry_failed(*, batch: ReportBatch) -> int:
    """Queue the batch's failed jobs again; returns how many."""
    jobs = list(batch.jobs.select_for_update().filter(status=ReportStatus.FAILED).order_by("pk"))
    ReportJob.objects.filter(pk__in=[j.pk for j in jobs]).update(
        status=ReportStatus.QUEUED, progress=0, error="", finished_at=None
    )
    report_enqueue(jobs=jobs)
    return len(jobs)


def _stale_before() -> Any:
    return timezone.now() - timedelta(seconds=settings.REPORTS_STALE_AFTER_SECONDS)


def report_is_stale(*, job: ReportJob) -> bool:
    """True when the job says it is running but its worker stopped writing a heartbeat."""
    last = job.heartbeat_at or job.started_at
    return job.status == ReportStatus.RUNNING and last is not None and last < _stale_before()


def report_reclaim_stale(
    *, job_ids: list[Any] | None = None, batch: ReportBatch | None = None
) -> int:
    """Fail running jobs whose worker died (no heartbeat for REPORTS_STALE_AFTER_SECONDS), so
    the person sees "failed, try again" instead of waiting; all of them, or those given."""
    from cib_portal.tasks import fail_stale

    jobs = ReportJob.objects.all()
    if job_ids is not None:
        jobs = jobs.filter(pk__in=job_ids)
    if batch is not None:
        jobs = jobs.filter(batch=batch)
    return fail_stale(
        jobs,
        running=ReportStatus.RUNNING,
        since_field="started_at",
        stale_after=settings.REPORTS_STALE_AFTER_SECONDS,
        status=ReportStatus.FAILED,
        error=WORKER_LOST_ERROR,
    )


def _progress(job: ReportJob, percent: int) -> None:
    ReportJob.objects.filter(pk=job.pk).update(progress=percent, heartbeat_at=timezone.now())


def _render_pdf(spec: registry.ReportKindSpec, job: ReportJob) -> bytes:
    """The kind's template, filled with its context, as a PDF."""
    from weasyprint import HTML

    context = spec.render(job)
    _progress(job, 40)
    html = render_to_string(
        spec.template,
        {"generated_at": timezone.now(), "requested_by": job.requested_by, **context},
    )
    _progress(job, 60)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def report_render(*, job_id: str) -> ReportJob:
    """Make the job's PDF and store it on the job. Safe to run again for the same job."""
    from cib_portal.tasks import row_heartbeat

    job = ReportJob.objects.select_related("subject_council__region").get(pk=job_id)
    if job.status == ReportStatus.DONE and job.file:
        return job  # a redelivered task for a finished job has nothing to do
    now = timezone.now()
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        error="",
        attempts=job.attempts + 1,
        progress=5,
    )
    spec = registry.get(job.kind)

    with row_heartbeat(
        ReportJob.objects.filter(pk=job.pk),
        running=ReportStatus.RUNNING,
        every=settings.REPORTS_HEARTBEAT_SECONDS,
    ):
        if settings.REPORTS_RENDER_DELAY_SECONDS:
            time.sleep(settings.REPORTS_RENDER_DELAY_SECONDS)
        pdf = _render_pdf(spec, job)
    _progress(job, 90)
    job.refresh_from_db()
    if job.file:
        job.file.delete(save=False)
    job.file.save(job.filename, ContentFile(pdf), save=False)
    job.status, job.progress, job.error = ReportStatus.DONE, 100, ""
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "progress", "error", "finished_at"])
    return job


def report_fail(*, job_id: str, error: str) -> None:
    """Record on the job why it failed, in words the person who asked can act on."""
    ReportJob.objects.filter(pk=job_id).update(
        status=ReportStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )
