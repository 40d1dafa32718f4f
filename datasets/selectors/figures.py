"""What other apps read of the data set (early support's risk rules and flag pages,
peer challenge's scoring): indicators, formats, ranks, quartiles and figures, so they import
no datasets models or helpers."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from regions.models import Council

from ..comparison import (
    Comparison,
    comparisons,
    competition_ranks,
    quartile_band,
    statistical_neighbour_ids,
)
from ..models import (
    Indicator,
    Observation,
    Period,
)
from .profiles import key_indicators

if TYPE_CHECKING:
    pass


# --- For early support's risk rules and flags: what they read of the data set --------------


def indicators_with_codes(codes: list[str]) -> list[Indicator]:
    return list(Indicator.objects.filter(code__in=codes))


def indicator_names(codes: list[str] | None = None) -> dict[str, str]:
    """{code: name} of the indicators with these codes (None: every indicator)."""
    indicators = Indicator.objects.all()
    if codes is not None:
        indicators = indicators.filter(code__in=codes)
    return dict(indicators.values_list("code", "name"))


def indicator_formats(codes: set[str]) -> dict[str, tuple[int, str]]:
    """{code: (decimals, unit)} of the indicators with these codes: one query."""
    return {
        code: (decimals, unit)
        for code, decimals, unit in Indicator.objects.filter(code__in=codes).values_list(
            "code", "decimals", "unit"
        )
    }


def is_percentage(unit: str) -> bool:
    from ..models import Unit

    return unit == Unit.PERCENTAGE


def has_polarity(indicator: Indicator) -> bool:
    """Whether a higher or a lower figure is better (so councils can be ranked)."""
    from ..models import Polarity

    return indicator.polarity != Polarity.NEITHER


def worse_by(value: Decimal, reference: Decimal, polarity: str) -> Decimal | None:
    """How much worse `value` is than `reference` (positive = worse); None with no polarity."""
    from ..models import Polarity

    if polarity == Polarity.LOWER:
        return value - reference
    if polarity == Polarity.HIGHER:
        return reference - value
    return None


def ranks(values: dict[int, Decimal], polarity: str) -> dict[int, int]:
    """Competition ranks by polarity, 1 = best (datasets.comparison.competition_ranks)."""
    return competition_ranks(values, polarity)


def quartile(rank: int, count: int) -> str:
    """A (best quarter) … D (worst quarter) from a rank among `count` councils."""
    return quartile_band(rank, count)


def mean_of(values: list[Decimal]) -> Decimal | None:
    from ..comparison import mean

    return mean(values)


def published_periods(indicator_ids: list[int], *, count: int) -> dict[int, list[Period]]:
    """For each indicator, its last `count` periods with figures, oldest first (one query)."""
    from ..comparison import latest_periods

    return latest_periods(indicator_ids, count=count)


def council_areas() -> dict[int, int]:
    """{area id: council id} of the areas that are councils."""
    from ..models import Area

    return dict(Area.objects.filter(council__isnull=False).values_list("id", "council_id"))


def council_figures(
    *, indicator_ids: set[int], period_ids: set[int], area_ids: list[int]
) -> list[tuple[int, int, int, Decimal | None, str]]:
    """(indicator id, period id, area id, value, symbol) of every figure asked for: one query."""
    return list(
        Observation.objects.filter(
            indicator_id__in=indicator_ids, period_id__in=period_ids, area_id__in=area_ids
        ).values_list("indicator_id", "period_id", "area_id", "value", "symbol")
    )


def latest_import_run_id() -> int | None:
    """The newest import run's id: it changes whenever figures are imported."""
    from django.db.models import Max

    from ..models import ImportRun

    run_id: int | None = ImportRun.objects.aggregate(m=Max("id"))["m"]
    return run_id


# --- For peer challenge: the councils' standing and a host's key indicators ---------------


def rankable_key_indicators() -> list[Indicator]:
    """The key indicators with a better direction (so councils rank on them)."""
    from ..models import Polarity

    return list(Indicator.objects.filter(is_key=True).exclude(polarity=Polarity.NEITHER))


def key_indicator_comparisons(*, council: Council) -> list[Comparison]:
    """The council's key indicators against its statistical neighbours (a fixed query count)."""

    return comparisons(
        council=council,
        indicators=key_indicators(),
        group_ids=statistical_neighbour_ids(council),
        group_label="Statistical neighbours",
    )
