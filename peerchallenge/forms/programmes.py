"""Forms for the programme pages: the list's filters, creating a programme, the changes a
regional team makes to its pairings, and declaring a conflict of interest."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms

from cib_portal.forms import GovUKDateInput
from peerchallenge.models import Preference, Programme, ProgrammeModel, ProgrammeStatus
from regions.models import Council, Region

SIZE_LIMITS = {ProgrammeModel.CLUSTERS: (4, 8), ProgrammeModel.PANEL: (2, 5)}

SORTS = [
    ("newest", "Newest year first"),
    ("oldest", "Oldest year first"),
    ("region", "Region, A to Z"),
]
SORT_ORDER = {
    "newest": ["-year", "region__name"],
    "oldest": ["year", "region__name"],
    "region": ["region__name", "-year"],
}


class ProgrammeFilterForm(forms.Form):
    year = forms.TypedChoiceField(label="Year", required=False, coerce=int, empty_value=None)
    region = forms.ModelChoiceField(
        label="Region",
        required=False,
        queryset=Region.objects.order_by("name"),
        empty_label="Any region",
        to_field_name="gss_code",
    )
    model = forms.ChoiceField(
        label="Model", required=False, choices=[("", "Any model"), *ProgrammeModel.choices]
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *ProgrammeStatus.choices]
    )
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORTS)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Any year"), *((y, str(y)) for y in years)]


def _weight(label: str, help_text: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-2"}),
        error_messages={
            "required": f"Enter how much {label.lower()} counts, from 0 to 10",
            "invalid": f"{label} must be a whole number from 0 to 10",
            "min_value": f"{label} must be from 0 to 10",
            "max_value": f"{label} must be from 0 to 10",
        },
    )


class ProgrammeCreateForm(forms.Form):
    region = forms.ModelChoiceField(
        label="Region",
        queryset=Region.objects.none(),
        empty_label=None,
        error_messages={"required": "Select the region"},
    )
    year = forms.IntegerField(
        label="Year the programme starts",
        help_text="The programme runs for a financial year, for example 2027 for April 2027 to "
        "March 2028.",
        min_value=2020,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
        error_messages={
            "required": "Enter the year the programme starts",
            "invalid": "The year must be a number, like 2027",
            "min_value": "The year must be 2020 or later",
            "max_value": "The year must be 2100 or earlier",
        },
    )
    model = forms.ChoiceField(
        label="How should councils be grouped?",
        choices=ProgrammeModel.choices,
        widget=forms.RadioSelect(attrs={"data-govuk-legend": "m"}),
        error_messages={"required": "Select how councils should be grouped"},
    )
    cluster_size = forms.IntegerField(
        label="Councils in each cluster, or DCSs on each panel (optional)",
        help_text="Clusters: 4 to 8 councils (4 if left blank). Panel: 2 to 5 DCSs (3 if left "
        "blank). Not used for pairs or triads.",
        required=False,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-2"}),
        error_messages={"invalid": "The size must be a whole number"},
    )
    starts_on = forms.DateField(
        label="Start date (optional)",
        help_text="For example, 1 4 2027. Leave blank to start on 1 April of the year.",
        required=False,
        widget=GovUKDateInput(),
        error_messages={"invalid": "The start date must be a real date"},
    )
    ends_on = forms.DateField(
        label="End date (optional)",
        help_text="For example, 31 3 2028. Leave blank to end on 31 March of the next year.",
        required=False,
        widget=GovUKDateInput(),
        error_messages={"invalid": "The end date must be a real date"},
    )
    focus = forms.CharField(
        label="Focus of the programme (optional)",
        help_text="The theme the challenges will look at, for example help and protection.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    preference = forms.ChoiceField(
        label="Which councils should be paired?",
        choices=Preference.choices,
        initial=Preference.SIMILAR,
        widget=forms.RadioSelect(attrs={"data-govuk-legend": "m"}),
        error_messages={"required": "Select which councils should be paired"},
    )
    weight_context = _weight(
        "Similar or mixed context", "0 ignores it; 10 makes it count the most."
    )
    weight_travel = _weight("Travel", "How much shorter journeys count, from 0 to 10.")
    weight_balance = _weight(
        "Balance of days", "How much sharing the days evenly between DCSs counts, from 0 to 10."
    )
    days_per_challenge = forms.DecimalField(
        label="On-site days each challenger gives to a challenge",
        min_value=Decimal("0.5"),
        max_value=Decimal("10"),
        max_digits=3,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "step": "0.5"}),
        error_messages={
            "required": "Enter the on-site days each challenger gives",
            "invalid": "The days must be a number, like 2 or 2.5",
            "min_value": "The days must be at least 0.5",
            "max_value": "The days must be 10 or fewer",
            "max_digits": "The days must be 10 or fewer",
            "max_decimal_places": "Give the days to one decimal place, like 2.5",
        },
    )

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions if regions is not None else Region.objects.none()

    def clean(self):
        data = super().clean()
        model = data.get("model")
        size = data.get("cluster_size")
        if model in SIZE_LIMITS and size is not None:
            low, high = SIZE_LIMITS[model]
            what = (
                "councils in each cluster"
                if model == ProgrammeModel.CLUSTERS
                else ("DCSs on each panel")
            )
            if not low <= size <= high:
                self.add_error("cluster_size", f"The number of {what} must be {low} to {high}")
        elif model in (ProgrammeModel.PAIRS, ProgrammeModel.TRIADS):
            data["cluster_size"] = None
        year = data.get("year")
        starts_on = data.get("starts_on")
        ends_on = data.get("ends_on")
        if year and not self.has_error("starts_on") and not self.has_error("ends_on"):
            start = starts_on or date(year, 4, 1)
            end = ends_on or date(year + 1, 3, 31)
            if end < start:
                self.add_error(
                    "ends_on", "The end date must be the same as or after the start date"
                )
        region = data.get("region")
        if region and year and Programme.objects.filter(region=region, year=year).exists():
            self.add_error("year", f"{region} already has a programme for {year}")
        return data


class ParticipantAddForm(forms.Form):
    council = forms.ModelChoiceField(
        label="Council",
        queryset=Council.objects.none(),
        empty_label="Choose a council",
        error_messages={"required": "Select the council joining by agreement"},
    )
    agreement = forms.CharField(
        label="What was agreed",
        help_text="For example, agreed with the North West regional lead on 3 March.",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say what was agreed with the council joining from another region",
            "max_length": "What was agreed must be 300 characters or fewer",
        },
    )

    def __init__(self, *args, councils=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils


class ExclusionForm(forms.Form):
    council = forms.ModelChoiceField(
        label="First council",
        queryset=Council.objects.none(),
        empty_label="Choose a council",
        error_messages={"required": "Select the first council"},
    )
    other = forms.ModelChoiceField(
        label="Second council",
        queryset=Council.objects.none(),
        empty_label="Choose a council",
        error_messages={"required": "Select the second council"},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Give the reason for keeping the two councils apart",
            "max_length": "The reason must be 300 characters or fewer",
        },
    )

    def __init__(self, *args, councils=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils
        self.fields["other"].queryset = councils

    def clean(self):
        data = super().clean()
        if data.get("council") and data.get("council") == data.get("other"):
            self.add_error("other", "Choose two different councils")
        return data


class ChallengersForm(forms.Form):
    challengers = forms.ModelMultipleChoiceField(
        label="Challengers",
        queryset=Council.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one challenger"},
    )

    def __init__(self, *args, councils=None, label="Challengers", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challengers"].queryset = councils
        self.fields["challengers"].label = label


class ConflictForm(forms.Form):
    council = forms.ModelChoiceField(
        label="Your council, or a council of your region",
        queryset=Council.objects.none(),
        empty_label="Choose a council",
        error_messages={"required": "Select the council declaring the conflict"},
    )
    other = forms.ModelChoiceField(
        label="The council it has a conflict of interest with",
        queryset=Council.objects.order_by("name"),
        empty_label="Choose a council",
        error_messages={"required": "Select the other council"},
    )
    reason = forms.CharField(
        label="Reason",
        help_text="For example, the DCS was until recently the other council's deputy.",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Give the reason for the conflict of interest",
            "max_length": "The reason must be 300 characters or fewer",
        },
    )

    def __init__(self, *args, councils=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils

    def clean(self):
        data = super().clean()
        if data.get("council") and data.get("council") == data.get("other"):
            self.add_error("other", "Choose two different councils")
        return data
