"""Filters for the indicator catalogue: the page's FilterSet (django-filter) and the API's
filter backend.

They differ on purpose, as they did before: the page searches the full text and ignores a
value it does not offer; the API matches code, name and definition (DRF's SearchFilter) and
answers 400 naming a parameter whose value is not one it knows."""

from __future__ import annotations

import django_filters
from django import forms
from rest_framework import filters
from rest_framework.exceptions import ValidationError

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


class KeyFilter(filters.BaseFilterBackend):
    """theme, source, polarity and key (true/false) filters with 400s naming the parameter."""

    CHOICES = {
        "source": set(Source.values),
        "polarity": set(Polarity.values),
    }

    def filter_queryset(self, request, queryset, view):
        params = request.query_params
        if theme := params.get("theme"):
            queryset = queryset.filter(theme=theme)
        for name, allowed in self.CHOICES.items():
            value = params.get(name)
            if value:
                if value not in allowed:
                    raise ValidationError(
                        {name: [f"{value!r} is not one of {', '.join(sorted(allowed))}"]}
                    )
                queryset = queryset.filter(**{name: value})
        key = params.get("key")
        if key:
            if key.lower() not in ("true", "false", "1", "0"):
                raise ValidationError({"key": [f"{key!r} is not true or false"]})
            queryset = queryset.filter(is_key=key.lower() in ("true", "1"))
        return queryset
