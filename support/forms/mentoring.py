"""Forms for the mentor register, confirming and declining mentors, and councils' asks and
offers with their brokered matches."""

from __future__ import annotations

from django import forms

from regions.models import Council

from ..models.mentoring import AskKind, CouncilAsk, ImprovementTheme, MentorRoleKind


class MentorForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the mentor's name"}
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.org"},
    )
    council = forms.ModelChoiceField(
        label="Council",
        queryset=Council.objects.order_by("name"),
        error_messages={"required": "Select the mentor's council"},
    )
    role_kind = forms.ChoiceField(
        label="Role",
        choices=MentorRoleKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select elected member or officer"},
    )
    political_group = forms.CharField(
        label="Political group (optional)", max_length=60, required=False
    )
    experience = forms.CharField(
        label="Experience", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    tags = forms.CharField(
        label="Experience tags (optional)",
        required=False,
        max_length=400,
        help_text='Separate tags with commas, for example "inspection, new lead member".',
    )
    capacity_per_year = forms.IntegerField(
        label="Mentees a year",
        min_value=0,
        max_value=20,
        initial=2,
        error_messages={
            "required": "Enter how many mentees a year",
            "min_value": "Mentees a year must be 0 or more",
            "max_value": "Mentees a year must be 20 or fewer",
            "invalid": "Mentees a year must be a whole number",
        },
    )
    active = forms.BooleanField(label="Active on the register", required=False, initial=True)
    conflicts = forms.ModelMultipleChoiceField(
        label="Declared conflicts (optional)",
        help_text="Councils this mentor must never mentor.",
        queryset=Council.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return sorted({t.strip().lower() for t in raw.split(",") if t.strip()})


class ProposalFilterForm(forms.Form):
    political_group = forms.CharField(
        label="Prefer a political group (optional)", max_length=60, required=False
    )


class ConfirmMentorForm(forms.Form):
    mentor = forms.IntegerField(widget=forms.HiddenInput)
    political_group = forms.CharField(required=False, widget=forms.HiddenInput)


class DeclineMentorForm(forms.Form):
    mentor = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why is this mentor not right?",
        max_length=2000,
        error_messages={"required": "Enter the reason the mentor is not right"},
    )


class AskForm(forms.Form):
    council = forms.TypedChoiceField(
        label="Council", coerce=int, error_messages={"required": "Select the council"}
    )
    kind = forms.ChoiceField(
        label="Is this an ask or an offer?",
        choices=AskKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select ask or offer"},
    )
    theme = forms.ChoiceField(
        label="Theme",
        choices=[("", "Choose a theme"), *ImprovementTheme.choices],
        error_messages={"required": "Select a theme"},
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title"}
    )
    description = forms.CharField(
        label="Description",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter a description"},
    )

    def __init__(self, *args, councils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].choices = [(c.pk, c.name) for c in councils]


class BrokerForm(forms.Form):
    other = forms.ModelChoiceField(
        label="Match with",
        queryset=CouncilAsk.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the post to match with",
            "invalid_choice": "Select one of the open posts",
        },
    )
    note = forms.CharField(
        label="Note for both councils (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = candidates
        self.fields["other"].label_from_instance = lambda a: (
            f"{a.council.name}: {a.title} ({a.get_theme_display()})"
        )
