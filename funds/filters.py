"""The spend request list's filters, shared by the page (/funds/requests/) and the API
(/api/v1/spend-requests/): each checks its own input first (the page with SpendFilterForm,
the API naming the bad parameter in a 400), then filters through SpendRequestFilter."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from .models import (
    FundingAgreement,
    Purpose,
    QuarterlyReturn,
    ReturnStatus,
    SpendRequest,
    SpendStatus,
)


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
    return filter_by(SpendRequestFilter, queryset, **values)


class AgreementFilter(django_filters.FilterSet):
    """The agreements list of the API (/api/v1/agreements/): by region (its GSS code) and
    financial year (its first calendar year, checked by the caller)."""

    region = django_filters.CharFilter(field_name="region__gss_code")
    financial_year = django_filters.NumberFilter()

    class Meta:
        model = FundingAgreement
        fields = ["region", "financial_year"]


class ReturnFilter(django_filters.FilterSet):
    """The quarterly returns list, shared by the page (/funds/returns/, its values checked by
    ReturnFilterForm) and the API (/api/v1/returns/, each parameter checked with a 400 naming
    it)."""

    agreement = django_filters.NumberFilter(field_name="agreement_id")
    year = django_filters.NumberFilter(field_name="agreement__financial_year")
    region = django_filters.NumberFilter(field_name="agreement__region_id")
    status = django_filters.ChoiceFilter(choices=ReturnStatus.choices)
    quarter = django_filters.NumberFilter()

    class Meta:
        model = QuarterlyReturn
        fields = ["agreement", "year", "region", "status", "quarter"]


def filter_by(filterset: type[django_filters.FilterSet], queryset: QuerySet, **values: Any):
    """`queryset` filtered by the checked values given; those left out or empty do not filter."""
    data = {name: str(value) for name, value in values.items() if value not in (None, "")}
    return filterset(data, queryset=queryset).qs
