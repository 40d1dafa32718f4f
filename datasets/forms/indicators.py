"""The form national staff change a national indicator with."""

from __future__ import annotations

from django import forms

from ..models import Indicator


class IndicatorEditForm(forms.ModelForm):
    """What national staff may change about a national indicator."""

    class Meta:
        model = Indicator
        fields = ["name", "theme", "definition", "polarity", "is_key"]
        labels = {
            "name": "Name",
            "theme": "Theme",
            "definition": "Definition",
            "polarity": "Which way is better?",
            "is_key": "Key indicator (shown on every council's data profile)",
        }
        help_texts = {
            "theme": "Indicators with the same theme are shown together.",
            "definition": "Say what is counted, from which publication and table.",
        }
        widgets = {"polarity": forms.RadioSelect, "definition": forms.Textarea(attrs={"rows": 5})}
        error_messages = {
            "name": {"required": "Enter the indicator's name"},
            "theme": {"required": "Enter a theme"},
            "polarity": {"required": "Select which way is better"},
        }
