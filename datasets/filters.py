"""Filters for the indicator catalogue (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms

from . import selectors
from .models import Polarity, Source


class IndicatorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label="Search by name, code or definition",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    theme = django_filters.ChoiceFilter(choices=[], label="Theme", empty_label="All themes")
    source = django_filters.ChoiceFilter(
        choices=Source.choices, label="Source", empty_label="All sources"
    )
    polarity = django_filters.ChoiceFilter(
        choices=Polarity.choices, label="Polarity", empty_label="Any polarity"
    )
    key = django_filters.BooleanFilter(
        field_name="is_key",
        method="key_only",
        label="Key indicators only",
        widget=forms.CheckboxInput,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["theme"].extra["choices"] = [
            (t, t) for t in selectors.indicator_themes(user=user)
        ]

    def search(self, queryset, name, value):
        return selectors.indicator_search(queryset, value)

    def key_only(self, queryset, name, value):
        return queryset.filter(is_key=True) if value else queryset
