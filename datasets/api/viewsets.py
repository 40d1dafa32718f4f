"""API for the common data set: /api/v1/indicators/, /api/v1/observations/ and
/api/v1/councils/<gss_code>/comparison/.

Members only (MemberPermission). Local indicators are seen only by those who may see their
council's local indicators (permissions.can_view_local_indicators), unless the council shares
them; to anyone else they do not exist (a filter naming one is answered like a filter naming no
indicator at all).

Responses are written out by hand from plain rows (as in regions/api.py): the serializers
(api/serializers.py) describe them for the OpenAPI schema. Values are decimal strings (never
floats) or null when a figure is suppressed, with the symbol and what it means.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import filters, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cib_portal import access
from cib_portal.api import MemberPermission
from regions.models import Council

from .. import selectors
from ..comparison import comparisons, statistical_neighbour_ids
from ..filters import KeyFilter
from ..models import (
    AreaLevel,
    Indicator,
    Observation,
    Period,
    Polarity,
    Source,
)
from .serializers import (
    ComparisonSerializer,
    IndicatorDetailSerializer,
    IndicatorSerializer,
    ObservationSerializer,
    comparison_data,
)

_API_LEVELS = (AreaLevel.NATIONAL, AreaLevel.REGIONAL, AreaLevel.LOCAL_AUTHORITY)


# --- Reads (selectors: they take the user and return only what the user may see) ------------


def indicators_visible(*, user: Any) -> QuerySet[Indicator]:
    """Indicators a member may see (selectors.indicators_visible), with what the API writes
    out of each."""
    return selectors.indicators_visible(user=user).select_related(
        "council", "numerator", "denominator"
    )


def indicator_by_code(*, user: Any, code: str, parameter: str = "indicator") -> Indicator:
    """One visible indicator by code, or a 400 naming the parameter."""
    if not code:
        raise ValidationError({parameter: ["This parameter is required."]})
    indicator = indicators_visible(user=user).filter(code=code).first()
    if indicator is None:
        raise ValidationError({parameter: [f"no indicator {code!r}"]})
    return indicator


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("theme", str, description="Exact theme, e.g. Children looked after"),
            OpenApiParameter("source", str, enum=Source.values),
            OpenApiParameter("polarity", str, enum=Polarity.values),
            OpenApiParameter("key", bool, description="Only key indicators (true) or others"),
        ]
    ),
)
@extend_schema(tags=["data set"])
class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """The indicator catalogue: published, derived, and the local indicators you may see.
    Search (`search=`) looks in the code, name and definition."""

    permission_classes = [MemberPermission]
    filter_backends = [KeyFilter, filters.SearchFilter]
    search_fields = ["code", "name", "definition"]
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_serializer_class(self):
        return IndicatorDetailSerializer if self.action == "retrieve" else IndicatorSerializer

    def get_queryset(self):
        return indicators_visible(user=self.request.user).order_by("theme", "name", "code")


# --- Observations ---------------------------------------------------------------------------


OBSERVATION_FIELDS = (
    "indicator__code",
    "area__code",
    "area__name",
    "area__level",
    "period__label",
    "period__time_identifier",
    "value",
    "symbol",
)


def observation_list(*, user: Any, params) -> QuerySet:
    """Figures filtered by indicator, period, area and level (each checked, 400 naming the
    parameter); at least an indicator or an area is needed."""
    indicator_code = params.get("indicator", "").strip()
    area_code = params.get("area", "").strip()
    period_label = params.get("period", "").strip()
    time_identifier = params.get("time_identifier", "").strip()
    level = params.get("level", "").strip()
    if not indicator_code and not area_code:
        raise ValidationError(
            {"indicator": ["Give an indicator (or an area): there are millions of figures."]}
        )
    qs = Observation.objects.all()
    if indicator_code:
        qs = qs.filter(indicator=indicator_by_code(user=user, code=indicator_code))
    else:
        qs = qs.filter(indicator__in=indicators_visible(user=user).values("pk"))
    if area_code:
        from ..models import Area

        area = Area.objects.filter(code=area_code).only("pk").first()
        if area is None:
            raise ValidationError({"area": [f"no area {area_code!r}"]})
        qs = qs.filter(area=area)
    if level:
        if level not in _API_LEVELS and level not in AreaLevel.values:
            raise ValidationError({"level": [f"{level!r} is not one of {', '.join(_API_LEVELS)}"]})
        qs = qs.filter(area__level=level)
    if period_label or time_identifier:
        periods = Period.objects.all()
        if period_label:
            periods = periods.filter(label=period_label)
        if time_identifier:
            periods = periods.filter(time_identifier=time_identifier)
        ids = list(periods.values_list("pk", flat=True))
        if not ids:
            name = "period" if period_label else "time_identifier"
            raise ValidationError({name: [f"no period {period_label or time_identifier!r}"]})
        qs = qs.filter(period_id__in=ids)
    return qs.values(*OBSERVATION_FIELDS).order_by(
        "indicator__code", "period__end_year", "period__start_year", "period__label", "area__code"
    )


@extend_schema(
    tags=["data set"],
    parameters=[
        OpenApiParameter("indicator", str, description="Indicator code (or give an area)"),
        OpenApiParameter("period", str, description="Period label as published: 2025, 202425"),
        OpenApiParameter("time_identifier", str, description="e.g. Reporting year"),
        OpenApiParameter("area", str, description="GSS code of a council, region or England"),
        OpenApiParameter("level", str, enum=[str(v) for v in _API_LEVELS]),
    ],
    responses={
        200: ObservationSerializer(many=True),
        400: OpenApiResponse(description="A parameter is missing or names nothing"),
    },
)
class ObservationViewSet(viewsets.GenericViewSet):
    """Published figures: a value, or a suppression symbol (never shown as 0)."""

    permission_classes = [MemberPermission]
    serializer_class = ObservationSerializer
    filter_backends: list = []

    def get_queryset(self):
        return observation_list(user=self.request.user, params=self.request.query_params)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# --- A council's comparison -----------------------------------------------------------------


def council_comparison(*, user: Any, gss_code: str, indicator_code: str, period_label: str):
    """A council's comparison with its statistical neighbours on one indicator and period."""
    if not access.can_view_published(user):
        raise Http404
    council = Council.objects.select_related("region").filter(gss_code=gss_code).first()
    if council is None:
        raise Http404
    indicator = indicator_by_code(user=user, code=indicator_code)
    if not period_label:
        raise ValidationError({"period": ["This parameter is required (or 'latest')."]})
    period = None
    if period_label != "latest":
        candidates = list(Period.objects.filter(label=period_label))
        if len(candidates) > 1:  # the same label under two time identifiers
            candidates = [p for p in candidates if p.time_identifier == indicator.period_type]
        if not candidates:
            raise ValidationError({"period": [f"no period {period_label!r}"]})
        period = candidates[0]
    found = comparisons(
        council=council,
        indicators=[indicator],
        group_ids=statistical_neighbour_ids(council),
        group_label="Statistical neighbours",
        period=period,
    )
    # The engine falls back to the latest period up to the one asked for: that is not an answer.
    if not found or (period is not None and found[0].period.pk != period.pk):
        raise ValidationError(
            {"period": [f"indicator {indicator.code!r} has no figures for {period_label!r}"]}
        )
    return council, found[0]


