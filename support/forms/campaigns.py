"""Forms for campaigns: a council's application and national staff's decision on one."""

from __future__ import annotations

from django import forms

from cib_portal.forms import GovUKDateInput
from regions.models import Council

from ..models.campaigns import ApplicationDecision
from ..models.offers import SupportOffer

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


class CampaignForm(forms.Form):
    """A campaign's window, cap and words (the code only when it is made)."""

    code = forms.SlugField(
        max_length=60,
        help_text="Used in the campaign's web address, e.g. pbr-pathfinders",
        error_messages={
            "required": "Enter a code",
            "invalid": "The code may use only letters, numbers, hyphens and underscores",
        },
    )
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the name"})
    description = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    how_to_apply = forms.CharField(
        label="How to apply",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    opens_on = forms.DateField(
        label="Opens on",
        widget=GovUKDateInput(),
        help_text="For example, 1 5 2027",
        error_messages={
            "required": "Enter the day the window opens",
            "invalid": "The opening day must be a real date",
        },
    )
    closes_on = forms.DateField(
        label="Closes on",
        widget=GovUKDateInput(),
        help_text="The last day applications are taken, for example, 27 5 2027",
        error_messages={
            "required": "Enter the day the window closes",
            "invalid": "The closing day must be a real date",
        },
    )
    cap = forms.IntegerField(
        label="Cap (optional)",
        required=False,
        min_value=1,
        help_text="The most councils that can be selected, e.g. 30. Leave empty for no cap.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
        error_messages={
            "invalid": "The cap must be a whole number",
            "min_value": "The cap must be at least 1",
        },
    )
    offer = forms.ModelChoiceField(
        label="Part of the offer (optional)",
        required=False,
        queryset=SupportOffer.objects.filter(kind__in=["campaign", "pathfinder"]),
        empty_label="None",
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "The closing day must be on or after the opening day")
        return data
