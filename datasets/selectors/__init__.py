"""Reads for the data pages and for other apps: the catalogue, an indicator's figures, a
council's data profile, comparisons with a chosen group, saved comparison groups, and what
other apps read of the data set.

Every selector that lists things takes the user and returns only what that user may see; each
reads in a fixed number of queries whatever the number of councils or indicators. Import them
from here (`from datasets.selectors import indicator_get`); the modules group them by feature.
"""

from __future__ import annotations

from ..models import Indicator, Period
from .catalogue import (
    INDICATOR_ROWS_TEMPLATE,
    SORT_KEYS,
    IndicatorFigures,
    fragment,
    indicator_figures,
    indicator_get,
    indicator_list,
    indicator_periods,
    indicator_search,
    indicator_themes,
    indicators_visible,
    national_themes,
    periods_with_figures,
    symbol_meaning,
)
from .figures import (
    council_areas,
    council_figures,
    has_polarity,
    indicator_formats,
    indicator_names,
    indicators_with_codes,
    is_percentage,
    key_indicator_comparisons,
    latest_import_run_id,
    mean_of,
    published_periods,
    quartile,
    rankable_key_indicators,
    ranks,
    worse_by,
)
from .groups import (
    COMPARE_ROWS_TEMPLATE,
    GROUP_KINDS,
    compare,
    comparison_group_get,
    comparison_groups,
    group_choices,
    group_members,
)
from .local import (
    local_indicator_councils,
    local_indicator_values,
    local_profile_rows,
    other_local_indicators,
    visible_local_indicators,
)
from .profiles import (
    DIRECTION_WORDS,
    PROFILE_ITEM_TEMPLATE,
    by_theme,
    combined_figures,
    council_get,
    data_profile,
    figures_href,
    key_indicators,
    profile_item,
    trend_lines,
)

__all__ = [
    "local_indicator_councils",
    "other_local_indicators",
    "Indicator",
    "Period",
    "symbol_meaning",
    "indicators_visible",
    "indicator_list",
    "indicator_search",
    "indicator_themes",
    "national_themes",
    "indicator_get",
    "indicator_periods",
    "periods_with_figures",
    "IndicatorFigures",
    "SORT_KEYS",
    "indicator_figures",
    "INDICATOR_ROWS_TEMPLATE",
    "fragment",
    "council_get",
    "key_indicators",
    "trend_lines",
    "DIRECTION_WORDS",
    "combined_figures",
    "figures_href",
    "profile_item",
    "by_theme",
    "data_profile",
    "PROFILE_ITEM_TEMPLATE",
    "GROUP_KINDS",
    "comparison_groups",
    "comparison_group_get",
    "group_choices",
    "group_members",
    "compare",
    "COMPARE_ROWS_TEMPLATE",
    "indicators_with_codes",
    "indicator_names",
    "indicator_formats",
    "is_percentage",
    "has_polarity",
    "worse_by",
    "ranks",
    "quartile",
    "mean_of",
    "published_periods",
    "council_areas",
    "council_figures",
    "latest_import_run_id",
    "rankable_key_indicators",
    "key_indicator_comparisons",
    "visible_local_indicators",
    "local_profile_rows",
    "local_indicator_values",
]
