"""Forms for comparing a council: saving a comparison group, choosing what to compare."""

from __future__ import annotations

from django import forms

from cib_portal.forms import OneTemplateSelect
from regions.models import Council

from ..models import ComparisonGroup


class CouncilLabelChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Council) -> str:
        return f"{obj.name} ({obj.region.name})"


class ComparisonGroupForm(forms.ModelForm):
    """A saved group: a name unique among the owner's groups and at least two councils."""

    councils = CouncilLabelChoiceField(
        queryset=Council.objects.select_related("region").order_by("name"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes--small"}),
        label="Councils in the group",
        help_text="Select at least 2 councils.",
        error_messages={"required": "Select at least 2 councils for the group"},
    )

    class Meta:
        model = ComparisonGroup
        fields = ["name", "councils"]
        labels = {"name": "Name of the group"}
        help_texts = {"name": "For example, ‘Northern metropolitan councils’."}
        error_messages = {"name": {"required": "Enter a name for the group"}}

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = ComparisonGroup.objects.filter(owner=self.owner, name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("You already have a group with this name: choose another")
        return name

    def clean_councils(self):
        councils = self.cleaned_data["councils"]
        if len(councils) < 2:
            raise forms.ValidationError("Select at least 2 councils for the group")
        return councils


class CompareForm(forms.Form):
    group = forms.ChoiceField(label="Compare with", choices=[], widget=OneTemplateSelect)
    theme = forms.ChoiceField(
        label="Indicators", choices=[], required=False, widget=OneTemplateSelect
    )

    def __init__(self, *args, group_choices=(), themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = list(group_choices)
        self.fields["theme"].choices = [("", "Key indicators")] + [
            (t, f"All in ‘{t}’") for t in themes
        ]
