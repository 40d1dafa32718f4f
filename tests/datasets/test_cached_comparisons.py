"""The data pages keep their comparisons in the cache under the data's version
(datasets.comparison.cached): what they show from the cache is what they would compute, an
import or an edit makes it stale at once, and a cache that fails costs time, not the page."""

import re
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from datasets.comparison import comparisons, data_changed, data_version, statistical_neighbour_ids
from datasets.imports import ImportResult, create_staging, merge_staging
from datasets.models import Area, Indicator, Observation
from datasets.services import editing
from regions.models import Council
from tests.conftest import LEEDS

pytestmark = pytest.mark.django_db

PROFILE = f"/data/councils/{LEEDS}/"
COMPARE = f"{PROFILE}compare/"
REGION_COMPARE = f"{COMPARE}?group=region"
INDICATOR = "/data/indicators/cla_rate_per_10k/"
PATHS = [PROFILE, COMPARE, REGION_COMPARE, INDICATOR, f"{INDICATOR}?sort=-council"]

NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
# A Redis nobody listens on: the fail-soft cache carries on as an empty one.
UNREACHABLE = {
    "default": {
        "BACKEND": "cib_portal.cache.FailSoftRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def _page(client, path) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    # What differs between any two responses: the CSRF token, the CSP nonce, and the ids
    # the charts and table captions are numbered with.
    html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1", html)
    html = re.sub(r'nonce="[^"]+"', "", html)
    html = re.sub(r"\b(trend|distribution|table-caption)-\d+", r"\1-N", html)
    return html, len(queries.captured_queries)


def _leeds_figure():
    """A key indicator of Leeds' profile with a value at its latest period, and that figure."""
    leeds = Council.objects.select_related("region").get(gss_code=LEEDS)
    found = comparisons(
        council=leeds,
        indicators=list(Indicator.objects.filter(is_key=True, council__isnull=True)),
        group_ids=statistical_neighbour_ids(leeds),
        group_label="SN",
    )
    c = next(c for c in found if c.value is not None)
    return Observation.objects.get(
        indicator=c.indicator, period=c.period, area=Area.objects.get(code=LEEDS)
    )


@pytest.mark.parametrize("path", PATHS)
def test_a_page_from_the_cache_is_the_page_computed(path, data_set, officer, client_for):
    client = client_for(officer)
    computed, computed_queries = _page(client, path)
    kept, kept_queries = _page(client, path)
    with override_settings(CACHES=NO_CACHE):
        uncached, _ = _page(client, path)
    assert kept == computed == uncached
    assert kept_queries < computed_queries  # the second really came from the cache


@pytest.mark.parametrize("path", [PROFILE, COMPARE, INDICATOR])
def test_the_cached_pages_query_counts(
    path, data_set, officer, client_for, django_assert_num_queries
):
    """From the cache: the session, user and memberships, the page's council or indicator,
    and what keys the entry (the neighbours, the group) or cannot be cached (local rows)."""
    client = client_for(officer)
    client.get(path)
    expected = {PROFILE: 6, COMPARE: 6, INDICATOR: 4}[path]
    with django_assert_num_queries(expected):
        assert client.get(path).status_code == 200


def test_a_cached_page_query_count_does_not_grow_with_key_indicators(data_set, officer, client_for):
    client = client_for(officer)
    key = list(Indicator.objects.filter(is_key=True, council__isnull=True))
    Indicator.objects.filter(pk__in=[i.pk for i in key[2:]]).update(is_key=False)
    data_changed()  # a bulk update bypasses the models' signals
    _page(client, PROFILE)
    _, few = _page(client, PROFILE)
    Indicator.objects.filter(council__isnull=True, observations__isnull=False).update(is_key=True)
    data_changed()
    first, _ = _page(client, PROFILE)
    second, many = _page(client, PROFILE)
    assert first == second and second.count("cib-profile-indicator") > len(key)
    assert many == few


def test_an_import_makes_the_cached_figures_stale(data_set, officer, client_for):
    client = client_for(officer)
    figure = _leeds_figure()
    new = (figure.value or Decimal(0)) + Decimal("1234.5")
    before, _ = _page(client, PROFILE)
    _page(client, COMPARE)
    _page(client, INDICATOR)
    # What every import does (EES files, LAIT, derived indicators): stage, then merge.
    with transaction.atomic(), connection.cursor() as cursor:
        create_staging(cursor)
        cursor.execute(
            "INSERT INTO import_staging (indicator_id, area_id, period_id, value, symbol, line) "
            "VALUES (%s, %s, %s, %s, '', 1)",
            [figure.indicator_id, figure.area_id, figure.period_id, new],
        )
        result = ImportResult()
        merge_staging(cursor, None, result)
    assert result.updated == 1
    for path in (PROFILE, COMPARE, INDICATOR):
        kept = _page(client, path)[0]
        with override_settings(CACHES=NO_CACHE):
            assert kept == _page(client, path)[0], path
    assert _page(client, PROFILE)[0] != before


def test_an_edit_through_the_models_makes_the_cached_pages_stale(
    data_set, officer, national_adviser, client_for
):
    client = client_for(officer)
    indicator = _leeds_figure().indicator
    assert indicator.name in _page(client, PROFILE)[0]
    editing.indicator_update(
        actor=national_adviser, indicator=indicator, changes={"name": "A renamed indicator"}
    )
    assert "A renamed indicator" in _page(client, PROFILE)[0]
    assert "A renamed indicator" in _page(client, COMPARE)[0]

    figure = _leeds_figure()
    figure.value, figure.symbol = None, "c"
    figure.save()
    with override_settings(CACHES=NO_CACHE):
        uncached = _page(client, PROFILE)[0]
    assert _page(client, PROFILE)[0] == uncached


def test_the_version_changes_now_and_again_at_commit(django_capture_on_commit_callbacks):
    before = data_version()
    assert before and data_version() == before
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        data_changed()
        during = data_version()
        data_changed()  # once a transaction is enough
    assert len(callbacks) == 1
    assert during != before and data_version() not in (before, during)


def test_the_pages_work_when_the_cache_cannot_be_reached(data_set, officer, client_for):
    client = client_for(officer)
    expected = {path: _page(client, path)[0] for path in PATHS}
    with override_settings(CACHES=UNREACHABLE):
        assert data_version() is None
        for path in PATHS:
            assert _page(client, path)[0] == expected[path]
