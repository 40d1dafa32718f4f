"""Asking for reports and making them (the task is a thin wrapper over `report_render`)."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from regions.models import Council, Region

from .models import ReportBatch, ReportJob, ReportKind, ReportStatus


class ReportError(Exception):
    """A report cannot be asked for or made; the message says why."""


def report_request_council_profile(*, user: Any, council: Council) -> ReportJob:
    """Ask for a council's summary as a PDF; the job is queued when the transaction commits."""
    job = ReportJob.objects.create(
        kind=ReportKind.COUNCIL_PROFILE, requested_by=user, subject_council=council
    )
    report_enqueue(job=job)
    return job


def report_request_data_profile(
    *, user: Any, council: Council, include_local: bool = False
) -> ReportJob:
    """Ask for a council's data profile as a PDF. It is published data unless the council's
    local indicators are included, and then access to it follows access to the council's
    local indicators (access.can_view_local_indicators)."""
    job = ReportJob.objects.create(
        kind=ReportKind.DATA_PROFILE,
        requested_by=user,
        subject_council=council,
        is_confidential=include_local,
        params={"include_local": include_local},
    )
    report_enqueue(job=job)
    return job


@transaction.atomic
def report_batch_data_profiles(*, user: Any, region: Region | None = None) -> ReportBatch:
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


def report_render(*, job_id: str) -> ReportJob:
    """Make the job's PDF and store it on the job. Safe to run again for the same job."""
    from cib_portal.tasks import heartbeat

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
    renderers = {
        ReportKind.COUNCIL_PROFILE: _render_council_profile,
        ReportKind.DATA_PROFILE: _render_data_profile,
        ReportKind.REVIEW_REPORT: _render_review_report,
        ReportKind.FEEDBACK_LETTER: _render_feedback_letter,
        ReportKind.FUNDS_RETURN: _render_funds_return,
        "risk_dashboard": _render_risk_dashboard,
    }

    def beat() -> None:
        ReportJob.objects.filter(pk=job.pk, status=ReportStatus.RUNNING).update(
            heartbeat_at=timezone.now()
        )

    with heartbeat(beat, every=settings.REPORTS_HEARTBEAT_SECONDS):
        if settings.REPORTS_RENDER_DELAY_SECONDS:
            time.sleep(settings.REPORTS_RENDER_DELAY_SECONDS)
        pdf = renderers[job.kind](job)
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


def report_request_review_report(*, user: Any, booking) -> ReportJob:
    """Ask for a published review report as a PDF: confidential to those who may see the
    council's confidential material."""
    job = ReportJob.objects.create(
        kind=ReportKind.REVIEW_REPORT,
        requested_by=user,
        subject_council=booking.council,
        is_confidential=True,
        params={"booking_id": booking.pk},
    )
    report_enqueue(job=job)
    return job


