"""Forms for the facts (interventions, DCS history, their CSV imports) and for editing a rule.

A rule's params are edited through typed fields for its kind, never as raw JSON."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from cib_portal.forms import CsvFileField, GovUKDateInput
from datasets.selectors import indicator_names
from regions.models import Council, Region

from ..models import InterventionKind, Rule, RuleKind, Severity
from ..selectors.rules import JUDGEMENTS

# Big enough for 100,000 DCS tenures; files over FACT_IMPORT_WORKER_ROWS lines go to the worker.
MAX_CSV_BYTES = 20 * 1024 * 1024


class _CouncilChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _council_field(required=True) -> forms.ModelChoiceField:
    return _CouncilChoiceField(
        queryset=Council.objects.order_by("name"),
        required=required,
        label="Council",
        empty_label="Choose a council" if required else "All councils",
        error_messages={"required": "Select the council", "invalid_choice": "Select a council"},
    )


def _date_field(label: str, *, required: bool, hint: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=GovUKDateInput(),
        help_text=hint or "For example, 27 3 2024",
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"The {label.lower()} must be a real date",
        },
    )


def _end_date_field(still: str) -> forms.DateField:
    return _date_field(
        "End date", required=False, hint=f"Leave empty if {still}. For example, 27 3 2025"
    )


class _SpanMixin:
    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The end date must be the same as or after the start date")
        return data


class InterventionForm(_SpanMixin, forms.Form):
    council = _council_field()
    kind = forms.ChoiceField(
        label="Kind of intervention",
        choices=InterventionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of intervention"},
    )
    starts_on = _date_field("Start date", required=True)
    ends_on = _end_date_field("it is still in force")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class DcsTenureForm(_SpanMixin, forms.Form):
    council = _council_field()
    name = forms.CharField(
        label="Director’s name",
        max_length=200,
        error_messages={
            "required": "Enter the director’s name",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    starts_on = _date_field("Start date", required=True)
    ends_on = _end_date_field("they are still in post")
    interim = forms.BooleanField(label="An interim director", required=False)


def _filter_date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        help_text="YYYY-MM-DD",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "The date must be a real date, for example 2024-03-27"},
    )


class _FactFilterForm(forms.Form):
    """Council and region; the list's own filters follow. The fields are named as the
    arguments of the facts' filter functions (region gives region_id)."""

    council = _council_field(required=False)
    region = forms.ModelChoiceField(
        queryset=Region.objects.order_by("name"),
        required=False,
        label="Region",
        empty_label="All regions",
    )


class InterventionFilterForm(_FactFilterForm):
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "All kinds"), *InterventionKind.choices]
    )
    active_on = _filter_date_field("In force on")


class DcsFilterForm(_FactFilterForm):
    on = _filter_date_field("In post on")


def _whole_number_field(
    label: str,
    what: str,
    *,
    min_value: int,
    max_value: int | None = None,
    width: int,
    help_text: str = "",
) -> forms.IntegerField:
    """A whole number field whose messages name `what` ("weight", "number of months")."""
    if max_value is None:
        limits = {"min_value": f"The {what} must be {min_value} or more"}
    else:
        between = f"The {what} must be between {min_value} and {max_value}"
        limits = {"min_value": between, "max_value": between}
    return forms.IntegerField(
        label=label,
        min_value=min_value,
        max_value=max_value,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"class": f"govuk-input--width-{width}"}),
        error_messages={
            "required": f"Enter the {what}",
            "invalid": f"The {what} must be a whole number",
            **limits,
        },
    )


class FactImportForm(forms.Form):
    file = CsvFileField(max_bytes=MAX_CSV_BYTES)


