"""Derived indicators: numerator ÷ denominator (of the previous year) × scale."""

from __future__ import annotations

from decimal import Decimal

import pytest

from datasets import services
from datasets.imports import import_ees_file
from datasets.models import Area, Indicator, Observation, ObservationRevision, Period

ENGLAND = "E92000001"
LEEDS = "E08000035"


# These tests build the data set they need from nothing.
pytestmark = pytest.mark.empty_data_set


@pytest.fixture
def cin_and_population(reference_data):
    services.areas_sync()
    services.catalogue_sync()
    from datasets.models import ImportSpec

    for name, file in (
        ("cin-b1", "b1_children_in_need_2013_to_2025.csv"),
        ("ons-population", "ons_mid-year_population_estimates_2012_to_2024.csv"),
    ):
        import_ees_file(services.DATASETS_DIR / file, spec=ImportSpec.objects.get(name=name))
    services.derived_indicators_compute()


def rate(area=ENGLAND, label="2025"):
    return Observation.objects.get(
        indicator__code="cin_rate_per_10k", area__code=area, period__label=label
    )


def test_cin_rate_is_count_over_previous_years_population_and_matches_the_published_figure(
    cin_and_population,
):
    # CIN at 31 March 2025 = 402,400; ONS mid-2024 children aged 0-17 = 12,183,016.
    obs = rate()
    assert obs.value == (Decimal(402400) / Decimal(12183016) * 10000).quantize(Decimal("1e-6"))
    assert obs.value.quantize(Decimal("0.1")) == Decimal("330.3")  # DfE's published rate
    assert obs.symbol == ""


def set_input(code, area, label, value=None, symbol=""):
    obs = Observation.objects.get(
        indicator__code=code,
        area__code=area,
        period__label=label,
        period__time_identifier="Reporting year",
    )
    Observation.objects.filter(pk=obs.pk).update(value=value, symbol=symbol)


def test_suppressed_numerator_gives_the_same_symbol(cin_and_population):
    set_input("cin_at31_count", LEEDS, "2025", symbol="c")
    services.derived_indicators_compute()
    obs = rate(LEEDS)
    assert (obs.value, obs.symbol) == (None, "c")


def test_suppressed_denominator_gives_its_symbol(cin_and_population):
    set_input("population_0_17", LEEDS, "2024", symbol="x")
    services.derived_indicators_compute()
    assert rate(LEEDS).symbol == "x"


def test_zero_denominator_gives_not_applicable(cin_and_population):
    set_input("population_0_17", LEEDS, "2024", value=Decimal(0))
    services.derived_indicators_compute()
    obs = rate(LEEDS)
    assert (obs.value, obs.symbol) == (None, "z")


def test_recomputing_changes_nothing(cin_and_population):
    before = set(
        Observation.objects.filter(indicator__code="cin_rate_per_10k").values_list(
            "area_id", "period_id", "value", "symbol"
        )
    )
    result = services.derived_indicators_compute()
    assert result.created == 0 and result.updated == 0 and result.unchanged > 0
    after = set(
        Observation.objects.filter(indicator__code="cin_rate_per_10k").values_list(
            "area_id", "period_id", "value", "symbol"
        )
    )
    assert before == after
    assert not ObservationRevision.objects.filter(
        observation__indicator__code="cin_rate_per_10k"
    ).exists()


def test_a_changed_input_updates_the_rate_and_keeps_the_old_one(cin_and_population):
    old = rate(LEEDS).value
    set_input("cin_at31_count", LEEDS, "2025", value=Decimal(1))
    result = services.derived_indicators_compute()
    assert result.updated >= 1
    assert rate(LEEDS).value != old
    assert ObservationRevision.objects.filter(observation=rate(LEEDS), value=old).exists()


def test_no_rate_without_the_previous_years_population(cin_and_population):
    # The CIN file starts in 2013; the population file in 2012: 2013 has a rate, but a year
    # with no population the year before has none.
    assert rate(label="2013")
    Period.objects.get_or_create(
        label="2040",
        time_identifier="Reporting year",
        defaults={"start_year": 2040, "end_year": 2040},
    )
    Observation.objects.create(
        indicator=Indicator.objects.get(code="cin_at31_count"),
        area=Area.objects.get(code=ENGLAND),
        period=Period.objects.get(label="2040", time_identifier="Reporting year"),
        value=Decimal(5),
    )
    services.derived_indicators_compute()
    assert not Observation.objects.filter(
        indicator__code="cin_rate_per_10k", period__label="2040"
    ).exists()
