"""Local indicator values: what the database cannot hold, or a percentage outside 0-100, is
refused by line and column before anything is saved; blank lines count in line numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from datasets import services
from datasets.models import Observation
from regions.models import Council
from tests.conftest import LEEDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def leeds(reference_data):
    return Council.objects.get(gss_code=LEEDS)


def _indicator(leeds, officer, unit):
    return services.local_indicator_create(
        actor=officer, council=leeds, name=f"A {unit}", unit=unit, polarity="higher"
    )


def _errors(indicator, officer, text: str) -> list[str]:
    with pytest.raises(services.LocalIndicatorError) as caught:
        services.local_values_upload(actor=officer, indicator=indicator, data=text.encode())
    assert not Observation.objects.filter(indicator=indicator).exists()
    return list(caught.value.errors)


@pytest.mark.parametrize("value", ["101", "-1", "100.01"])
def test_a_percentage_outside_0_to_100_is_refused(leeds, officer, value):
    indicator = _indicator(leeds, officer, "percentage")
    errors = _errors(indicator, officer, f"period,value\n2022-23,50\n\n2023-24,{value}\n")
    assert errors == [f"Line 4, column value: The value {value} is not a percentage from 0 to 100"]
    with pytest.raises(services.LocalIndicatorError, match="not a percentage from 0 to 100"):
        services.local_value_set(actor=officer, indicator=indicator, period="2024-25", value=value)


def test_percentages_0_and_100_and_counts_over_100_are_kept(leeds, officer):
    percentage = _indicator(leeds, officer, "percentage")
    services.local_values_upload(
        actor=officer, indicator=percentage, data=b"period,value\n2022-23,0\n2023-24,100\n"
    )
    count = _indicator(leeds, officer, "count")
    services.local_values_upload(actor=officer, indicator=count, data=b"period,value\n2022,250\n")
    assert Observation.objects.get(indicator=count).value == Decimal("250")


def test_a_value_too_large_for_the_database_is_refused_with_its_column(leeds, officer):
    indicator = _indicator(leeds, officer, "count")
    errors = _errors(indicator, officer, "period,value\n\n\n2022,1e20\n")
    assert errors == [
        "Line 4, column value: The value 100,000,000,000,000,000,000 is too large: the "
        "largest allowed is less than 100,000,000,000,000"
    ]


def test_an_over_long_period_and_a_cell_over_128_kb_are_named(leeds, officer):
    indicator = _indicator(leeds, officer, "count")
    text = f"period,value\n2022 {'x' * 40},1\n\n2023,{'9' * (128 * 1024 + 1)}\n"
    assert _errors(indicator, officer, text) == [
        "Line 2, column period: The period must be 40 characters or fewer (it has 45)",
        "Line 4, column value: the cell is longer than 131,072 characters (131,073)",
    ]
