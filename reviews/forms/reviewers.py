"""The reviewer register's forms: the filter, a reviewer, unavailable days, the import and
the records (accreditation, conflict of interest, past employer)."""

from __future__ import annotations

from django import forms

from cib_portal.forms import CsvFileField, GovUKDateInput
from regions.models import Council

from ..models import ReviewerType

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class ReviewerFilterForm(forms.Form):
    q = forms.CharField(label="Search by name, email or organisation", required=False)
    type = forms.ChoiceField(
        label="Reviewer type", required=False, choices=[("", "Any type"), *ReviewerType.choices]
    )
    accreditation = forms.ChoiceField(
        label="Accreditation",
        required=False,
        choices=[("", "Any"), ("current", "Accredited today"), ("lapsed", "Not accredited today")],
    )


class ReviewerForm(forms.Form):
    name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter the reviewer's name"}
    )
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter the reviewer's email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    home_council = forms.ModelChoiceField(
        label="Council they work for (optional)",
        queryset=Council.objects.order_by("name"),
        required=False,
        empty_label="None (not council staff)",
    )
    organisation = forms.CharField(label="Organisation (optional)", required=False, max_length=200)
    types = forms.MultipleChoiceField(
        label="Reviewer types",
        choices=ReviewerType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one reviewer type"},
    )
    is_active = forms.BooleanField(
        label="On the register (uncheck to retire the reviewer)", required=False, initial=True
    )


class UnavailabilityForm(forms.Form):
    first_day = forms.DateField(
        label="First day unavailable",
        widget=GovUKDateInput(),
        help_text="For example, 27 3 2027",
        error_messages={
            "required": "Enter the first day",
            "invalid": "The first day must be a real date",
        },
    )
    last_day = forms.DateField(
        label="Last day unavailable",
        widget=GovUKDateInput(),
        help_text="The same as the first day for a single day",
        error_messages={
            "required": "Enter the last day",
            "invalid": "The last day must be a real date",
        },
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("first_day") and data.get("last_day") and data["last_day"] < data["first_day"]:
            self.add_error("last_day", "The last day must be the same as or after the first day")
        return data


class ReviewersUploadForm(forms.Form):
    file = CsvFileField(
        max_bytes=MAX_IMPORT_BYTES, help_text="Up to 2 MB, with the columns shown above."
    )


def _date_field(label: str, required: bool = True, hint: str = "") -> forms.DateField:
    name = label.lower()
    return forms.DateField(
        label=label,
        required=required,
        widget=GovUKDateInput(),
        help_text=hint or "For example, 27 3 2027",
        error_messages={
            "required": f"Enter the {name}",
            "invalid": f"The {name} must be a real date",
        },
    )


class AccreditationForm(forms.Form):
    reviewer_type = forms.ChoiceField(
        label="Accredited as",
        choices=ReviewerType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the reviewer is accredited as"},
    )
    valid_from = _date_field("Start date")
    expires_on = _date_field("Expiry date", hint="The last day the accreditation is valid")


class ConflictForm(forms.Form):
    council = forms.ModelChoiceField(
        label="Council",
        queryset=Council.objects.order_by("name"),
        error_messages={"required": "Select the council"},
    )
    reason = forms.CharField(
        label="Reason", max_length=300, error_messages={"required": "Enter the reason"}
    )


class EmploymentForm(forms.Form):
    council = forms.ModelChoiceField(
        label="Council",
        queryset=Council.objects.order_by("name"),
        error_messages={"required": "Select the council"},
    )
    worked_from = _date_field("Start date")
    worked_until = _date_field(
        "End date", required=False, hint="Leave empty if they still work there"
    )
