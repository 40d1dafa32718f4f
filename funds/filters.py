"""The spend request list's filters, shared by the page (/funds/requests/) and the API
(/api/v1/spend-requests/): each checks its own input first (the page with SpendFilterForm,
the API naming the bad parameter in a 400), then filters through SpendRequestFilter."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from .models import Purpose, SpendRequest, SpendStatus


class SpendRequestFilter(django_filters.FilterSet):
    agreement = django_filters.NumberFilter(field_name="agreement_id")
    region = django_filters.NumberFilter(field_name="agreement__region_id")
    purpose = django_filters.ChoiceFilter(field_name="allocation__purpose", choices=Purpose.choices)
    status = django_filters.ChoiceFilter(choices=SpendStatus.choices)
    year = django_filters.NumberFilter(field_name="agreement__financial_year")
    q = django_filters.CharFilter(method="search")

    class Meta:
        model = SpendRequest
        fields = ["agreement", "region", "purpose", "status", "year", "q"]

    def search(self, queryset: QuerySet[SpendRequest], name: str, value: str) -> QuerySet:
        """The words in the description or the supplier, in any case."""
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Q(description__icontains=text) | Q(supplier__icontains=text))


def filter_spend_requests(queryset: QuerySet[SpendRequest], **values: Any) -> QuerySet:
    """`queryset` filtered by the checked values given (agreement, region, purpose, status,
    year, q); those left out or empty do not filter."""
    data = {name: str(value) for name, value in values.items() if value not in (None, "")}
    return SpendRequestFilter(data, queryset=queryset).qs
