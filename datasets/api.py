"""API for the common data set: /api/v1/indicators/, /api/v1/observations/ and
/api/v1/councils/<gss_code>/comparison/.

Members only (MemberPermission). Local indicators are seen only by those who may see their
council's local indicators (permissions.can_view_local_indicators), unless the council shares them;
to anyone else they do not exist (a filter naming one is answered like a filter naming no
indicator at all).

Responses are written out by hand from plain rows (as in regions/api.py): the serializers below
describe them for the OpenAPI schema. Values are decimal strings (never floats) or null when a
figure is suppressed, with the symbol and what it means.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import filters, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cib_portal import access
from cib_portal.api import MemberPermission
from regions.models import Council

from . import permissions
from .comparison import comparisons, statistical_neighbour_ids
from .models import (
    AreaLevel,
    Indicator,
    Observation,
    Period,
    Polarity,
    Source,
    Symbol,
    Unit,
)

_SYMBOL_MEANINGS = dict(Symbol.choices)
_UNIT_LABELS = dict(Unit.choices)
_SOURCE_LABELS = dict(Source.choices)
_API_LEVELS = (AreaLevel.NATIONAL, AreaLevel.REGIONAL, AreaLevel.LOCAL_AUTHORITY)
MEAN_PLACES = Decimal("0.000001")  # as stored: figures have six decimal places


def decimal_text(value: Decimal | None) -> str | None:
    """A figure as a plain decimal string without trailing zeros ("37.5", "1200"), or None."""
    if value is None:
        return None
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def mean_text(value: Decimal | None) -> str | None:
    """A mean rounded to the six places figures are stored with."""
    return None if value is None else decimal_text(value.quantize(MEAN_PLACES, ROUND_HALF_UP))


# --- Reads (selectors: they take the user and return only what the user may see) ------------


def indicators_visible(*, user: Any) -> QuerySet[Indicator]:
    """Indicators a member may see: published and derived ones, shared local ones, and the
    unshared local ones of councils whose local indicators they may see."""
    if not access.can_view_published(user):
        return Indicator.objects.none()
    qs = Indicator.objects.select_related("council", "numerator", "denominator")
    councils = permissions.councils_with_local_indicator_access(user).values("pk")
    return qs.filter(Q(council__isnull=True) | Q(is_shared=True) | Q(council__in=councils))


def indicator_by_code(*, user: Any, code: str, parameter: str = "indicator") -> Indicator:
    """One visible indicator by code, or a 400 naming the parameter."""
    if not code:
        raise ValidationError({parameter: ["This parameter is required."]})
    indicator = indicators_visible(user=user).filter(code=code).first()
    if indicator is None:
        raise ValidationError({parameter: [f"no indicator {code!r}"]})
    return indicator


def periods_with_figures(indicator: Indicator) -> list[Period]:
    """The periods an indicator has figures for, oldest first (one query)."""
    return list(
        Period.objects.filter(
            pk__in=Observation.objects.filter(indicator=indicator).values("period_id")
        ).order_by("end_year", "start_year", "label")
    )


# --- Indicators -----------------------------------------------------------------------------


class DerivedFormulaSerializer(serializers.Serializer):
    numerator = serializers.CharField(help_text="Code of the numerator indicator")
    denominator = serializers.CharField(help_text="Code of the denominator indicator")
    scale = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)
    denominator_lag = serializers.IntegerField(
        help_text="Years by which the denominator's period precedes the numerator's"
    )


class PeriodSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="As in the published files: 2025, 202425")
    time_identifier = serializers.CharField()
    start_year = serializers.IntegerField()
    end_year = serializers.IntegerField()


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    theme = serializers.CharField()
    unit = serializers.ChoiceField(choices=Unit.choices)
    unit_label = serializers.CharField()
    polarity = serializers.ChoiceField(choices=Polarity.choices)
    source = serializers.ChoiceField(choices=Source.choices)
    source_label = serializers.CharField()
    definition = serializers.CharField()
    period_type = serializers.CharField()
    is_key = serializers.BooleanField()
    decimals = serializers.IntegerField(help_text="Decimal places the figures are shown with")
    council = serializers.CharField(
        allow_null=True, help_text="GSS code of the council a local indicator belongs to"
    )
    derived = DerivedFormulaSerializer(
        allow_null=True, help_text="numerator ÷ denominator × scale, for derived indicators"
    )

    def to_representation(self, indicator: Indicator) -> dict:
        """Written out by hand: the catalogue can hold a thousand indicators."""
        return {
            "code": indicator.code,
            "name": indicator.name,
            "theme": indicator.theme,
            "unit": indicator.unit,
            "unit_label": _UNIT_LABELS.get(indicator.unit, indicator.unit),
            "polarity": indicator.polarity,
            "source": indicator.source,
            "source_label": _SOURCE_LABELS.get(indicator.source, indicator.source),
            "definition": indicator.definition,
            "period_type": indicator.period_type,
            "is_key": indicator.is_key,
            "decimals": indicator.decimals,
            "council": indicator.council.gss_code if indicator.council_id else None,
            "derived": {
                "numerator": indicator.numerator.code,
                "denominator": indicator.denominator.code,
                "scale": decimal_text(indicator.scale),
                "denominator_lag": indicator.denominator_lag,
            }
            if indicator.numerator_id
            else None,
        }


class IndicatorDetailSerializer(IndicatorSerializer):
    periods = PeriodSerializer(many=True, help_text="Periods with figures, oldest first")

    def to_representation(self, indicator: Indicator) -> dict:
        out = super().to_representation(indicator)
        out["periods"] = [
            {
                "label": p.label,
                "time_identifier": p.time_identifier,
                "start_year": p.start_year,
                "end_year": p.end_year,
            }
            for p in periods_with_figures(indicator)
        ]
        return out


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


class ObservationSerializer(serializers.Serializer):
    indicator = serializers.CharField(help_text="Indicator code")
    area = serializers.CharField(help_text="GSS code (E92000001 England, E12… regions)")
    area_name = serializers.CharField()
    level = serializers.ChoiceField(choices=AreaLevel.choices)
    period = serializers.CharField(help_text="Period label as published: 2025, 202425")
    time_identifier = serializers.CharField()
    value = serializers.DecimalField(
        max_digits=20,
        decimal_places=6,
        allow_null=True,
        coerce_to_string=True,
        help_text="The figure as a decimal string; null when suppressed",
    )
    symbol = serializers.CharField(help_text="Suppression symbol (c, x, z, k, u, low, :) or ''")
    symbol_meaning = serializers.CharField(allow_null=True)

    def to_representation(self, row: dict) -> dict:
        symbol = row["symbol"]
        return {
            "indicator": row["indicator__code"],
            "area": row["area__code"],
            "area_name": row["area__name"],
            "level": row["area__level"],
            "period": row["period__label"],
            "time_identifier": row["period__time_identifier"],
            "value": decimal_text(row["value"]),
            "symbol": symbol,
            "symbol_meaning": _SYMBOL_MEANINGS.get(symbol) if symbol else None,
        }


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
        from .models import Area

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


class TrendPointSerializer(serializers.Serializer):
    period = serializers.CharField()
    time_identifier = serializers.CharField()
    value = serializers.DecimalField(
        max_digits=20, decimal_places=6, allow_null=True, coerce_to_string=True
    )
    symbol = serializers.CharField()


class ComparisonSerializer(serializers.Serializer):
    council = serializers.CharField(help_text="GSS code")
    council_name = serializers.CharField()
    indicator = serializers.CharField(help_text="Indicator code")
    polarity = serializers.ChoiceField(choices=Polarity.choices)
    period = serializers.CharField()
    time_identifier = serializers.CharField()
    value = serializers.DecimalField(
        max_digits=20, decimal_places=6, allow_null=True, coerce_to_string=True
    )
    symbol = serializers.CharField(help_text="The council's suppression symbol, or ''")
    sn_mean = serializers.DecimalField(
        max_digits=20,
        decimal_places=6,
        allow_null=True,
        coerce_to_string=True,
        help_text="Mean of the statistical neighbours that have a value (6 places)",
    )
    sn_count = serializers.IntegerField(help_text="Neighbours with a value (in the mean)")
    sn_size = serializers.IntegerField(help_text="Neighbours asked for (10)")
    sn_rank = serializers.IntegerField(
        allow_null=True,
        help_text=(
            "Rank among the council and its neighbours: 1 = best by polarity, or the highest "
            "figure where neither is better"
        ),
    )
    sn_ranked = serializers.IntegerField(help_text="How many were ranked")
    region_value = serializers.DecimalField(
        max_digits=20, decimal_places=6, allow_null=True, coerce_to_string=True
    )
    region_symbol = serializers.CharField()
    england_value = serializers.DecimalField(
        max_digits=20, decimal_places=6, allow_null=True, coerce_to_string=True
    )
    england_symbol = serializers.CharField()
    national_rank = serializers.IntegerField(
        allow_null=True, help_text="1 = best by polarity, or the highest where neither is better"
    )
    national_count = serializers.IntegerField(help_text="Councils with a value (ranked)")
    quartile = serializers.ChoiceField(
        choices=["A", "B", "C", "D"],
        allow_null=True,
        help_text="A best … D worst (A highest … D lowest where neither is better)",
    )
    trend = TrendPointSerializer(many=True, help_text="The last five periods, oldest first")
    direction = serializers.ChoiceField(
        choices=["improving", "worsening", "no change", "up", "down"],
        allow_null=True,
        help_text="Direction of travel over the trend, judged by polarity",
    )


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


def comparison_data(council: Council, c) -> dict:
    return {
        "council": council.gss_code,
        "council_name": council.name,
        "indicator": c.indicator.code,
        "polarity": c.indicator.polarity,
        "period": c.period.label,
        "time_identifier": c.period.time_identifier,
        "value": decimal_text(c.value),
        "symbol": c.symbol,
        "sn_mean": mean_text(c.group_mean),
        "sn_count": c.group_count,
        "sn_size": c.group_size,
        "sn_rank": c.group_rank,
        "sn_ranked": c.group_ranked,
        "region_value": decimal_text(c.region_value),
        "region_symbol": c.region_symbol,
        "england_value": decimal_text(c.england_value),
        "england_symbol": c.england_symbol,
        "national_rank": c.national_rank,
        "national_count": c.national_count,
        "quartile": c.quartile,
        "trend": [
            {
                "period": t["period"],
                "time_identifier": t["time_identifier"],
                "value": decimal_text(t["value"]),
                "symbol": t["symbol"],
            }
            for t in c.trend
        ],
        "direction": c.direction,
    }


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