def _render_review_report(job: ReportJob) -> bytes:
    from weasyprint import HTML

    from reviews.models import Booking

    booking = Booking.objects.select_related("council__region", "product", "report").get(
        pk=job.params["booking_id"]
    )
    team = list(booking.team.filter(is_active=True).select_related("reviewer"))
    _progress(job, 40)
    html = render_to_string(
        "reports/pdf/review_report.html",
        {
            "booking": booking,
            "report": booking.report,
            "team": team,
            "generated_at": timezone.now(),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def report_request_feedback_letter(*, user: Any, challenge) -> ReportJob:
    """Ask for a peer challenge's feedback letter as a PDF: access to it follows access to the
    challenge (access.can_view_report)."""
    job = ReportJob.objects.create(
        kind=ReportKind.FEEDBACK_LETTER,
        requested_by=user,
        subject_council=challenge.host,
        is_confidential=True,
        params={"challenge_id": challenge.pk},
    )
    report_enqueue(job=job)
    return job


def _render_feedback_letter(job: ReportJob) -> bytes:
    from weasyprint import HTML

    from peerchallenge.models import Challenge, FeedbackLetter

    challenge = Challenge.objects.select_related("host__region", "programme__region").get(
        pk=job.params["challenge_id"]
    )
    letter = FeedbackLetter.objects.select_related("issued_by").get(challenge=challenge)
    challengers = list(challenge.challengers.select_related("council", "person"))
    _progress(job, 40)
    html = render_to_string(
        "reports/pdf/feedback_letter.html",
        {
            "challenge": challenge,
            "letter": letter,
            "challengers": challengers,
            "generated_at": timezone.now(),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def _render_council_profile(job: ReportJob) -> bytes:
    from weasyprint import HTML

    from regions.selectors import council_detail

    council = council_detail(user=job.requested_by, gss_code=job.subject_council.gss_code)
    _progress(job, 30)
    html = render_to_string(
        "reports/pdf/council_profile.html",
        {
            "council": council,
            "neighbours": list(council.neighbour_links.all()),
            "inspections": list(council.inspections.all()),
            "generated_at": timezone.now(),
            "requested_by": job.requested_by,
        },
    )
    _progress(job, 60)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def _render_data_profile(job: ReportJob) -> bytes:
    """The data profile PDF: the same partials, figures and charts as the page."""
    from weasyprint import HTML

    from cib_portal import access
    from datasets import selectors as data_selectors

    council = job.subject_council
    context = data_selectors.data_profile(council=council)
    _progress(job, 30)
    local_rows: list[dict] = []
    if job.params.get("include_local") and access.can_view_local_indicators(
        job.requested_by, council
    ):
        from datasets.local import local_profile_rows

        local_rows = local_profile_rows(user=job.requested_by, council=council)
    html = render_to_string(
        "reports/pdf/data_profile.html",
        {
            **context,
            "local_rows": local_rows,
            "include_local": bool(local_rows),
            "generated_at": timezone.now(),
            "requested_by": job.requested_by,
            "for_pdf": True,
        },
    )
    _progress(job, 60)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def report_request_funds_return(*, user: Any, ret) -> ReportJob:
    """Ask for a region's quarterly return to CIB as a PDF: access to it follows access to the
    region's funds (access.can_view_report)."""
    job = ReportJob.objects.create(
        kind=ReportKind.FUNDS_RETURN,
        requested_by=user,
        subject_council=None,
        is_confidential=True,
        params={"return_id": ret.pk},
    )
    report_enqueue(job=job)
    return job


def _render_funds_return(job: ReportJob) -> bytes:
    from weasyprint import HTML

    from funds.models import QuarterlyReturn
    from funds.returns import (
        FIGURE_HEADINGS,
        computed_at,
        figure_rows,
        figures_for_display,
        is_overdue,
        quarter_period,
    )

    ret = QuarterlyReturn.objects.select_related(
        "agreement__region", "drafted_by", "signed_off_by", "submitted_by", "reviewed_by"
    ).get(pk=job.params["return_id"])
    figures, frozen = figures_for_display(ret)
    _progress(job, 40)
    html = render_to_string(
        "reports/pdf/funds_return.html",
        {
            "ret": ret,
            "agreement": ret.agreement,
            "headings": [label for _, label in FIGURE_HEADINGS],
            "rows": figure_rows(figures),
            "frozen": frozen,
            "computed_at": computed_at(figures) if frozen else None,
            "overdue": is_overdue(ret),
            "period": quarter_period(ret.agreement.financial_year, ret.quarter),
            "generated_at": timezone.now(),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def report_request_risk_dashboard(*, user: Any, region: Region | None = None) -> ReportJob:
    """Ask for the early support dashboard (England, or one region) as a PDF: confidential, so
    access to it follows access.can_view_risk_dashboard for params["region_id"]."""
    job = ReportJob.objects.create(
        kind=ReportKind("risk_dashboard"),
        requested_by=user,
        subject_council=None,
        is_confidential=True,
        params={"region_id": region.pk if region is not None else None},
    )
    report_enqueue(job=job)
    return job


def _render_risk_dashboard(job: ReportJob) -> bytes:
    from weasyprint import HTML

    from earlysupport.dashboards import audience_for_pdf, dashboard_picture

    region_id = job.params.get("region_id")
    picture = dashboard_picture(audience_for_pdf(region_id))
    _progress(job, 40)
    html = render_to_string(
        "reports/pdf/risk_dashboard.html",
        {
            "picture": picture,
            "region": picture.regions[0] if region_id is not None and picture.regions else None,
            "flagged": [r for r in picture.rows if r.open_flags],
            "generated_at": timezone.now(),
            "requested_by": job.requested_by,
        },
    )
    _progress(job, 60)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
