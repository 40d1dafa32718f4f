"""Forms for a challenge's availability poll: proposing dates and answering them."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from cib_portal.forms import GovUKDateInput
from peerchallenge.models import Answer, Challenge, DateOption


class DateOptionForm(forms.Form):
    """A date range proposed for the challenge's on-site days."""

    starts_on = forms.DateField(
        label="First day",
        help_text="For example, 12 10 2026.",
        widget=GovUKDateInput(attrs={"data-govuk-legend": "m"}),
        error_messages={
            "required": "Enter the first day",
            "invalid": "The first day must be a real date",
        },
    )
    ends_on = forms.DateField(
        label="Last day",
        help_text="For example, 13 10 2026. The same as the first day for a single day.",
        widget=GovUKDateInput(attrs={"data-govuk-legend": "m"}),
        error_messages={
            "required": "Enter the last day",
            "invalid": "The last day must be a real date",
        },
    )

    def __init__(self, *args, challenge: Challenge, **kwargs):
        super().__init__(*args, **kwargs)
        self.challenge = challenge

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if not (starts_on and ends_on):
            return data
        programme = self.challenge.programme
        if starts_on < timezone.localdate():
            self.add_error("starts_on", "The first day must be today or in the future")
        elif starts_on < programme.starts_on or starts_on > programme.ends_on:
            self.add_error(
                "starts_on",
                f"The first day must be within the programme, "
                f"{programme.starts_on:%-d %B %Y} to {programme.ends_on:%-d %B %Y}",
            )
        if ends_on < starts_on:
            self.add_error("ends_on", "The last day must be the same as or after the first day")
        elif ends_on > programme.ends_on:
            self.add_error(
                "ends_on",
                f"The last day must be on or before the end of the programme, "
                f"{programme.ends_on:%-d %B %Y}",
            )
        if not self.errors and (
            DateOption.objects.filter(
                challenge=self.challenge, starts_on=starts_on, ends_on=ends_on
            ).exists()
        ):
            self.add_error("starts_on", "These dates have already been proposed")
        return data


class AnswersForm(forms.Form):
    """One person's answer to every proposed date, one set of radios per date."""

    def __init__(self, *args, options: list[DateOption], current: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.options = options
        for option in options:
            self.fields[self.field_name(option)] = forms.ChoiceField(
                label=str(option),
                choices=Answer.choices,
                required=False,
                initial=current.get(option.pk),
                widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
            )

    @staticmethod
    def field_name(option: DateOption) -> str:
        return f"option_{option.pk}"

    def clean(self):
        data = super().clean()
        if self.options and not any(data.get(self.field_name(o)) for o in self.options):
            first = self.field_name(self.options[0])
            self.add_error(first, "Answer at least one of the proposed dates")
        return data

    def answers(self) -> dict[int, str]:
        """Option id -> answer, for the options answered."""
        return {
            o.pk: self.cleaned_data[self.field_name(o)]
            for o in self.options
            if self.cleaned_data.get(self.field_name(o))
        }
