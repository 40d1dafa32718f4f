"""The councils list, council page, regions and each role's home page."""

import re

import pytest
from django.utils.html import escape

from regions.models import Council

pytestmark = pytest.mark.django_db


def names(response):
    return re.findall(r'href="/councils/E\d{8}/">([^<]+)</a>', response.content.decode())


def test_councils_list_paginates_153_councils(officer, client_for):
    client = client_for(officer)
    first = client.get("/councils/")
    assert b"153 councils, showing 1 to 50" in first.content
    assert len(names(first)) == 50
    last = client.get("/councils/?page=4")
    assert len(names(last)) == 3


def test_councils_filter_by_region_type_and_ofsted(officer, client_for):
    client = client_for(officer)
    response = client.get("/councils/", {"region": "E12000001"})
    expected = sorted(
        Council.objects.filter(region__gss_code="E12000001").values_list("name", flat=True)
    )
    assert names(response) == expected
    response = client.get("/councils/", {"type": "SC", "ofsted": "inadequate"})
    expected = sorted(
        Council.objects.filter(type="SC", latest_inspection__overall="inadequate").values_list(
            "name", flat=True
        )
    )
    assert names(response) == expected and expected


def test_councils_search_by_name_and_empty_state(officer, client_for):
    client = client_for(officer)
    assert names(client.get("/councils/", {"q": "york"})) == [
        "East Riding of Yorkshire",
        "North Yorkshire",
        "York",
    ]
    response = client.get("/councils/", {"q": "zzzz"})
    assert b"No councils match" in response.content


def test_councils_sort_by_ofsted_then_name_both_ways(officer, client_for):
    client = client_for(officer)
    ascending = names(client.get("/councils/", {"region": "E12000003", "sort": "ofsted"}))
    descending = names(client.get("/councils/", {"region": "E12000003", "sort": "-ofsted"}))
    order = {"outstanding": 1, "good": 2, "requires_improvement": 3, "inadequate": 4}
    by_name = {
        c.name: order[c.latest_inspection.overall]
        for c in Council.objects.filter(region__gss_code="E12000003").select_related(
            "latest_inspection"
        )
    }
    assert [by_name[n] for n in ascending] == sorted(by_name[n] for n in ascending)
    assert [by_name[n] for n in descending] == sorted(
        (by_name[n] for n in descending), reverse=True
    )
    assert b'aria-sort="descending"' in client.get("/councils/", {"sort": "-ofsted"}).content


def test_an_unknown_filter_value_is_a_clear_error_not_a_crash(officer, client_for):
    response = client_for(officer).get("/councils/", {"ofsted": "brilliant"})
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content


def test_councils_list_query_count_does_not_grow_with_rows(
    officer, client_for, django_assert_num_queries
):
    client = client_for(officer)
    client.get("/councils/")  # warm the session and grants
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get("/councils/", {"region": "E12000004"})  # 10 councils
    with CaptureQueriesContext(connection) as large:
        client.get("/councils/", {"region": "E12000007"})  # 33 councils
    assert len(small) == len(large)
    assert len(large) <= 12


def test_council_page_shows_codes_ofsted_history_and_neighbours_in_order(officer, client_for):
    response = client_for(officer).get("/councils/E09000003/")  # Barnet
    html = response.content.decode()
    assert "E09000003" in html and "302" in html and "Outer London borough" in html
    assert "10 June 2024" in html and "13 May 2019" in html
    barnet = Council.objects.get(gss_code="E09000003")
    neighbours = [link.neighbour.name for link in barnet.neighbour_links.order_by("rank")]
    table = html[html.index("Statistical neighbours") :]
    positions = [table.index(f">{name}</a>") for name in neighbours]
    assert positions == sorted(positions)


def test_council_page_query_count_is_constant(officer, client_for, django_assert_max_num_queries):
    client = client_for(officer)
    client.get("/councils/E08000035/")
    with django_assert_max_num_queries(10):
        client.get("/councils/E09000003/")


def test_region_page_lists_councils_and_governance_leads(regional_lead, officer, client_for):
    response = client_for(officer).get("/regions/E12000003/")
    html = response.content.decode()
    # Faker names may hold an apostrophe, which the page escapes.
    assert escape(regional_lead.full_name) in html
    assert html.count("Vacant") == 2  # lead member and lead chief executive not yet named
    assert len(names(response)) == 15


def test_each_role_lands_on_its_own_home(officer, regional_lead, national_adviser, client_for):
    assert b"Leeds" in client_for(officer).get("/home/").content
    assert b"Statistical neighbours" in client_for(officer).get("/home/").content
    html = client_for(regional_lead).get("/home/").content
    assert b"Yorkshire and The Humber" in html and b"Governance leads" in html
    html = client_for(national_adviser).get("/home/").content.decode()
    assert "National picture" in html
    # 19 councils are judged Inadequate in the published file.
    assert html.count('class="govuk-link" href="/councils/E') >= 19


def test_regional_adviser_sees_only_their_regions(adviser, client_for):
    html = client_for(adviser).get("/home/").content.decode()
    assert "Your regions" in html
    assert "Yorkshire and The Humber" in html
    assert ">London</a>" not in html
