"""Forms for asking for support and for the decisions on a request."""

from __future__ import annotations

from django import forms

from ..models.offers import Cohort, SupportOffer


class RequestForm(forms.Form):
    council = forms.TypedChoiceField(
        label="Council",
        coerce=int,
        error_messages={"required": "Select the council the support is for"},
    )
    cohort = forms.ModelChoiceField(
        label="Cohort",
        queryset=Cohort.objects.none(),
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select one of the cohorts"},
    )
    need = forms.CharField(
        label="What does the council need?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what the council needs"},
    )
    why = forms.CharField(
        label="Why now?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example an inspection coming, a new lead member, or a judgement.",
    )

    def __init__(self, *args, councils, offer: SupportOffer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].choices = [(c.pk, c.name) for c in councils]
        if len(councils) == 1:
            self.fields["council"].initial = councils[0].pk
        cohorts = offer.cohorts.order_by("starts")
        if cohorts.exists():
            self.fields["cohort"].queryset = cohorts
            self.fields["cohort"].required = True
            self.fields["cohort"].error_messages["required"] = "Select a cohort"
            self.fields["cohort"].label_from_instance = lambda c: (
                f"{c.name}: {c.starts:%-d %B %Y} to {c.ends:%-d %B %Y} "
                f"({c.places_left} place{'s' if c.places_left != 1 else ''} left)"
            )
        else:
            del self.fields["cohort"]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why are you declining the request?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The council will see this and receive it by email.",
        error_messages={"required": "Enter the reason for declining the request"},
    )


class BrokerForm(forms.Form):
    offer = forms.ModelChoiceField(
        label="The offer that fits better",
        queryset=SupportOffer.objects.none(),
        to_field_name="code",
        error_messages={"required": "Select the offer to broker"},
    )
    note = forms.CharField(
        label="A note for the council",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers


class CloseForm(forms.Form):
    outcome_note = forms.CharField(
        label="What came of the support?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what came of the support"},
    )
    useful = forms.TypedChoiceField(
        label="How useful was it?",
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        choices=[
            (i, f"{i}{' (not useful)' if i == 1 else ' (very useful)' if i == 5 else ''}")
            for i in range(1, 6)
        ],
    )
    what_changed = forms.CharField(
        label="What changed because of it?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ConfirmForm(forms.Form):
    """A confirmation with nothing to fill in."""
