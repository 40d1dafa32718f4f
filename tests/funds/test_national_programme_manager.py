"""The national programme manager does not read devolved funds (issue 11, item 6).

DOMAIN.md gives a region's funds to its leads and programme manager, the funding agreements and
returns to the CIB administrator, and the national view to the LGA's advisers; the national
programme manager's row (products, bookings, the reviewer register) names no funds. In threes:
the owner (Yorkshire's programme manager), permitted (the CIB administrator, a national
adviser) and the outsider (the national programme manager), on the pages, CSVs, API and PDF.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from funds.services import agreement_create
from regions.models import Region
from reports import permissions as report_permissions
from reports.models import ReportJob
from tests.conftest import YORKSHIRE
from tests.factories import make_member

from .conftest import ALLOCATIONS

pytestmark = pytest.mark.django_db


@pytest.fixture
def national_pm(reference_data):
    return make_member("national", "programme_manager", email="pm@lga.example")


@pytest.fixture
def past(reference_data, cib_admin):
    return agreement_create(
        user=cib_admin,
        region=Region.objects.get(gss_code=YORKSHIRE),
        financial_year=timezone.localdate().year - 2,
        allocations=ALLOCATIONS,
    )


@pytest.fixture
def people(programme_manager, cib_admin, national_adviser, national_pm):
    return {
        "owner": programme_manager,
        "cib_admin": cib_admin,
        "national_adviser": national_adviser,
        "national_pm": national_pm,
    }


def _urls(agreement):
    ret = agreement.returns.get(quarter=1)
    return [
        f"/funds/agreements/{agreement.pk}/",
        f"/funds/agreements/{agreement.pk}/export/",
        "/funds/requests/",
        "/funds/returns/",
        f"/funds/returns/{ret.pk}/",
    ]


@pytest.mark.parametrize("who", ["owner", "cib_admin", "national_adviser", "national_pm"])
def test_pages_and_csvs(who, people, past, client_for):
    client = client_for(people[who])
    expected = 404 if who == "national_pm" else 200
    for url in _urls(past):
        assert client.get(url).status_code == expected, url
    national = client.get("/funds/export/", {"year": past.financial_year})
    assert national.status_code == (200 if who in {"cib_admin", "national_adviser"} else 404)
    assert client.get("/funds/").status_code == expected


@pytest.mark.parametrize("who", ["owner", "cib_admin", "national_adviser", "national_pm"])
def test_the_api(who, people, past):
    client = APIClient()
    client.force_authenticate(people[who])
    listed = client.get("/api/v1/agreements/").json()["results"]
    assert [a["id"] for a in listed] == ([] if who == "national_pm" else [past.pk])
    one = client.get(f"/api/v1/agreements/{past.pk}/")
    assert one.status_code == (404 if who == "national_pm" else 200)
    returns = client.get("/api/v1/returns/").json()["results"]
    assert (returns == []) == (who == "national_pm")


@pytest.mark.parametrize("who", ["owner", "cib_admin", "national_adviser", "national_pm"])
def test_the_return_pdf(who, people, past, client_for):
    ret = past.returns.get(quarter=1)
    response = client_for(people[who]).post(f"/funds/returns/{ret.pk}/pdf/")
    assert response.status_code == (404 if who == "national_pm" else 302)
    someone_elses = ReportJob.objects.create(
        kind="funds_return", requested_by=people[who], params={"return_id": ret.pk}
    )
    assert report_permissions.can_view_report(people[who], someone_elses) == (who != "national_pm")
