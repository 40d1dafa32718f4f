"""Forms for the quarterly return pages: the draft, CIB's comments, the list's filters."""

from __future__ import annotations

from django import forms

from regions.models import Region

from ..models import ReturnStatus

TEXT_LIMIT = 10_000


class ReturnForm(forms.Form):
    narrative = forms.CharField(
        label="Narrative",
        help_text="What the region did with the funds in the quarter, and how it went.",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Enter the narrative",
            "max_length": f"The narrative must be {TEXT_LIMIT:,} characters or fewer",
        },
    )
    outcomes = forms.CharField(
        label="Outcomes (optional)",
        help_text="What changed for councils, children and families as a result.",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": f"The outcomes must be {TEXT_LIMIT:,} characters or fewer"},
    )

    def clean_narrative(self) -> str:
        value = self.cleaned_data["narrative"].strip()
        if not value:
            raise forms.ValidationError("Enter the narrative")
        return value


class SendBackForm(forms.Form):
    comments = forms.CharField(
        label="What does the region need to change?",
        help_text="The programme manager sees these comments with the return.",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Enter what the region needs to change",
            "max_length": f"The comments must be {TEXT_LIMIT:,} characters or fewer",
        },
    )

    def clean_comments(self) -> str:
        value = self.cleaned_data["comments"].strip()
        if not value:
            raise forms.ValidationError("Enter what the region needs to change")
        return value


class ReturnFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label="Financial year", required=False, coerce=int, empty_value=None
    )
    region = forms.ModelChoiceField(
        label="Region", required=False, queryset=Region.objects.none(), empty_label="Any region"
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *ReturnStatus.choices]
    )
    quarter = forms.TypedChoiceField(
        label="Quarter",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any quarter"), *((q, f"Quarter {q}") for q in (1, 2, 3, 4))],
    )

    def __init__(self, *args, years: list[tuple[int, str]], regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Any year"), *years]
        self.fields["region"].queryset = regions
