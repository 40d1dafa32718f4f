"""Capacity and the pipeline of reviews."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cib_portal import access

from .. import permissions
from ..forms.pipeline import CapacityForm, PipelineFilterForm
from ..selectors import pipeline
from ..services import capacity


@login_required
def pipeline_page(request: HttpRequest) -> HttpResponse:
    access.require(permissions.can_view_review_pipeline(request.user))
    can_manage = permissions.can_manage_reviewers(request.user)
    cap_form = CapacityForm(
        request.POST if request.method == "POST" else None,
        initial={"weekly_cap": pipeline.weekly_cap()},
    )
    if request.method == "POST":
        access.require_permission(can_manage)
        if cap_form.is_valid():
            capacity.weekly_cap_set(cap=cap_form.cleaned_data["weekly_cap"], actor=request.user)
            messages.success(request, "Weekly cap saved.")
            return redirect("reviews:pipeline")
    form = PipelineFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    by = filters.get("by") or "month"
    start = None if filters.get("year") else filters.get("start")
    year = None if start else filters.get("year") or timezone.localdate().year
    rows = pipeline.pipeline_rows(
        user=request.user,
        by=by,
        year=year,
        start=start,
        product_id=filters["product"].pk if filters.get("product") else None,
        region_id=filters["region"].pk if filters.get("region") else None,
    )
    return render(
        request,
        "reviews/pipeline.html",
        {
            "form": form,
            "cap_form": cap_form,
            "can_manage": can_manage,
            "rows": rows,
            "by": by,
            "year": year,
            "start": start,
            "labels": pipeline.STAGE_LABELS,
            "cap": pipeline.weekly_cap(),
        },
    )
