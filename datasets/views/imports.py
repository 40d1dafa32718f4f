"""Importing EES files by upload: national staff only (everyone else gets 404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cib_portal import access

from .. import services
from ..forms.imports import ImportUploadForm
from ..models import ImportRun, ImportStatus

FINISHED = (ImportStatus.SUCCEEDED, ImportStatus.FAILED)


def _run(request: HttpRequest, pk: int) -> ImportRun:
    access.require(access.is_national_staff(request.user))
    run = get_object_or_404(
        ImportRun.objects.select_related("spec", "started_by", "same_as"), pk=pk
    )
    if run.status == ImportStatus.RUNNING and services.import_run_reclaim_stale(run_ids=[run.pk]):
        run.refresh_from_db()  # its worker died: the page says failed, upload again
    return run


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    access.require(access.is_national_staff(request.user))
    runs = ImportRun.objects.select_related("spec", "started_by")[:100]
    return render(request, "datasets/imports/run_list.html", {"runs": runs})


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    access.require(access.is_national_staff(request.user))
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        run = services.import_run_start(
            user=request.user, upload=form.cleaned_data["file"], spec_name=form.spec_name()
        )
        return redirect("datasets:imports:run_detail", pk=run.pk)
    return render(request, "datasets/imports/upload.html", {"form": form})


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    outcomes = [
        {"kind": kind, "total": sum(areas.values()), "areas": sorted(areas.items())}
        for kind, areas in (run.outcomes or {}).items()
    ]
    return render(
        request,
        "datasets/imports/run_detail.html",
        {
            "run": run,
            "outcomes": outcomes,
            "finished": run.status in FINISHED,
            "progress": services.import_progress_get(run=run),
            "status_url": reverse("datasets:imports:run_status", args=[run.pk]),
        },
    )


@login_required
def run_status(request: HttpRequest, pk: int) -> JsonResponse:
    run = _run(request, pk)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "progress": services.import_progress_get(run=run),
            "finished": run.status in FINISHED,
        }
    )
