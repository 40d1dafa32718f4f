"""Forms for campaigns: a council's application and national staff's decision on one."""

from __future__ import annotations

from django import forms

from regions.models import Council

from ..models.campaigns import ApplicationDecision

DECISIONS = [
    (ApplicationDecision.SELECTED.value, "Selected"),
    (ApplicationDecision.RESERVE.value, "Reserve"),
    (ApplicationDecision.NOT_SELECTED.value, "Not selected"),
]


class ApplicationForm(forms.Form):
    council = forms.ModelChoiceField(
        queryset=Council.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the council that is applying"},
    )
    statement = forms.CharField(
        label="Your statement",
        help_text="Why the council wants to take part, and what it brings (up to 3,000 "
        "characters).",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Enter a short statement of why the council is applying",
            "max_length": "The statement must be 3,000 characters or fewer",
        },
    )

    def __init__(self, *args, councils=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = (
            councils if councils is not None else Council.objects.none()
        )
        self.only_council = councils[0] if councils is not None and len(councils) == 1 else None
        if self.only_council is not None:
            # One council to apply for: nothing to choose.
            self.fields["council"].widget = forms.HiddenInput()
            self.fields["council"].initial = self.only_council.pk
            self.fields["council"].required = False

    def clean_council(self) -> Council:
        return self.cleaned_data.get("council") or self.only_council

    def clean_statement(self) -> str:
        text = self.cleaned_data["statement"].strip()
        if not text:
            raise forms.ValidationError("Enter a short statement of why the council is applying")
        return text


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose selected, reserve or not selected"},
    )
    reason = forms.CharField(
        label="Reason",
        help_text="The applicant is told this reason when the selection is published.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for the decision"},
    )

    def clean_reason(self) -> str:
        text = self.cleaned_data["reason"].strip()
        if not text:
            raise forms.ValidationError("Enter the reason for the decision")
        return text
