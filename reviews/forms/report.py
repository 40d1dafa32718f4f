"""The review report's findings."""

from __future__ import annotations

from django import forms


class ReportForm(forms.Form):
    strengths = forms.CharField(
        label="Strengths", widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    areas_for_consideration = forms.CharField(
        label="Areas for consideration", widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    recommendations = forms.CharField(
        label="Recommendations", widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
