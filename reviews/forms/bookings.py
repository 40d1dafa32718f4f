"""Forms for booking a review or diagnostic (one question a page) and managing a booking."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone

from cib_portal.forms import GovUKDateInput
from regions.models import Council, Region

from ..models import BookingStatus, ChargingBasis, Product
from ..selectors.pipeline import STAGE_LABELS

HEADING = {"data-govuk-legend": "l"}


# A page that says something before its question has the h1 above that and the question as
# a medium legend below it (GOV.UK: asking complex questions without hint text).
QUESTION = {"data-govuk-legend": "m"}


class CouncilStepForm(forms.Form):
    page_heading = "Which council is the booking for?"

    council = forms.ModelChoiceField(
        queryset=Council.objects.none(),
        label="Choose the council",
        widget=forms.RadioSelect(attrs=QUESTION),
        empty_label=None,
        error_messages={"required": "Select the council the booking is for"},
    )

    def __init__(self, *args, councils=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils


class ProductStepForm(forms.Form):
    page_heading = "What would you like to book?"

    product = forms.ModelChoiceField(
        queryset=Product.objects.filter(is_active=True),
        label="Choose a review or diagnostic",
        widget=forms.RadioSelect(attrs=QUESTION),
        empty_label=None,
        error_messages={"required": "Select a review or diagnostic"},
    )


class GovUKMonthInput(GovUKDateInput):
    """The GOV.UK date input with only month and year; the value is the month's first day."""

    parts = (("month", "Month", 2), ("year", "Year", 4))

    def decompress(self, value):
        if isinstance(value, str) and value.count("-") == 2:
            year, month, _day = value.split("-")
            return [month, year]
        if hasattr(value, "month"):
            return [value.month, value.year]
        return [None, None]

    def value_from_datadict(self, data, files, name):
        month, year = (
            (v or "").strip()
            for v in forms.MultiWidget.value_from_datadict(self, data, files, name)
        )
        if not (month or year):
            return None
        if month.isdigit() and year.isdigit():
            try:
                return date(int(year), int(month), 1).isoformat()
            except ValueError:
                pass
        return f"{year}-{month}-??"


class DateStepForm(forms.Form):
    page_heading = "When would you like the team to be on site?"

    first_on_site_day = forms.DateField(
        label="First on-site day",
        help_text="For example, 27 3 2027.",
        required=False,
        widget=GovUKDateInput(attrs={"data-govuk-legend": "m"}),
        error_messages={"invalid": "The first on-site day must be a real date"},
    )
    preferred_month = forms.DateField(
        label="Or, if you only know the month you would prefer",
        help_text="For example, 6 2027. The LGA will agree the exact day with you.",
        required=False,
        widget=GovUKMonthInput(attrs={"data-govuk-legend": "m"}),
        error_messages={"invalid": "The preferred month must be a real month, like 6 2027"},
    )

    def __init__(self, *args, initial=None, **kwargs):
        initial = dict(initial or {})
        if initial.get("preferred_month"):
            initial.pop("first_on_site_day", None)
        super().__init__(*args, initial=initial, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        day, month = data.get("first_on_site_day"), data.get("preferred_month")
        today = timezone.localdate()
        if day and month:
            self.add_error("preferred_month", "Give either a day or a month, not both")
        elif not (day or month):
            self.add_error(
                "first_on_site_day", "Enter the first on-site day, or the month you would prefer"
            )
        elif day and day <= today:
            self.add_error("first_on_site_day", "The first on-site day must be in the future")
        elif month and month <= today.replace(day=1):
            self.add_error("preferred_month", "The preferred month must be after this month")
        elif month:
            data["first_on_site_day"] = month
        return data


class ScopeStepForm(forms.Form):
    scope = forms.CharField(
        label="What should the review look at?",
        help_text="The services and the part of the child's journey in scope.",
        widget=forms.Textarea(attrs={"rows": 5, **HEADING}),
        max_length=5000,
        error_messages={"required": "Enter what the review should look at"},
    )
    key_lines_of_enquiry = forms.CharField(
        label="Key lines of enquiry (optional)",
        help_text="The questions you want the team to answer, one a line.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        required=False,
    )


class ContactStepForm(forms.Form):
    page_heading = "Who should the LGA contact about this booking?"

    contact_name = forms.CharField(
        label="Full name of the council's contact",
        max_length=200,
        error_messages={"required": "Enter the contact's full name"},
    )
    contact_email = forms.EmailField(
        label="Contact's email address",
        max_length=254,
        error_messages={
            "required": "Enter the contact's email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )


class ConfirmForm(forms.Form):
    """On the check page: the charging basis asked for when the booking is not free."""

    charging_basis = forms.ChoiceField(
        label="How would you like to pay?",
        choices=[
            (ChargingBasis.SUBSIDISED, "Subsidised"),
            (ChargingBasis.WHOLE_COST, "Whole cost"),
        ],
        widget=forms.RadioSelect(attrs={"data-govuk-legend": "m"}),
        error_messages={"required": "Select subsidised or whole cost"},
    )

    def __init__(self, *args, choose=True, prices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not choose:
            del self.fields["charging_basis"]
        elif prices:
            self.fields["charging_basis"].choices = [
                (basis, f"{label}: {prices[basis]}")
                for basis, label in self.fields["charging_basis"].choices
            ]

    @classmethod
    def charged_after(cls, message: str, *, prices: dict) -> ConfirmForm:
        """The free review was taken: the form again, asking for a charged basis (nothing
        chosen), with why as its only error."""
        form = cls({}, choose=True, prices=prices)
        form.full_clean()
        form.errors.clear()
        form.add_error(None, message)
        return form


class RescheduleForm(forms.Form):
    first_on_site_day = forms.DateField(
        label="New first on-site day",
        help_text="For example, 27 3 2027. A free review is checked again against the "
        "three-year entitlement.",
        widget=GovUKDateInput(),
        error_messages={
            "required": "Enter the new first on-site day",
            "invalid": "The first on-site day must be a real date",
        },
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter the reason"},
    )

    def __init__(self, *args, label="Reason", required_message="Enter the reason", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = required_message


class BookingFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *BookingStatus.choices]
    )
    product = forms.ModelChoiceField(
        label="Review or diagnostic",
        required=False,
        queryset=Product.objects.all(),
        empty_label="Any",
        to_field_name="code",
    )
    region = forms.ModelChoiceField(
        label="Region",
        required=False,
        queryset=Region.objects.all(),
        empty_label="Any region",
        to_field_name="gss_code",
    )
    # The bookings behind a count of the pipeline: its heading and the week (its Monday) the
    # first on-site day falls in. Not drawn in the form: the list says them in words.
    stage = forms.ChoiceField(
        required=False, choices=[("", ""), *STAGE_LABELS.items()], widget=forms.HiddenInput
    )
    week = forms.DateField(required=False, widget=forms.HiddenInput)
