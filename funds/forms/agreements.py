"""Forms for funding agreements: money in pounds and pence (exact Decimal, converted to integer
pence), the financial year, the signed date and the signed PDF."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.files.uploadedfile import UploadedFile

from cib_portal.documents import MAX_LABEL, check_upload, extension
from cib_portal.forms import GovUKDateInput
from regions.models import Region

from ..models import FundingAgreement, Purpose, financial_year_label

FIRST_YEAR = 2024
LAST_YEAR = 2035
MAX_POUNDS = Decimal("1000000000")  # £1 billion: far above any regional allocation


def pence_from_text(text: str, *, label: str) -> int:
    """ "1,234.56" or "£1234.5" -> 123456 pence, exactly; ValidationError naming `label`."""
    cleaned = (text or "").strip().replace(",", "").removeprefix("£").strip()
    if not cleaned:
        raise forms.ValidationError(f"Enter {label}")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise forms.ValidationError(
            f"{label[0].upper()}{label[1:]} must be an amount of money, like 1234.56"
        ) from None
    if not amount.is_finite():
        raise forms.ValidationError(
            f"{label[0].upper()}{label[1:]} must be an amount of money, like 1234.56"
        )
    if amount < 0:
        raise forms.ValidationError(f"{label[0].upper()}{label[1:]} must be £0 or more")
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise forms.ValidationError(
            f"{label[0].upper()}{label[1:]} must be in pounds and pence, with no more than "
            "2 decimal places"
        )
    if amount > MAX_POUNDS:
        raise forms.ValidationError(f"{label[0].upper()}{label[1:]} must be £1,000,000,000 or less")
    return int(amount * 100)


class PoundsField(forms.CharField):
    """Money typed in pounds and pence; cleans to integer pence."""

    def __init__(self, *, money_label: str, **kwargs):
        self.money_label = money_label
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
        )
        kwargs.setdefault("error_messages", {"required": f"Enter {money_label}"})
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        if len(text) > 20:
            raise forms.ValidationError(f"Enter {self.money_label} in pounds and pence")
        return pence_from_text(text, label=self.money_label)


class SignedDocumentField(forms.FileField):
    """The signed agreement: a real PDF (by name and by content), at most 10 MB."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": ".pdf,application/pdf"}))
        kwargs.setdefault("help_text", f"A PDF, no larger than {MAX_LABEL}.")
        kwargs.setdefault("error_messages", {"empty": "The selected file is empty"})
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial and isinstance(upload, UploadedFile):
            if extension(upload.name) != ".pdf":
                raise forms.ValidationError("The selected file must be a PDF")
            check_upload(upload)
        return upload


ALLOCATION_FIELDS = [(f"allocation_{value}", value, label) for value, label in Purpose.choices]


class _AgreementFields(forms.Form):
    terms = forms.CharField(
        label="Terms",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the region agrees to deliver with the money.",
        max_length=20_000,
    )
    threshold = PoundsField(
        label="Second-approval threshold",
        money_label="the second-approval threshold",
        help_text="Requests above this amount need the approval of two regional leads.",
    )
    signed_on = forms.DateField(
        label="Date signed",
        required=False,
        widget=GovUKDateInput(),
        help_text="For example, 27 3 2027. Leave empty if it is not signed yet.",
        error_messages={"invalid": "Date signed must be a real date"},
    )
    signed_document = SignedDocumentField(label="Signed agreement")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, _value, label in ALLOCATION_FIELDS:
            self.fields[name] = PoundsField(
                label=f"{label} allocation",
                money_label=f"the {label.lower()} allocation",
            )
        # Allocations first, after the region and year (when the form has them).
        order = [n for n in ("region", "financial_year") if n in self.fields]
        order += [n for n, _v, _l in ALLOCATION_FIELDS]
        order += ["terms", "threshold", "signed_on", "signed_document"]
        self.order_fields(order)

    def allocations(self) -> dict[str, int]:
        return {value: self.cleaned_data[name] for name, value, _label in ALLOCATION_FIELDS}


class AgreementCreateForm(_AgreementFields):
    region = forms.ModelChoiceField(
        label="Region",
        queryset=Region.objects.order_by("name"),
        empty_label="Choose a region",
        to_field_name="gss_code",
        error_messages={"required": "Choose the region", "invalid_choice": "Choose the region"},
    )
    financial_year = forms.TypedChoiceField(
        label="Financial year",
        coerce=int,
        choices=[("", "Choose a financial year")]
        + [(y, financial_year_label(y)) for y in range(FIRST_YEAR, LAST_YEAR + 1)],
        help_text="April to March.",
        error_messages={
            "required": "Choose the financial year",
            "invalid_choice": "Choose the financial year",
        },
    )

    def clean(self):
        data = super().clean()
        region, year = data.get("region"), data.get("financial_year")
        if (
            region
            and year
            and FundingAgreement.objects.filter(region=region, financial_year=year).exists()
        ):
            self.add_error(
                "financial_year",
                f"{region.name} already has an agreement for {financial_year_label(year)}",
            )
        return data


class AgreementEditForm(_AgreementFields):
    pass
