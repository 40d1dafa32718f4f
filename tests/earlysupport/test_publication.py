"""When figures became public, per source."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from earlysupport.publication import PUBLISHED, last_end_year_published, published_on


def _period(end_year: int, start_year: int | None = None):
    return SimpleNamespace(end_year=end_year, start_year=start_year or end_year)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("cin", dt.date(2024, 12, 1)),
        ("ssda903", dt.date(2024, 12, 1)),
        ("derived", dt.date(2024, 12, 1)),
        ("lait", dt.date(2024, 12, 1)),
        ("csww", dt.date(2025, 3, 1)),  # as at 30 September 2024, published February 2025
        ("ons", dt.date(2025, 8, 1)),
        ("something-new", dt.date(2024, 12, 1)),
    ],
)
def test_published_on_per_source(source, expected):
    assert published_on(_period(2024), source) == expected


def test_financial_year_uses_its_end_year():
    assert published_on(_period(2024, 2023), "lait") == dt.date(2024, 12, 1)


@pytest.mark.parametrize("source", sorted(PUBLISHED))
def test_last_end_year_published_agrees_with_published_on(source):
    for day in (
        dt.date(2024, 2, 28),
        dt.date(2024, 3, 1),
        dt.date(2024, 11, 30),
        dt.date(2024, 12, 1),
    ):
        year = last_end_year_published(source, day)
        assert published_on(_period(year), source) <= day
        assert published_on(_period(year + 1), source) > day


def test_workforce_periods_in_the_data_set_are_single_reporting_years(data_set, db):
    """The mapping assumes CSWW periods are labelled "Y", reporting year, start = end = Y."""
    from datasets.models import Period

    periods = Period.objects.filter(observations__indicator__code="sw_turnover_pct").distinct()
    assert periods.exists()
    for period in periods:
        assert period.time_identifier == "Reporting year"
        assert period.start_year == period.end_year == int(period.label)
