"""The support lists' SQL queries do not grow with their rows (issue 14's benchmark,
bench/support.py, measures them at ~20,000 requests; this keeps them flat)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regions.models import Council
from support.models import SupportRequest
from tests.conftest import LEEDS
from tests.factories import make_member
from tests.support.offers_setup import make_cohort, make_offer

pytestmark = pytest.mark.django_db


def _add(n: int, start: int, requester) -> None:
    """n more offers, each with a cohort, and a request of each from a different Yorkshire
    council (Leeds among them), so every row brings its own offer, cohort and council."""
    councils = list(Council.objects.filter(region__gss_code="E12000003").order_by("gss_code"))
    leeds = Council.objects.get(gss_code=LEEDS)
    rows = []
    for i in range(start, start + n):
        offer = make_offer(code=f"offer-{i}", name=f"Offer {i}")
        cohort = make_cohort(offer, name=f"Cohort {i}")
        for council in (councils[i % len(councils)], leeds):
            rows.append(
                SupportRequest(
                    council=council, offer=offer, cohort=cohort, requested_by=requester, need="x"
                )
            )
    SupportRequest.objects.bulk_create(rows)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_waiting_council_and_catalogue_queries_do_not_grow_with_rows(client_for, adviser):
    requester = make_member(LEEDS, "lead_member", email="lm@leeds.example")
    urls = [
        reverse("support:waiting"),
        reverse("support:council", args=[LEEDS]),
        reverse("support:catalogue"),
    ]
    client = client_for(adviser)
    _add(2, 0, requester)
    for url in urls:
        client.get(url)  # warm whatever is cached per session
    small = {url: _queries(client, url) for url in urls}
    _add(18, 2, requester)  # 40 requests, 20 offers: more than a page of each
    large = {url: _queries(client, url) for url in urls}
    assert large == small
