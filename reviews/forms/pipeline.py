"""The pipeline's filter and the weekly cap."""

from __future__ import annotations

from django import forms

from regions.models import Region

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
