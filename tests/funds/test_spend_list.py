"""The list of spend requests: what each person sees, the filters, sorting, totals, pages and
a number of queries that does not grow with the rows."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funds.services import (
    agreement_create,
    spend_request_approve,
    spend_request_create,
    spend_request_reject,
)
from regions.models import Region
from tests.conftest import NORTH_WEST
from tests.factories import make_member

pytestmark = pytest.mark.django_db

LIST = "/funds/requests/"


@pytest.fixture
def north_west(cib_admin):
    agreement = agreement_create(
        user=cib_admin,
        region=Region.objects.get(gss_code=NORTH_WEST),
        financial_year=2028,
        allocations={"early_support": 1_000_000},
    )
    manager = make_member(NORTH_WEST, "regional_programme_manager", email="pm@nw.example")
    spend_request_create(
        user=manager,
        agreement=agreement,
        purpose="early_support",
        amount_pence=77_700,
        description="North West coaching",
    )
    return agreement


@pytest.fixture
def rows(submitted, regional_lead, agreement, programme_manager):
    """Four Yorkshire requests: approved, rejected, submitted and a draft."""
    approved = spend_request_approve(
        user=regional_lead,
        request=submitted(100_000, purpose="project_management", description="Project officer"),
    )
    rejected = spend_request_reject(
        user=regional_lead,
        request=submitted(200_000, description="Conference tickets"),
        reason="Not eligible",
    )
    pending = submitted(
        300_000, purpose="peer_challenger_training", description="Challenger course"
    )
    draft = spend_request_create(
        user=programme_manager,
        agreement=agreement,
        purpose="early_support",
        amount_pence=400_000,
        description="Early help pilot",
        supplier="Bright Futures CIC",
    )
    return approved, rejected, pending, draft


def descriptions(response) -> list[str]:
    body = response.content.decode()
    rows = re.findall(r'/funds/requests/\d+/">([^<]+)</a>', body)
    return rows


def test_the_empty_state(client_for, programme_manager, agreement):
    body = client_for(programme_manager).get(LIST).content.decode()
    assert "There are no spend requests yet" in body
    assert f"/funds/requests/new/?agreement={agreement.pk}" in body


def test_each_person_sees_their_regions(client_for, rows, north_west, adviser, cib_admin):
    yorkshire = {"Project officer", "Conference tickets", "Challenger course", "Early help pilot"}
    assert set(descriptions(client_for(adviser).get(LIST))) == yorkshire
    assert set(descriptions(client_for(cib_admin).get(LIST))) == yorkshire | {"North West coaching"}
    from accounts.models import User

    nw_pm = User.objects.get(email="pm@nw.example")
    assert descriptions(client_for(nw_pm).get(LIST)) == ["North West coaching"]


def test_filters_sorting_and_totals(client_for, rows, north_west, agreement, cib_admin):
    client = client_for(cib_admin)
    by = lambda **q: set(descriptions(client.get(LIST, q)))  # noqa: E731
    assert by(agreement=agreement.pk) == {
        "Project officer",
        "Conference tickets",
        "Challenger course",
        "Early help pilot",
    }
    assert by(agreement=north_west.pk) == {"North West coaching"}
    assert by(region=north_west.region_id) == {"North West coaching"}
    assert by(year=2028) == {"North West coaching"}
    assert by(purpose="project_management") == {"Project officer"}
    assert by(status="rejected") == {"Conference tickets"}
    assert by(status="draft") == {"Early help pilot", "North West coaching"}
    assert by(q="bright futures") == {"Early help pilot"}  # the supplier
    assert by(q="COURSE") == {"Challenger course"}
    assert by(q="course", status="approved") == set()
    assert descriptions(client.get(LIST, {"sort": "amount"}))[:2] == [
        "North West coaching",
        "Project officer",
    ]
    assert descriptions(client.get(LIST, {"sort": "amount_desc"}))[0] == "Early help pilot"
    body = client.get(LIST, {"agreement": agreement.pk}).content.decode()
    assert "£10,000.00 in 4 requests" in body
    assert re.search(r'id="total-approved">£1,000.00<', body)
    assert re.search(r'id="total-paid">£0.00<', body)
    body = client.get(LIST, {"status": "draft"}).content.decode()
    assert "£4,777.00 in 2 requests" in body
    nothing = client.get(LIST, {"q": "nothing like this"}).content.decode()
    assert "No requests match these filters" in nothing


def test_a_bad_filter_is_named_not_a_500(client_for, rows, cib_admin):
    response = client_for(cib_admin).get(LIST, {"agreement": "999999", "status": "lost"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_pages_of_25(client_for, agreement, programme_manager):
    for n in range(27):
        spend_request_create(
            user=programme_manager,
            agreement=agreement,
            purpose="early_support",
            amount_pence=100 + n,
            description=f"Item {n:02d}",
        )
    client = client_for(programme_manager)
    first = client.get(LIST, {"sort": "amount"})
    assert len(descriptions(first)) == 25
    assert "£30.51 in 27 requests" in first.content.decode()
    second = client.get(LIST, {"sort": "amount", "page": 2})
    assert descriptions(second) == ["Item 25", "Item 26"]
    assert "sort=amount&amp;page=1" in second.content.decode()


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST).status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_rows(client_for, agreement, programme_manager, regional_lead):
    client = client_for(regional_lead)

    def add(count):
        for n in range(count):
            spend_request_create(
                user=programme_manager,
                agreement=agreement,
                purpose=["early_support", "project_management"][n % 2],
                amount_pence=1000 + n,
                description=f"Row {n}",
            )

    add(2)
    few = _queries(client)
    add(15)
    assert _queries(client) == few
