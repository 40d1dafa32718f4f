"""The data profile's and compare page's reads: the trend lines the engine reads with the
comparisons match the observations, and the pages' query counts do not grow with the number
of key indicators."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from datasets.comparison import comparisons, data_changed, statistical_neighbour_ids
from datasets.models import Indicator, Observation
from regions.models import Council
from tests.conftest import LEEDS

pytestmark = pytest.mark.django_db

PROFILE = f"/data/councils/{LEEDS}/"


def test_trend_lines_match_the_published_observations(data_set):
    """England's and the region's figures and the neighbours' mean (suppressed left out) for
    every period of each key indicator's trend."""
    leeds = Council.objects.select_related("region").get(gss_code=LEEDS)
    group = statistical_neighbour_ids(leeds)
    indicators = list(Indicator.objects.filter(is_key=True, council__isnull=True))
    results = comparisons(
        council=leeds, indicators=indicators, group_ids=group, group_label="SN", with_lines=True
    )
    checked = 0
    for c in results:
        assert [g["period"] for g in c.lines["group"]] == [t["period"] for t in c.trend]
        for t, g, r, e in zip(
            c.trend, c.lines["group"], c.lines["region"], c.lines["england"], strict=True
        ):
            obs = Observation.objects.filter(
                indicator=c.indicator,
                period__label=t["period"],
                period__time_identifier=t["time_identifier"],
            )
            values = [
                o.value for o in obs.filter(area__council_id__in=group) if o.value is not None
            ]
            assert g["count"] == len(values)
            assert g["value"] == (sum(values) / len(values) if values else None)
            for line, code in ((r, leeds.region.gss_code), (e, "E92000001")):
                o = obs.filter(area__code=code).first()
                assert (line["value"], line["symbol"]) == ((o.value, o.symbol) if o else (None, ""))
            checked += 1
    assert checked >= len(results) * 2


def _queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", [PROFILE, f"{PROFILE}compare/"])
def test_query_count_does_not_grow_with_key_indicators(path, data_set, officer, client_for):
    client = client_for(officer)
    key = list(Indicator.objects.filter(is_key=True, council__isnull=True))
    Indicator.objects.filter(pk__in=[i.pk for i in key[2:]]).update(is_key=False)
    data_changed()  # a bulk update bypasses the signals that make cached pages stale
    few = _queries(client, path)
    Indicator.objects.filter(council__isnull=True, observations__isnull=False).update(is_key=True)
    data_changed()
    many_count = Indicator.objects.filter(is_key=True).count()
    assert many_count > len(key)
    many = _queries(client, path)
    # The profile asks for DfE's combined figures only when the council lacks one of its own
    # (one query, whatever the number of indicators).
    assert few <= many <= few + (1 if path == PROFILE else 0)
