"""Forms for a council's local indicators: the indicator, one value, a CSV of values."""

from __future__ import annotations

from django import forms

from cib_portal.forms import CsvFileField
from regions.models import Council

from ..models import Polarity, Unit

MAX_VALUES_FILE_BYTES = 1024 * 1024


class LocalIndicatorForm(forms.Form):
    council = forms.ModelChoiceField(
        queryset=Council.objects.none(),
        label="Council",
        error_messages={"required": "Select the council this indicator belongs to"},
    )
    name = forms.CharField(
        label="Name",
        max_length=300,
        error_messages={"required": "Enter the indicator's name"},
    )
    unit = forms.ChoiceField(
        label="Unit",
        choices=Unit.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the unit"},
    )
    polarity = forms.ChoiceField(
        label="Is a higher value better?",
        choices=Polarity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether higher or lower is better"},
    )
    definition = forms.CharField(
        label="Definition (optional)",
        help_text="What is counted, and how, so others read the figures rightly.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, councils=None, **kwargs):
        super().__init__(*args, **kwargs)
        if councils is None:
            del self.fields["council"]
        else:
            self.fields["council"].queryset = councils
            if councils.count() == 1:
                self.fields["council"].initial = councils.first()
                self.fields["council"].widget = forms.HiddenInput()


class LocalValueForm(forms.Form):
    period = forms.CharField(
        label="Period",
        max_length=40,
        help_text="For example, 2024-25, 2024 or Q1 2025-26.",
        error_messages={"required": "Enter the period, like 2024-25"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    value = forms.CharField(
        label="Value",
        max_length=30,
        help_text="A number, or a symbol: c (suppressed), x (not available), z (not applicable).",
        error_messages={"required": "Enter the value"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
    )


class LocalValuesUploadForm(forms.Form):
    file = CsvFileField(
        max_bytes=MAX_VALUES_FILE_BYTES,
        help_text="Two columns with the headings period and value, one row per period. Up to 1 MB.",
    )
