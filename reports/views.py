"""Asking for a report, watching its progress, and downloading it."""

from __future__ import annotations

import tempfile
import uuid
import zipfile

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cib_portal import access
from cib_portal.downloads import content_disposition
from regions.models import Region
from regions.selectors import council_detail

from . import selectors, services
from .models import ReportBatch, ReportKind, ReportStatus


def _job_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    access.require(access.is_member(request.user))
    page_obj = Paginator(selectors.report_list(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    batches = []
    if access.is_national_staff(request.user):
        batches = list(
            ReportBatch.objects.filter(requested_by=request.user).select_related("region")[:10]
        )
    return render(
        request,
        "reports/job_list.html",
        {"page_obj": page_obj, "jobs": page_obj.object_list, "batches": batches},
    )


@login_required
@require_POST
def council_profile_request(request: HttpRequest, gss_code: str) -> HttpResponse:
    council = council_detail(user=request.user, gss_code=gss_code)
    # The kind is regions' (regions/reports.py registers it); asking for one is reports' own.
    job = services.report_request(
        user=request.user, kind=ReportKind.COUNCIL_PROFILE, subject_council=council
    )
    return redirect("reports:job_detail", job_id=job.pk)


def _viewed_job(request: HttpRequest, job_id: str):
    """The job the user may see, failed first if its worker died (so it can be retried)."""
    job = selectors.report_get(user=request.user, job_id=_job_id(job_id))
    if services.report_is_stale(job=job) and services.report_reclaim_stale(job_ids=[job.pk]):
        job.refresh_from_db()
    return job


@login_required
def job_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _viewed_job(request, job_id)
    return render(
        request,
        "reports/job_detail.html",
        {
            "job": job,
            "status_url": reverse("reports:job_status", args=[job.pk]),
        },
    )


@login_required
def job_status(request: HttpRequest, job_id: str) -> JsonResponse:
    job = _viewed_job(request, job_id)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": job.progress,
            "error": job.error,
            "download_url": reverse("reports:job_download", args=[job.pk])
            if job.status == ReportStatus.DONE
            else None,
            # POST here to try a failed report again.
            "retry_url": reverse("reports:job_retry", args=[job.pk])
            if job.status == ReportStatus.FAILED
            else None,
        }
    )


@login_required
def job_download(request: HttpRequest, job_id: str) -> FileResponse:
    job = selectors.report_get(user=request.user, job_id=_job_id(job_id))
    if job.status != ReportStatus.DONE or not job.file:
        raise Http404
    response = FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.filename,
        content_type="application/pdf",
    )
    response["Content-Disposition"] = content_disposition(job.filename)
    return response


@login_required
@require_POST
def job_retry(request: HttpRequest, job_id: str) -> HttpResponse:
    job = selectors.report_get(user=request.user, job_id=_job_id(job_id))
    try:
        services.report_retry(job=job)
    except services.ReportError as exc:
        messages.error(request, str(exc))
    return redirect("reports:job_detail", job_id=job.pk)


class BatchForm(forms.Form):
    region = forms.ModelChoiceField(
        queryset=Region.objects.order_by("name"),
        required=False,
        empty_label="Every council in England",
        label="Which councils?",
        help_text="One data profile PDF is made for each council.",
    )
    # Set by the confirmation page's button: nothing is made until the person has seen how
    # many PDFs their choice makes and said yes.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


@login_required
def batch_create(request: HttpRequest) -> HttpResponse:
    """Choose the councils, then confirm the number of PDFs; only then are they made."""
    access.require(access.is_national_staff(request.user))
    form = BatchForm(request.POST or None, initial={"region": request.GET.get("region")})
    if request.method == "POST" and form.is_valid():
        region = form.cleaned_data["region"]
        if not form.cleaned_data["confirmed"]:
            return render(
                request,
                "reports/batch_confirm.html",
                {
                    "region": region,
                    "count": selectors.batch_council_count(region=region),
                    "change_url": reverse("reports:batch_create")
                    + (f"?region={region.pk}" if region else ""),
                },
            )
        batch = services.report_batch_data_profiles(user=request.user, region=region)
        return redirect("reports:batch_detail", batch_id=batch.pk)
    return render(request, "reports/batch_form.html", {"form": form})


@login_required
def batch_detail(request: HttpRequest, batch_id: str) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, batch_id=_job_id(batch_id))
    services.report_reclaim_stale(batch=batch)
    jobs = batch.jobs.select_related("subject_council").order_by("subject_council__name")
    return render(
        request,
        "reports/batch_detail.html",
        {
            "batch": batch,
            "jobs": jobs,
            "progress": selectors.batch_progress(batch=batch),
            "status_url": reverse("reports:batch_status", args=[batch.pk]),
        },
    )


@login_required
def batch_status(request: HttpRequest, batch_id: str) -> JsonResponse:
    batch = selectors.batch_get(user=request.user, batch_id=_job_id(batch_id))
    services.report_reclaim_stale(batch=batch)
    return JsonResponse(selectors.batch_progress(batch=batch))


@login_required
@require_POST
def batch_retry(request: HttpRequest, batch_id: str) -> HttpResponse:
    """Try the batch's failed reports again."""
    batch = selectors.batch_get(user=request.user, batch_id=_job_id(batch_id))
    services.report_batch_retry_failed(batch=batch)
    return redirect("reports:batch_detail", batch_id=batch.pk)


@login_required
def batch_zip(request: HttpRequest, batch_id: str) -> FileResponse:
    """Every finished PDF of the batch in one ZIP file."""
    batch = selectors.batch_get(user=request.user, batch_id=_job_id(batch_id))
    done = [
        job
        for job in batch.jobs.select_related("subject_council")
        if job.status == ReportStatus.DONE and job.file
    ]
    if not done:
        raise Http404
    archive = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as bundle:
        for job in done:
            with job.file.open("rb") as handle:
                bundle.writestr(job.filename, handle.read())
    archive.seek(0)
    scope = batch.region.name if batch.region_id else "England"
    slug = "".join(ch if ch.isalnum() else "-" for ch in scope.lower()).strip("-")
    filename = f"data-profiles-{slug}-{batch.created_at:%Y-%m-%d}.zip"
    response = FileResponse(
        archive, as_attachment=True, content_type="application/zip", filename=filename
    )
    response["Content-Disposition"] = content_disposition(filename)
    return response
