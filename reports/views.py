"""Asking for a report, watching its progress, and downloading it."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cib_portal import access
from regions.selectors import council_detail

from . import selectors, services
from .models import ReportStatus


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
    return render(
        request, "reports/job_list.html", {"page_obj": page_obj, "jobs": page_obj.object_list}
    )


@login_required
@require_POST
def council_profile_request(request: HttpRequest, gss_code: str) -> HttpResponse:
    council = council_detail(user=request.user, gss_code=gss_code)
    job = services.report_request_council_profile(user=request.user, council=council)
    return redirect("reports:job_detail", job_id=job.pk)


@login_required
def job_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    job = selectors.report_get(user=request.user, job_id=_job_id(job_id))
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
    job = selectors.report_get(user=request.user, job_id=_job_id(job_id))
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": job.progress,
            "error": job.error,
            "download_url": reverse("reports:job_download", args=[job.pk])
            if job.status == ReportStatus.DONE
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
    response["Cache-Control"] = "private, no-store"
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
