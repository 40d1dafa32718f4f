"""The comparison maths: ranks with ties by polarity, quartiles, suppression, and the
statistical neighbours' mean checked against the real data set."""

from decimal import Decimal as D

import pytest

from datasets.comparison import (
    compare_figures,
    comparisons,
    competition_ranks,
    direction,
    quartile_band,
    statistical_neighbour_ids,
)
from datasets.models import Indicator, Observation
from regions.models import Council
from tests.conftest import LEEDS


def test_equal_values_share_a_rank_and_the_next_rank_is_skipped_when_higher_is_better():
    ranks = competition_ranks({1: D(10), 2: D(20), 3: D(20), 4: D(5)}, "higher")
    assert ranks == {2: 1, 3: 1, 1: 3, 4: 4}


def test_lowest_value_ranks_first_when_lower_is_better():
    ranks = competition_ranks({1: D(10), 2: D(20), 3: D(20), 4: D(5)}, "lower")
    assert ranks == {4: 1, 1: 2, 2: 3, 3: 3}


def test_indicators_with_no_polarity_rank_from_the_highest():
    assert competition_ranks({1: D(1), 2: D(3), 3: D(2)}, "neither") == {2: 1, 3: 2, 1: 3}


@pytest.mark.parametrize(
    ("rank", "count", "band"),
    [
        (1, 100, "A"),
        (25, 100, "A"),
        (26, 100, "B"),
        (50, 100, "B"),
        (51, 100, "C"),
        (75, 100, "C"),
        (76, 100, "D"),
        (100, 100, "D"),
        (1, 1, "D"),
        (1, 4, "A"),
        (4, 4, "D"),
    ],
)
def test_quartile_bands_run_from_a_best_to_d_worst(rank, count, band):
    assert quartile_band(rank, count) == band


def test_direction_of_travel_is_judged_by_polarity():
    assert direction(D(10), D(8), "lower") == "improving"
    assert direction(D(10), D(8), "higher") == "worsening"
    assert direction(D(10), D(12), "neither") == "up"
    assert direction(D(10), D(10), "higher") == "no change"
    assert direction(None, D(10), "higher") is None


def test_suppressed_figures_are_left_out_of_the_mean_and_ranks_but_counted():
    figures = {
        1: (D(30), ""),  # the council
        2: (D(10), ""),
        3: (None, "c"),  # suppressed neighbour
        4: (D(20), ""),
        5: (D(40), "u"),  # low reliability, but a value is given
        6: (None, "x"),  # not a neighbour, no figure
    }
    maths = compare_figures(council_id=1, figures=figures, group_ids=[2, 3, 4, 5], polarity="lower")
    assert maths["group_mean"] == D(70) / 3
    assert (maths["group_count"], maths["group_size"]) == (3, 4)
    # Among 1, 2, 4, 5 with values, lower is better: 10, 20, 30, 40
    assert (maths["group_rank"], maths["group_ranked"]) == (3, 4)
    assert (maths["national_rank"], maths["national_count"]) == (3, 4)
    assert maths["quartile"] == "C"


def test_a_suppressed_council_has_no_rank_and_its_symbol_is_kept():
    figures = {1: (None, "c"), 2: (D(1), "")}
    maths = compare_figures(council_id=1, figures=figures, group_ids=[2], polarity="higher")
    assert (maths["value"], maths["symbol"]) == (None, "c")
    assert maths["national_rank"] is None and maths["quartile"] is None
    assert maths["group_mean"] == D(1)


@pytest.mark.django_db
def test_leeds_neighbour_mean_matches_the_published_observations(data_set):
    """SN mean = mean of the ten neighbours' published values, suppressed ones left out."""
    leeds = Council.objects.select_related("region").get(gss_code=LEEDS)
    indicators = list(Indicator.objects.filter(is_key=True, council__isnull=True))
    group = statistical_neighbour_ids(leeds)
    assert len(group) == 10
    results = comparisons(council=leeds, indicators=indicators, group_ids=group, group_label="SN")
    assert {c.indicator.code for c in results} == {i.code for i in indicators}
    for c in results:
        obs = Observation.objects.filter(indicator=c.indicator, period=c.period)
        neighbour_values = [
            o.value for o in obs.filter(area__council_id__in=group) if o.value is not None
        ]
        assert c.group_count == len(neighbour_values)
        assert c.group_size == 10
        expected = sum(neighbour_values) / len(neighbour_values) if neighbour_values else None
        assert c.group_mean == expected, c.indicator.code
        all_values = obs.filter(area__council__isnull=False, value__isnull=False)
        assert c.national_count == all_values.count()
        own = obs.get(area__council=leeds)
        assert (c.value, c.symbol) == (own.value, own.symbol)
        if c.value is not None:
            if c.indicator.polarity == "lower":
                better = all_values.filter(value__lt=c.value).count()
            else:
                better = all_values.filter(value__gt=c.value).count()
            assert c.national_rank == better + 1
        england = obs.get(area__code="E92000001")
        assert c.england_value == england.value
