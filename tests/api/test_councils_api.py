"""/api/v1/: councils and regions, with the same access rules as the pages."""

import pytest
from rest_framework.test import APIClient

from accounts.services import api_token_create
from regions.models import Council

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(officer):
    client = APIClient()
    client.force_authenticate(officer)
    return client


def test_council_detail_has_codes_region_type_ofsted_and_ordered_neighbours(api):
    body = api.get("/api/v1/councils/E08000035/").json()
    leeds = Council.objects.get(gss_code="E08000035")
    assert body["gss_code"] == "E08000035"
    assert body["la_number"] == 383
    assert body["name"] == "Leeds"
    assert body["region"] == "E12000003"
    assert body["type"] == "MD"
    assert body["ofsted"]["overall"] == leeds.latest_inspection.overall
    assert body["ofsted"]["publication_date"] == str(leeds.latest_inspection.publication_date)
    expected = [
        (link.rank, link.neighbour.gss_code, link.get_band_display())
        for link in leeds.neighbour_links.select_related("neighbour").order_by("rank")
    ]
    assert [(n["rank"], n["gss_code"], n["band"]) for n in body["statistical_neighbours"]] == (
        expected
    )
    assert len(expected) == 10


def test_councils_filter_by_region_and_ofsted(api):
    body = api.get("/api/v1/councils/", {"region": "E12000001", "limit": 500}).json()
    assert body["count"] == 12
    assert {c["region"] for c in body["results"]} == {"E12000001"}
    body = api.get("/api/v1/councils/", {"ofsted": "inadequate", "limit": 500}).json()
    assert body["count"] == 19
    assert {c["ofsted"]["overall"] for c in body["results"]} == {"inadequate"}


def test_all_153_councils_in_a_constant_number_of_queries(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        body = api.get("/api/v1/councils/", {"limit": 500}).json()
    assert body["count"] == 153 == len(body["results"])


def test_an_unknown_council_is_404(api):
    assert api.get("/api/v1/councils/E99999999/").status_code == 404


def test_regions(api):
    body = api.get("/api/v1/regions/").json()
    assert [(r["name"], r["council_count"]) for r in body][:2] == [
        ("East Midlands", 10),
        ("East of England", 11),
    ]
    assert len(body) == 9
    assert sum(r["council_count"] for r in body) == 153


def test_token_authentication(officer):
    _, key = api_token_create(user=officer)
    client = APIClient()
    assert client.get("/api/v1/councils/").status_code in (401, 403)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/councils/").status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/api/v1/councils/", "/api/v1/councils/E08000035/", "/api/v1/regions/", "/api/v1/schema/"],
)
def test_api_refuses_anonymous_and_people_without_a_role(path, no_role_user, officer):
    client = APIClient()
    assert client.get(path).status_code in (401, 403)
    client.force_authenticate(no_role_user)
    assert client.get(path).status_code == 403
    client.force_authenticate(officer)
    assert client.get(path).status_code == 200


def test_schema_documents_the_council_endpoints(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    assert "/api/v1/councils/" in schema["paths"]
    assert "/api/v1/councils/{gss_code}/" in schema["paths"]
    assert "/api/v1/regions/" in schema["paths"]
    fields = schema["components"]["schemas"]["Council"]["properties"]
    assert {
        "gss_code",
        "la_number",
        "name",
        "region",
        "type",
        "ofsted",
        "statistical_neighbours",
    } <= set(fields)
