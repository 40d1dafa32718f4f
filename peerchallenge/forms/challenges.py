"""Forms of a challenge's workspace (GOV.UK rendering comes from the form renderer)."""

from __future__ import annotations

from datetime import date

from django import forms

from cib_portal.forms import GovUKDateInput
from peerchallenge.documents import ChallengeFileField
from peerchallenge.models import ActionStatus, Challenge, ChallengeStatus
from regions.models import Region


def _text(label: str, *, rows: int = 6, help_text: str = "", required: bool = False):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _date(label: str, *, required: bool, help_text: str = "For example, 27 3 2027."):
    return forms.DateField(
        label=label,
        help_text=help_text,
        required=required,
        widget=GovUKDateInput(),
        error_messages={
            "invalid": f"{label} must be a real date",
            "required": f"Enter the {label[0].lower()}{label[1:]}",
        },
    )


class ChallengeFilterForm(forms.Form):
    q = forms.CharField(label="Council name", required=False, max_length=100)
    year = forms.TypedChoiceField(label="Year", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *ChallengeStatus.choices]
    )
    region = forms.ModelChoiceField(
        label="Region",
        required=False,
        queryset=Region.objects.order_by("name"),
        empty_label="Any region",
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Any year")] + [(y, str(y)) for y in years]


class SelfAssessmentForm(forms.Form):
    summary = _text(
        "Summary", rows=5, help_text="In a few lines: where you are and what you want to test."
    )
    understanding = _text(
        "Understanding: what we know about our services and children",
        help_text="Your data, audits and what children, families and staff tell you.",
    )
    planning = _text(
        "Planning: our priorities and how we will act",
        help_text="Your priorities and the plans that carry them.",
    )
    doing = _text("Doing: what we have done and its impact")
    reviewing = _text("Reviewing: how we know it is working")


class DocumentForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title for the document"},
    )
    file = ChallengeFileField(label="Upload a file")


class LineOfEnquiryForm(forms.Form):
    text = forms.CharField(
        label="Line of enquiry",
        help_text="A question the challengers will look at, for example "
        "“How well do leaders know the quality of practice at the front door?”",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the line of enquiry"},
    )
    position = forms.IntegerField(
        label="Order",
        help_text="Lines are listed from the lowest number.",
        min_value=0,
        max_value=999,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter the order, a whole number from 0 to 999",
            "invalid": "The order must be a whole number from 0 to 999",
            "min_value": "The order must be a whole number from 0 to 999",
            "max_value": "The order must be a whole number from 0 to 999",
        },
    )


class OnSiteDatesForm(forms.Form):
    starts_on = _date("First on-site day", required=True)
    ends_on = _date("Last on-site day", required=True)

    def __init__(self, *args, challenge: Challenge, **kwargs):
        super().__init__(*args, **kwargs)
        self.challenge = challenge

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        programme = self.challenge.programme
        if start and end and end < start:
            self.add_error("ends_on", "The last on-site day must be the same as or after the first")
        within = f"{programme.starts_on:%-d %B %Y} to {programme.ends_on:%-d %B %Y}"
        if start and not programme.starts_on <= start <= programme.ends_on:
            self.add_error(
                "starts_on", f"The first on-site day must be within the programme, {within}"
            )
        if end and not programme.starts_on <= end <= programme.ends_on:
            self.add_error(
                "ends_on", f"The last on-site day must be within the programme, {within}"
            )
        return data


class AttendeeForm(forms.Form):
    name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter the full name"}
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter the email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    role = forms.CharField(label="Role or job title (optional)", max_length=200, required=False)
    organisation = forms.CharField(label="Organisation (optional)", max_length=200, required=False)

    def __init__(self, *args, challenge: Challenge, attendee_pk: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.challenge = challenge
        self.attendee_pk = attendee_pk

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        others = self.challenge.attendees.filter(email__iexact=email)
        if self.attendee_pk:
            others = others.exclude(pk=self.attendee_pk)
        if others.exists():
            raise forms.ValidationError(
                f"{email} is already an attendee of this challenge: change that entry instead"
            )
        return email


class FeedbackLetterForm(forms.Form):
    summary = _text("Summary", rows=5)
    strengths = _text("Strengths", rows=8)
    areas_to_consider = _text("Areas to consider", rows=8)


class ActionForm(forms.Form):
    title = forms.CharField(
        label="Action", max_length=300, error_messages={"required": "Enter the action"}
    )
    owner = forms.CharField(
        label="Owner",
        help_text="The person or team responsible.",
        max_length=200,
        error_messages={"required": "Enter who owns the action"},
    )
    due_on = _date("Due date", required=True)
    status = forms.ChoiceField(
        label="Status", choices=ActionStatus.choices, widget=forms.RadioSelect
    )
    evidence = _text("Evidence (optional)", rows=4, help_text="What shows the action is done.")
    evidence_file = ChallengeFileField(label="Evidence file (optional)", required=False)
    remove_evidence_file = forms.BooleanField(
        label="Remove the current evidence file", required=False
    )

    def __init__(self, *args, has_file: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_file:
            del self.fields["remove_evidence_file"]


class FollowUpForm(forms.Form):
    follow_up_months = forms.IntegerField(
        label="Months after the challenge",
        help_text="From 1 to 24. Used when no date is given below.",
        min_value=1,
        max_value=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter the number of months, from 1 to 24",
            "invalid": "The number of months must be a whole number from 1 to 24",
            "min_value": "The number of months must be from 1 to 24",
            "max_value": "The number of months must be from 1 to 24",
        },
    )
    follow_up_on = _date(
        "Follow-up review date (optional)",
        required=False,
        help_text="Set a date to use it instead of the months. For example, 27 3 2027.",
    )
    follow_up_notes = _text("Notes of the follow-up review (optional)", rows=6)
    follow_up_completed_on = _date(
        "Date the follow-up review was completed (optional)",
        required=False,
        help_text="Giving a date closes the challenge. For example, 27 3 2027.",
    )

    def clean_follow_up_completed_on(self):
        day = self.cleaned_data.get("follow_up_completed_on")
        if day and day > date.today():
            raise forms.ValidationError("The date the review was completed must be today or before")
        return day
