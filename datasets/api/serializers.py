"""The data set API's serializers: how indicators, figures and a council's comparison are
written out (by hand from plain rows, as in regions/api.py; the classes describe them for the
OpenAPI schema). Values are decimal strings (never floats) or null when a figure is
suppressed, with the symbol and what it means."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from rest_framework import serializers

from regions.models import Council

from ..models import (
    AreaLevel,
    Indicator,
    Polarity,
    Source,
    Symbol,
    Unit,
)
from ..selectors import periods_with_figures

_SYMBOL_MEANINGS = dict(Symbol.choices)
_UNIT_LABELS = dict(Unit.choices)
_SOURCE_LABELS = dict(Source.choices)
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