class RuleForm(forms.Form):
    """Edit a rule: the common fields, then the params of its kind, and a reason."""

    severity = forms.ChoiceField(
        label="Severity",
        choices=Severity.choices,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
        error_messages={"required": "Select the severity"},
    )
    weight = _whole_number_field(
        "Weight",
        "weight",
        min_value=1,
        max_value=10,
        width=2,
        help_text="From 1 to 10: how much this rule counts towards a council’s risk score",
    )
    is_active = forms.BooleanField(
        label="Active: the rule raises flags when evaluated", required=False
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the rationale"},
    )
    indicators = forms.MultipleChoiceField(
        label="Indicators watched",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, rule: Rule, **kwargs):
        self.rule = rule
        initial = {
            "severity": rule.severity,
            "weight": rule.weight,
            "is_active": rule.is_active,
            "rationale": rule.rationale,
            "indicators": list(rule.indicators),
        }
        params = rule.params or {}
        if rule.kind == RuleKind.OFSTED:
            initial["judgements"] = params.get("judgements", [])
        elif rule.kind == RuleKind.INTERVENTION:
            initial["kinds"] = params.get("kinds", [])
        elif rule.kind == RuleKind.LEADERSHIP:
            initial["changes"] = params.get("changes")
            initial["months"] = params.get("months")
        elif rule.kind == RuleKind.WORKFORCE:
            initial["worst_quartile"] = "yes" if params.get("worst_quartile") else "no"
            initial["above_neighbours_by"] = params.get("above_neighbours_by")
        elif rule.kind == RuleKind.DETERIORATION:
            initial["periods"] = params.get("periods")
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        names = indicator_names()
        codes = sorted(set(names) | set(rule.indicators), key=lambda c: (names.get(c, c), c))
        self.fields["indicators"].choices = [
            (c, f"{names[c]} ({c})" if c in names else c) for c in codes
        ]
        self.param_names = self._add_param_fields(rule.kind)
        reason = forms.CharField(
            label="Reason for the change",
            help_text="Recorded in the rule’s history with the change",
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": "Enter the reason for this change"},
        )
        self.fields["reason"] = reason

    def _add_param_fields(self, kind: str) -> list[str]:
        f = self.fields
        if kind == RuleKind.OFSTED:
            f["judgements"] = forms.MultipleChoiceField(
                label="Ofsted overall judgements that raise a flag",
                choices=JUDGEMENTS,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": "Select at least one judgement"},
            )
            return ["judgements"]
        if kind == RuleKind.INTERVENTION:
            f["kinds"] = forms.MultipleChoiceField(
                label="Kinds of intervention that raise a flag",
                choices=InterventionKind.choices,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": "Select at least one kind of intervention"},
            )
            return ["kinds"]
        if kind == RuleKind.LEADERSHIP:
            f["changes"] = _whole_number_field(
                "Changes of director",
                "number of changes",
                min_value=1,
                width=3,
                help_text="How many changes of director of children’s services raise a flag",
            )
            f["months"] = _whole_number_field(
                "Within how many months", "number of months", min_value=1, max_value=120, width=3
            )
            return ["changes", "months"]
        if kind == RuleKind.WORKFORCE:
            f["worst_quartile"] = forms.ChoiceField(
                label="Flag a rate in the worst national quartile?",
                choices=[("yes", "Yes"), ("no", "No")],
                widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
                error_messages={"required": "Select yes or no"},
            )
            f["above_neighbours_by"] = forms.DecimalField(
                label="Percentage points above the statistical-neighbour mean",
                min_value=Decimal(0),
                max_value=Decimal(100),
                decimal_places=2,
                help_text="From 0 to 100; decimals are allowed, for example 2.5",
                widget=forms.TextInput(
                    attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}
                ),
                error_messages={
                    "required": "Enter the percentage points",
                    "invalid": "The percentage points must be a number, for example 2.5",
                    "min_value": "The percentage points must be between 0 and 100",
                    "max_value": "The percentage points must be between 0 and 100",
                    "max_decimal_places": "The percentage points can have at most 2 decimals",
                },
            )
            return ["worst_quartile", "above_neighbours_by"]
        if kind == RuleKind.DETERIORATION:
            f["periods"] = _whole_number_field(
                "Periods in a row moving the wrong way",
                "number of periods",
                min_value=2,
                max_value=10,
                width=2,
            )
            return ["periods"]
        return []

    def params(self) -> dict:
        """The params for the rule from the cleaned data (other keys kept as they were)."""
        data = self.cleaned_data
        params = dict(self.rule.params or {})
        for name in self.param_names:
            value = data[name]
            if name == "worst_quartile":
                value = value == "yes"
            elif name == "above_neighbours_by":
                value = int(value) if value == value.to_integral_value() else float(value)
            params[name] = value
        return params

    def changes(self) -> dict:
        data = self.cleaned_data
        return {
            "severity": data["severity"],
            "weight": data["weight"],
            "is_active": data["is_active"],
            "rationale": data["rationale"].strip(),
            "indicators": list(data["indicators"]),
            "params": self.params(),
        }
