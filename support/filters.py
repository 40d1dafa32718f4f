"""The support lists' filters (django-filter FilterSets), shared by the pages and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from .models.campaigns import ApplicationDecision, CampaignApplication
from .models.mentoring import AskKind, CouncilAsk, ImprovementTheme
from .models.offers import Audience, OfferKind, RequestStatus, SupportOffer, SupportRequest
from .selectors.offers import open_now_q

# --- Offers and requests --------------------------------------------------------------------


class OfferFilter(django_filters.FilterSet):
    audience = django_filters.ChoiceFilter(
        label="Who it is for",
        choices=Audience.choices,
        empty_label="Anyone",
        method="for_audience",
    )
    kind = django_filters.ChoiceFilter(
        label="Kind of support", choices=OfferKind.choices, empty_label="Any kind"
    )
    open_now = django_filters.BooleanFilter(
        label="Open for requests now",
        method="only_open",
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = SupportOffer
        fields = ["audience", "kind", "open_now"]

    def for_audience(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(audience__contains=[value]) if value else queryset

    def only_open(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(open_now_q(), requestable=True)


class SupportRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Status", choices=RequestStatus.choices, empty_label="Any status"
    )
    offer = django_filters.CharFilter(field_name="offer__code", label="Offer")
    council = django_filters.CharFilter(field_name="council__gss_code", label="Council")

    class Meta:
        model = SupportRequest
        fields = ["status", "offer", "council"]


# --- Campaign applications ------------------------------------------------------------------


class CampaignApplicationFilter(django_filters.FilterSet):
    """A campaign's applications by decision and by the council's region (its GSS code), for
    the API's list and the CSV."""

    decision = django_filters.ChoiceFilter(choices=ApplicationDecision.choices)
    region = django_filters.CharFilter(field_name="council__region__gss_code")

    class Meta:
        model = CampaignApplication
        fields = ["decision", "region"]


def filter_campaign_applications(
    queryset: QuerySet[CampaignApplication], params: Any
) -> QuerySet[CampaignApplication]:
    """`queryset` filtered by `decision` and `region` in `params`; a bad value raises
    ValueError naming the parameter."""
    data = {k: params.get(k, "").strip() for k in ("decision", "region") if params.get(k, "")}
    applied = CampaignApplicationFilter(data, queryset=queryset)
    if not applied.is_valid():
        name, errors = next(iter(applied.errors.items()))
        raise ValueError(f"{name}: {errors[0]}")
    return applied.qs


# --- Asks and offers between councils -------------------------------------------------------


class CouncilAskFilter(django_filters.FilterSet):
    theme = django_filters.ChoiceFilter(
        label="Theme", choices=ImprovementTheme.choices, empty_label="All themes"
    )
    kind = django_filters.ChoiceFilter(
        label="Asks or offers", choices=AskKind.choices, empty_label="Both"
    )
    state = django_filters.ChoiceFilter(
        label="Open or closed",
        choices=[("open", "Open"), ("closed", "Closed"), ("all", "All")],
        empty_label=None,
        method="in_state",
    )

    class Meta:
        model = CouncilAsk
        fields = ["theme", "kind", "state"]

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        data = data.copy() if data is not None else {}
        data.setdefault("state", "open")
        super().__init__(data, *args, **kwargs)

    def in_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "closed":
            return queryset.filter(is_open=False)
        if value == "all":
            return queryset
        return queryset.filter(is_open=True)
