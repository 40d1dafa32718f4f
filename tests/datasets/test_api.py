"""/api/v1/indicators/, /api/v1/observations/ and /api/v1/councils/<gss>/comparison/: real
figures from the shipped data set, checked against the Observation rows they come from."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from datasets.models import Area, Indicator, Observation, Period, Polarity, Source
from regions.models import Council, StatisticalNeighbour

pytestmark = pytest.mark.django_db

LEEDS = "E08000035"
YORKSHIRE = "E12000003"
ENGLAND = "E92000001"
COMPARISON = f"/api/v1/councils/{LEEDS}/comparison/"


@pytest.fixture(autouse=True)
def _data_set(data_set):
    """The shipped data set (tests/datasets/conftest.py loads it once a session)."""


@pytest.fixture
def api(officer):
    client = APIClient()
    client.force_authenticate(officer)
    return client


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def published(code: str, area: str, period: str) -> Observation:
    return Observation.objects.get(indicator__code=code, area__code=area, period__label=period)


def better_first(polarity: str) -> bool:
    """True when higher values rank first (no polarity ranks from the highest too)."""
    return polarity != Polarity.LOWER


def rank_of(value: Decimal, values: list[Decimal], polarity: str) -> int:
    """Competition rank: 1 + how many are strictly better."""
    if better_first(polarity):
        return 1 + sum(1 for v in values if v > value)
    return 1 + sum(1 for v in values if v < value)


# --- The comparison ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["cla_rate_per_10k", "rereferral_pct", "sw_turnover_pct"])
def test_leeds_comparison_matches_the_published_figures(api, code):
    body = api.get(COMPARISON, {"indicator": code, "period": "2025"}).json()
    indicator = Indicator.objects.get(code=code)
    leeds = Council.objects.get(gss_code=LEEDS)
    neighbour_codes = list(
        StatisticalNeighbour.objects.filter(council=leeds)
        .order_by("rank")
        .values_list("neighbour__gss_code", flat=True)
    )
    assert len(neighbour_codes) == 10
    figures = {
        o.area.code: o
        for o in Observation.objects.filter(
            indicator=indicator, period__label="2025", area__level="local_authority"
        ).select_related("area")
    }
    own = figures[LEEDS]
    neighbour_values = [
        figures[c].value for c in neighbour_codes if c in figures and figures[c].value is not None
    ]

    assert body["indicator"] == code
    assert body["period"] == "2025"
    assert body["council"] == LEEDS
    assert Decimal(body["value"]) == own.value
    assert body["symbol"] == own.symbol
    # The neighbours' mean, over those with a value, with how many had one.
    expected_mean = sum(neighbour_values) / len(neighbour_values)
    assert Decimal(body["sn_mean"]) == expected_mean.quantize(Decimal("0.000001"))
    assert body["sn_count"] == len(neighbour_values)
    assert body["sn_size"] == 10
    # Region and England are the published rows, not recomputed.
    england = published(code, ENGLAND, "2025")
    region = published(code, YORKSHIRE, "2025")
    assert Decimal(body["england_value"]) == england.value
    assert body["england_symbol"] == england.symbol
    assert Decimal(body["region_value"]) == region.value
    # Ranks by polarity among councils with a value; suppressed ones are not counted.
    all_values = [o.value for o in figures.values() if o.value is not None]
    assert body["national_count"] == len(all_values) <= 153
    assert body["national_rank"] == rank_of(own.value, all_values, indicator.polarity)
    pool = [own.value, *neighbour_values]
    assert body["sn_ranked"] == len(pool)
    assert body["sn_rank"] == rank_of(own.value, pool, indicator.polarity)
    assert 1 <= body["sn_rank"] <= body["sn_ranked"]
    band = "ABCD"[min(3, math.ceil(4 * body["national_rank"] / body["national_count"]) - 1)]
    assert body["quartile"] == band
    # The trend: Leeds' last five periods, oldest first, ending at the period asked for.
    leeds_rows = list(
        Observation.objects.filter(indicator=indicator, area__code=LEEDS)
        .select_related("period")
        .order_by("period__end_year")
    )[-5:]
    assert [t["period"] for t in body["trend"]] == [o.period.label for o in leeds_rows]
    assert [None if t["value"] is None else Decimal(t["value"]) for t in body["trend"]] == [
        o.value for o in leeds_rows
    ]
    first, last = leeds_rows[0].value, leeds_rows[-1].value
    if indicator.polarity == Polarity.NEITHER:
        expected_direction = "up" if last > first else "down" if last < first else "no change"
    else:
        better = last > first if indicator.polarity == Polarity.HIGHER else last < first
        expected_direction = (
            "no change" if last == first else ("improving" if better else "worsening")
        )
    assert body["direction"] == expected_direction


def test_suppressed_councils_are_left_out_of_the_national_count(api):
    suppressed = Observation.objects.filter(
        indicator__code="cla_rate_per_10k",
        period__label="2025",
        area__level="local_authority",
        value__isnull=True,
    ).count()
    assert suppressed > 0  # the published file suppresses some councils
    body = api.get(COMPARISON, {"indicator": "cla_rate_per_10k", "period": "2025"}).json()
    with_rows = Observation.objects.filter(
        indicator__code="cla_rate_per_10k", period__label="2025", area__level="local_authority"
    ).count()
    assert body["national_count"] == with_rows - suppressed


def test_an_earlier_period_gives_that_periods_figures(api):
    body = api.get(COMPARISON, {"indicator": "cla_rate_per_10k", "period": "2022"}).json()
    assert body["period"] == "2022"
    assert Decimal(body["value"]) == published("cla_rate_per_10k", LEEDS, "2022").value
    assert body["trend"][-1]["period"] == "2022"


def test_latest_is_the_most_recent_period(api):
    body = api.get(COMPARISON, {"indicator": "cla_rate_per_10k", "period": "latest"}).json()
    assert body["period"] == "2025"


def test_comparison_query_count_does_not_depend_on_the_indicator(
    api, django_assert_max_num_queries
):
    counts = []
    for code in ["cla_rate_per_10k", "sw_turnover_pct", "referrals_count"]:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(COMPARISON, {"indicator": code, "period": "2024"}).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert len(set(counts)) == 1
    assert counts[0] <= 12


def test_an_unknown_council_is_404(api):
    url = "/api/v1/councils/E99999999/comparison/"
    assert api.get(url, {"indicator": "cla_rate_per_10k", "period": "2025"}).status_code == 404


@pytest.mark.parametrize(
    ("params", "body"),
    [
        ({"period": "2025"}, {"indicator": ["This parameter is required."]}),
        ({"indicator": "nope", "period": "2025"}, {"indicator": ["no indicator 'nope'"]}),
        (
            {"indicator": "cla_rate_per_10k"},
            {"period": ["This parameter is required (or 'latest')."]},
        ),
        ({"indicator": "cla_rate_per_10k", "period": "1999"}, {"period": ["no period '1999'"]}),
        (
            # 2012 exists (population figures) but the CLA file starts later.
            {"indicator": "cla_rate_per_10k", "period": "2012"},
            {"period": ["indicator 'cla_rate_per_10k' has no figures for '2012'"]},
        ),
    ],
)
def test_comparison_parameters_are_checked_with_messages_naming_them(api, params, body):
    first_cla = (
        Observation.objects.filter(indicator__code="cla_rate_per_10k")
        .order_by("period__end_year")
        .values_list("period__label", flat=True)
        .first()
    )
    assert first_cla > "2012"
    response = api.get(COMPARISON, params)
    assert response.status_code == 400
    assert response.json() == body


# --- Observations -----------------------------------------------------------------------------


def test_observations_of_an_indicator_and_period_for_every_council(api):
    body = api.get(
        "/api/v1/observations/",
        {"indicator": "cla_rate_per_10k", "period": "2025", "level": "local_authority"},
    ).json()
    rows = Observation.objects.filter(
        indicator__code="cla_rate_per_10k", period__label="2025", area__level="local_authority"
    )
    assert body["count"] == rows.count() >= 150
    by_area = {r["area"]: r for r in body["results"]}
    leeds = by_area[LEEDS]
    assert leeds == {
        "indicator": "cla_rate_per_10k",
        "area": LEEDS,
        "area_name": "Leeds",
        "level": "local_authority",
        "period": "2025",
        "time_identifier": "Reporting year",
        "value": leeds["value"],
        "symbol": "",
        "symbol_meaning": None,
    }
    assert Decimal(leeds["value"]) == published("cla_rate_per_10k", LEEDS, "2025").value
    suppressed = rows.filter(value__isnull=True).select_related("area").first()
    shown = by_area[suppressed.area.code]
    assert shown["value"] is None
    assert shown["symbol"] == suppressed.symbol
    assert shown["symbol_meaning"]


def test_observations_of_england_and_of_an_area(api):
    body = api.get(
        "/api/v1/observations/", {"indicator": "cla_rate_per_10k", "level": "national"}
    ).json()
    assert {r["area"] for r in body["results"]} == {ENGLAND}
    periods = [r["period"] for r in body["results"]]
    assert periods == sorted(periods) and "2025" in periods
    body = api.get("/api/v1/observations/", {"area": LEEDS, "period": "2025"}).json()
    assert (
        body["count"] == Observation.objects.filter(area__code=LEEDS, period__label="2025").count()
    )
    assert {r["area"] for r in body["results"]} == {LEEDS}


def test_observation_pages_take_the_same_queries_whatever_their_size(api):
    counts = {}
    for limit in (5, 500):
        with CaptureQueriesContext(connection) as ctx:
            body = api.get(
                "/api/v1/observations/", {"indicator": "cla_rate_per_10k", "limit": limit}
            ).json()
        counts[limit] = len(ctx.captured_queries)
        assert len(body["results"]) == min(limit, body["count"])
    assert counts[5] == counts[500]


@pytest.mark.parametrize(
    ("params", "body"),
    [
        ({}, {"indicator": ["Give an indicator (or an area): there are millions of figures."]}),
        ({"indicator": "x"}, {"indicator": ["no indicator 'x'"]}),
        ({"indicator": "cla_rate_per_10k", "area": "E99"}, {"area": ["no area 'E99'"]}),
        ({"indicator": "cla_rate_per_10k", "period": "1066"}, {"period": ["no period '1066'"]}),
        (
            {"indicator": "cla_rate_per_10k", "level": "parish"},
            {"level": ["'parish' is not one of national, regional, local_authority"]},
        ),
    ],
)
def test_observation_parameters_are_checked_with_messages_naming_them(api, params, body):
    response = api.get("/api/v1/observations/", params)
    assert response.status_code == 400
    assert response.json() == body


# --- Indicators -------------------------------------------------------------------------------


def test_indicator_detail_has_its_definition_and_periods(api):
    body = api.get("/api/v1/indicators/cla_rate_per_10k/").json()
    indicator = Indicator.objects.get(code="cla_rate_per_10k")
    assert body["code"] == "cla_rate_per_10k"
    assert body["name"] == indicator.name
    assert body["unit"] == "rate_10k"
    assert body["polarity"] == indicator.polarity
    assert body["source"] == "ssda903"
    assert body["is_key"] is True
    assert body["definition"] == indicator.definition
    assert body["period_type"] == "Reporting year"
    assert body["derived"] is None
    expected = sorted(
        set(
            Observation.objects.filter(indicator=indicator).values_list(
                "period__end_year", "period__label"
            )
        )
    )
    assert [p["label"] for p in body["periods"]] == [label for _, label in expected]


def test_a_derived_indicator_shows_its_formula(api):
    derived = (
        Indicator.objects.filter(numerator__isnull=False)
        .select_related("numerator", "denominator")
        .first()
    )
    body = api.get(f"/api/v1/indicators/{derived.code}/").json()
    assert body["source"] == "derived"
    assert body["derived"] == {
        "numerator": derived.numerator.code,
        "denominator": derived.denominator.code,
        "scale": format(derived.scale.normalize(), "f"),
        "denominator_lag": derived.denominator_lag,
    }


def test_indicators_filter_by_key_theme_source_polarity_and_search(api):
    body = api.get("/api/v1/indicators/", {"key": "true", "limit": 500}).json()
    assert sorted(i["code"] for i in body["results"]) == sorted(
        Indicator.objects.filter(is_key=True, council__isnull=True).values_list("code", flat=True)
    )
    body = api.get("/api/v1/indicators/", {"theme": "Children looked after", "limit": 500}).json()
    assert body["count"] > 0 and {i["theme"] for i in body["results"]} == {"Children looked after"}
    body = api.get("/api/v1/indicators/", {"source": "csww", "polarity": "lower"}).json()
    assert body["count"] == Indicator.objects.filter(source="csww", polarity="lower").count() > 0
    body = api.get("/api/v1/indicators/", {"search": "looked after"}).json()
    assert "cla_rate_per_10k" in {i["code"] for i in body["results"]}
    response = api.get("/api/v1/indicators/", {"polarity": "sideways"})
    assert response.status_code == 400
    assert "polarity" in response.json()


def test_an_unknown_indicator_is_404(api):
    assert api.get("/api/v1/indicators/nope/").status_code == 404


# --- Local indicators are confidential to their council unless shared ------------------------


@pytest.fixture
def local_indicator(reference_data):
    leeds = Council.objects.get(gss_code=LEEDS)
    indicator = Indicator.objects.create(
        code="leeds_local_early_help",
        name="Early help assessments completed",
        theme="Early help",
        unit="count",
        source=Source.LOCAL,
        council=leeds,
    )
    Observation.objects.create(
        indicator=indicator,
        area=Area.objects.get(code=LEEDS),
        period=Period.objects.get(label="2025", time_identifier="Reporting year"),
        value=Decimal("412"),
    )
    return indicator


def test_a_local_indicator_is_seen_by_its_council_and_region_only(
    local_indicator, officer, regional_lead, other_officer
):
    for user in (officer, regional_lead):
        client = api_as(user)
        assert client.get("/api/v1/indicators/leeds_local_early_help/").status_code == 200
        codes = {
            i["code"] for i in client.get("/api/v1/indicators/", {"limit": 500}).json()["results"]
        }
        assert "leeds_local_early_help" in codes
        rows = client.get("/api/v1/observations/", {"indicator": "leeds_local_early_help"}).json()[
            "results"
        ]
        assert [(r["area"], r["value"]) for r in rows] == [(LEEDS, "412")]
    outsider = api_as(other_officer)
    assert outsider.get("/api/v1/indicators/leeds_local_early_help/").status_code == 404
    codes = {
        i["code"] for i in outsider.get("/api/v1/indicators/", {"limit": 500}).json()["results"]
    }
    assert "leeds_local_early_help" not in codes
    response = outsider.get("/api/v1/observations/", {"indicator": "leeds_local_early_help"})
    assert response.status_code == 400
    assert response.json() == {"indicator": ["no indicator 'leeds_local_early_help'"]}
    # Nor through an area listing.
    rows = outsider.get("/api/v1/observations/", {"area": LEEDS, "period": "2025", "limit": 500})
    assert "leeds_local_early_help" not in {r["indicator"] for r in rows.json()["results"]}
    response = outsider.get(COMPARISON, {"indicator": "leeds_local_early_help", "period": "2025"})
    assert response.status_code == 400


def test_a_shared_local_indicator_is_seen_by_every_member(local_indicator, other_officer):
    local_indicator.is_shared = True
    local_indicator.save()
    outsider = api_as(other_officer)
    assert outsider.get("/api/v1/indicators/leeds_local_early_help/").status_code == 200
    rows = outsider.get("/api/v1/observations/", {"indicator": "leeds_local_early_help"}).json()
    assert rows["count"] == 1


# --- Access and the schema ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/indicators/",
        "/api/v1/indicators/cla_rate_per_10k/",
        "/api/v1/observations/?indicator=cla_rate_per_10k&period=2025",
        f"{COMPARISON}?indicator=cla_rate_per_10k&period=2025",
    ],
)
def test_data_set_api_refuses_anonymous_and_people_without_a_role(path, no_role_user, officer):
    client = APIClient()
    assert client.get(path).status_code in (401, 403)
    client.force_authenticate(no_role_user)
    assert client.get(path).status_code == 403
    client.force_authenticate(officer)
    assert client.get(path).status_code == 200


def test_schema_documents_the_data_set_endpoints(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in (
        "/api/v1/indicators/",
        "/api/v1/indicators/{code}/",
        "/api/v1/observations/",
        "/api/v1/councils/{gss_code}/comparison/",
    ):
        assert path in paths
    params = {p["name"] for p in paths["/api/v1/observations/"]["get"]["parameters"]}
    assert {"indicator", "period", "area", "level", "limit", "offset"} <= params
    params = {
        p["name"]: p for p in paths["/api/v1/councils/{gss_code}/comparison/"]["get"]["parameters"]
    }
    assert params["indicator"]["required"] and params["period"]["required"]
    comparison = schema["components"]["schemas"]["Comparison"]["properties"]
    assert comparison["sn_mean"]["type"] == "string"
    assert comparison["sn_count"]["type"] == "integer"
    assert comparison["trend"]["type"] == "array"
    assert {
        "value",
        "symbol",
        "sn_mean",
        "sn_count",
        "region_value",
        "england_value",
        "sn_rank",
        "national_rank",
        "quartile",
        "trend",
        "direction",
    } <= set(comparison)
    observation = schema["components"]["schemas"]["Observation"]["properties"]
    assert observation["value"]["type"] == "string" and observation["value"]["nullable"]
