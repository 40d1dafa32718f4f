"""Capacity and the pipeline of reviews."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cib_portal import access
from regions.models import Region

from .. import permissions, pipeline
from ..models import Product


class PipelineFilterForm(forms.Form):
    by = forms.ChoiceField(
        label="Count by",
        required=False,
        choices=[("month", "Month"), ("week", "Week")],
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
    )
    year = forms.IntegerField(
        label="Year",
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
    )
    product = forms.ModelChoiceField(
        label="Product", required=False, queryset=Product.objects.all(), empty_label="All"
    )
    region = forms.ModelChoiceField(
        label="Region", required=False, queryset=Region.objects.all(), empty_label="All"
    )
    # From a home's "next weeks", which may run into the next year: every week from this day
    # on. A year typed in the form wins over it.
    start = forms.DateField(required=False, widget=forms.HiddenInput)


class CapacityForm(forms.Form):
    weekly_cap = forms.IntegerField(
        label="Most reviews on site in the same week",
        min_value=1,
        max_value=100,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the most reviews on site in a week",
            "invalid": "The cap must be a whole number, like 3",
            "min_value": "The cap must be at least 1",
            "max_value": "The cap must be 100 or fewer",
        },
    )


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
            pipeline.weekly_cap_set(cap=cap_form.cleaned_data["weekly_cap"], actor=request.user)
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
