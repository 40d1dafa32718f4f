"""Adding a reviewer to a review team."""

from __future__ import annotations

from django import forms


class TeamAddForm(forms.Form):
    candidate = forms.ChoiceField(
        label="Reviewer",
        help_text="Eligible reviewers, with their on-site days this year.",
        error_messages={"required": "Select a reviewer to add"},
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].choices = [("", "Choose a reviewer")] + [
            (
                f"{c.reviewer.pk}:{c.reviewer_type}",
                f"{c.reviewer.name} – {c.type_label} ({c.days_this_year} days this year)",
            )
            for c in candidates
        ]
