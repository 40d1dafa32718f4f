"""Forms for the spend request pages: money in pounds and pence, filters, decisions, evidence."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms

from cib_portal.years import year_label
from regions.models import Region

from ..evidence import EvidenceFileField
from ..models import Purpose, SpendStatus

MONEY_PATTERN = re.compile(r"^-?\d+(\.\d+)?$")
MAX_PENCE = 10**13  # £100 billion: far above any agreement, within a BigIntegerField


def parse_pounds(text: str) -> int:
    """ "1,234.56" or "£1234.5" -> 123456 pence, with Decimal (never float).

    Raises forms.ValidationError with a message for people."""
    cleaned = (text or "").strip().replace(",", "").replace("£", "").replace(" ", "")
    if not cleaned:
        raise forms.ValidationError("Enter the amount in pounds and pence")
    if not MONEY_PATTERN.match(cleaned):
        raise forms.ValidationError("The amount must be in pounds and pence, like 1250 or 1250.50")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already refuses these
        raise forms.ValidationError("The amount must be in pounds and pence") from exc
    if amount.as_tuple().exponent < -2:
        raise forms.ValidationError("The amount must have no more than 2 decimal places")
    if amount <= 0:
        raise forms.ValidationError("The amount must be more than £0")
    pence = int(amount * 100)
    if pence >= MAX_PENCE:
        raise forms.ValidationError("The amount is too large")
    return pence


class MoneyField(forms.CharField):
    """Pounds and pence typed as text; cleans to integer pence."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("error_messages", {"required": "Enter the amount in pounds and pence"})
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "class": "govuk-input--width-10",
                    "inputmode": "decimal",
                    "spellcheck": "false",
                }
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if text in self.empty_values:
            return None
        return parse_pounds(text)


def _description() -> forms.CharField:
    return forms.CharField(
        label="What is the money for?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example the event, the training or the work, and who it is for.",
        error_messages={"required": "Describe what the money is for"},
    )


def _supplier() -> forms.CharField:
    return forms.CharField(
        label="Supplier (optional)",
        max_length=200,
        required=False,
        help_text="Who will be paid, if you know.",
    )


def _amount() -> MoneyField:
    return MoneyField(label="Amount", help_text="In pounds and pence, for example 1250.50.")


class SpendRequestForm(forms.Form):
    purpose = forms.ChoiceField(
        label="Purpose",
        choices=Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the purpose the money is for"},
    )
    amount = _amount()
    description = _description()
    supplier = _supplier()

    def __init__(self, *args, purpose_labels: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if purpose_labels:
            self.fields["purpose"].choices = [
                (value, purpose_labels.get(value, label)) for value, label in Purpose.choices
            ]


class SpendRequestEditForm(forms.Form):
    amount = _amount()
    description = _description()
    supplier = _supplier()


class SpendFilterForm(forms.Form):
    q = forms.CharField(label="Description or supplier", required=False, max_length=100)
    agreement = forms.TypedChoiceField(
        label="Agreement", required=False, coerce=int, empty_value=None
    )
    region = forms.ModelChoiceField(
        label="Region", required=False, queryset=Region.objects.none(), empty_label="Any region"
    )
    purpose = forms.ChoiceField(
        label="Purpose", required=False, choices=[("", "Any purpose"), *Purpose.choices]
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *SpendStatus.choices]
    )
    year = forms.TypedChoiceField(
        label="Financial year", required=False, coerce=int, empty_value=None
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("", "Newest first"),
            ("oldest", "Oldest first"),
            ("amount_desc", "Largest amount first"),
            ("amount", "Smallest amount first"),
        ],
    )

    def __init__(self, *args, agreements, regions, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].choices = [("", "Any agreement")] + [
            (a.pk, f"{a.region.name} {a.label}") for a in agreements
        ]
        self.fields["region"].queryset = regions
        self.fields["year"].choices = [("", "Any year")] + [(y, year_label(y)) for y in years]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Why are you rejecting the request?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The programme manager will see this and receive it by email.",
        error_messages={"required": "Enter the reason for rejecting the request"},
    )


class MarkPaidForm(forms.Form):
    payment_reference = forms.CharField(
        label="Payment reference",
        max_length=100,
        help_text="For example the invoice number or the finance system's reference.",
        error_messages={"required": "Enter the payment reference"},
    )


class EvidenceForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example “Quote from Acme Training” or “Paid invoice 1234”.",
        error_messages={"required": "Enter a title for the file"},
    )
    file = EvidenceFileField(label="Upload a file")