class CouncilComparisonView(APIView):
    """How a council compares on one indicator and period: its figure, the mean of its ten
    statistical neighbours that have one, the region and England figures as published, its
    ranks (1 = best by polarity, or the highest where neither is better), national quartile
    (A best … D worst, or highest … lowest) and trend. Suppressed
    figures are left out of means, ranks and quartiles; the counts say how many were compared."""

    permission_classes = [MemberPermission]

    @extend_schema(
        tags=["data set"],
        operation_id="councils_comparison_retrieve",
        parameters=[
            OpenApiParameter("gss_code", str, OpenApiParameter.PATH, description="e.g. E08000035"),
            OpenApiParameter("indicator", str, required=True, description="Indicator code"),
            OpenApiParameter(
                "period", str, required=True, description="Period label (2025), or 'latest'"
            ),
        ],
        responses={
            200: ComparisonSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Missing or unknown parameter"),
            404: OpenApiResponse(description="No such council"),
        },
    )
    def get(self, request: Request, gss_code: str) -> Response:
        council, comparison = council_comparison(
            user=request.user,
            gss_code=gss_code,
            indicator_code=request.query_params.get("indicator", "").strip(),
            period_label=request.query_params.get("period", "").strip(),
        )
        return Response(comparison_data(council, comparison))
