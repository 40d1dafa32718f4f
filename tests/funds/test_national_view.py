"""The national view of devolved funds: every region's allocation, spend, returns and
governance flag for a financial year, its CSV, who may see it, and its constant query count."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funds.models import QuarterlyReturn
from funds.services import agreement_create, spend_request_approve
from regions.models import Region
from tests.conftest import NORTH_WEST, YORKSHIRE
from tests.factories import make_member

pytestmark = pytest.mark.django_db

YEAR = 2027


def _all_leads(code: str) -> None:
    for role in ("regional_lead_member", "regional_lead_chief_executive", "regional_lead_dcs"):
        make_member(code, role, email=f"{role}@{code.lower()}.example")


@pytest.fixture
def north_west_agreement(cib_admin):
    return agreement_create(
        user=cib_admin,
        region=Region.objects.get(gss_code=NORTH_WEST),
        financial_year=YEAR,
        allocations={"project_management": 1_000_000, "early_support": 234},
    )


@pytest.mark.parametrize("name", ["cib_admin", "national_adviser"])
def test_national_staff_see_every_region(name, request, client_for, agreement):
    response = client_for(request.getfixturevalue(name)).get(f"/funds/?year={YEAR}")
    assert response.status_code == 200
    assert len(response.context["rows"]) == 9
    body = response.content.decode()
    assert body.count("No agreement") == 8
    assert f"/funds/agreements/{agreement.pk}/" in body


@pytest.mark.parametrize("name", ["adviser", "regional_lead", "programme_manager"])
def test_regional_people_get_their_list_not_the_national_view(name, request, client_for):
    client = client_for(request.getfixturevalue(name))
    response = client.get("/funds/")
    assert response.status_code == 200
    assert "rows" not in response.context
    assert client.get("/funds/export/").status_code == 404


@pytest.mark.parametrize("name", ["officer", "other_officer"])
def test_council_people_get_404(name, request, client_for):
    assert client_for(request.getfixturevalue(name)).get("/funds/").status_code == 404


def test_national_totals_statuses_and_governance_flag(
    client_for, cib_admin, agreement, north_west_agreement, submitted, regional_lead, second_lead
):
    spend_request_approve(user=regional_lead, request=submitted(250_000))
    QuarterlyReturn.objects.filter(agreement=agreement, quarter=1).update(status="accepted")
    QuarterlyReturn.objects.filter(agreement=agreement, quarter=2).update(status="submitted")
    _all_leads(NORTH_WEST)
    response = client_for(cib_admin).get(f"/funds/?year={YEAR}")
    rows = {r["row"].region.gss_code: r for r in response.context["rows"]}
    yorkshire = rows[YORKSHIRE]
    assert yorkshire["row"].allocated == 11_000_000
    assert yorkshire["approved"] == "£2,500.00"
    assert yorkshire["remaining"] == "£107,500.00"
    assert [c.label for c in yorkshire["returns"]] == [
        "Accepted",
        "Submitted to CIB",
        "Draft",
        "Draft",
    ]
    # Yorkshire has its lead DCS and lead member but no lead chief executive.
    assert yorkshire["row"].missing_leads == ["Regional lead chief executive"]
    assert rows[NORTH_WEST]["row"].missing_leads == []
    assert response.context["totals"]["allocated"] == "£120,002.34"
    assert response.context["totals"]["approved"] == "£2,500.00"
    assert response.context["totals"]["remaining"] == "£117,502.34"
    assert response.context["missing_count"] == 8
    body = response.content.decode()
    assert "govuk-tag--green" in body and "Missing" in body


def test_overdue_return_is_shown_as_overdue(client_for, cib_admin, agreement):
    QuarterlyReturn.objects.filter(agreement=agreement, quarter=1).update(due_on=date(2020, 7, 31))
    response = client_for(cib_admin).get(f"/funds/?year={YEAR}")
    yorkshire = next(r for r in response.context["rows"] if r["row"].region.gss_code == YORKSHIRE)
    assert yorkshire["returns"][0].overdue and not yorkshire["returns"][1].overdue
    assert "Overdue: Draft" in response.content.decode()


def test_another_year_shows_no_agreements(client_for, cib_admin, agreement):
    response = client_for(cib_admin).get("/funds/?year=2030")
    assert response.content.decode().count("No agreement") == 9


def test_national_csv_rows_and_totals_are_guarded(
    client_for, national_adviser, agreement, north_west_agreement
):
    Region.objects.filter(gss_code=NORTH_WEST).update(name="=HYPERLINK(1)")
    response = client_for(national_adviser).get(f"/funds/export/?year={YEAR}")
    assert response["Content-Disposition"] == 'attachment; filename="devolved-funds-2027-28.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Region code" and len(rows) == 11
    by_code = {r[0]: r for r in rows[1:10]}
    assert by_code[YORKSHIRE][3:9] == ["Yes", "110000.00", "0.00", "0.00", "110000.00", "0"]
    assert by_code[YORKSHIRE][9:13] == ["Draft"] * 4
    assert by_code[NORTH_WEST][1] == "'=HYPERLINK(1)"
    assert by_code[NORTH_WEST][4] == "10002.34"
    assert rows[-1][1:9] == ["Total", "2027-28", "", "120002.34", "0.00", "0.00", "120002.34", "0"]
    same = client_for(national_adviser).get(f"/funds/?year={YEAR}&format=csv")
    assert same.content == response.content


def test_national_view_query_count_does_not_grow_with_regions(
    client_for, cib_admin, agreement, submitted, regional_lead
):
    client = client_for(cib_admin)
    client.get(f"/funds/?year={YEAR}")
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"/funds/?year={YEAR}").status_code == 200
    for region in Region.objects.exclude(gss_code=YORKSHIRE):
        agreement_create(
            user=cib_admin, region=region, financial_year=YEAR, allocations={"early_support": 100}
        )
    for _ in range(5):
        spend_request_approve(user=regional_lead, request=submitted(1_000))
    with CaptureQueriesContext(connection) as nine:
        assert client.get(f"/funds/?year={YEAR}").status_code == 200
    assert len(nine) == len(one)
