"""The campaigns API for the owner (Leeds' DCS), permitted roles (the programme manager, a
national adviser) and outsiders (Manchester's officer, anonymous): listing and creating
applications, selecting with 409s for the cap and a closed window, and the schema."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from support.models import CampaignApplication
from support.services.campaigns import campaign_apply, campaign_decide, campaign_publish
from tests.conftest import LEEDS, MANCHESTER
from tests.factories import make_member

from .campaigns_setup import *  # noqa: F403

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def apps_url(campaign):
    return f"/api/v1/campaigns/{campaign.code}/applications/"


def select_url(campaign):
    return f"/api/v1/campaigns/{campaign.code}/select/"


def test_campaigns_are_listed_for_members(campaign, officer):
    body = api_as(officer).get("/api/v1/campaigns/").json()
    assert [c["code"] for c in body["results"]] == ["pbr-pathfinders"]
    detail = api_as(officer).get(f"/api/v1/campaigns/{campaign.code}/").json()
    assert (detail["cap"], detail["places_left"], detail["is_open"]) == (3, 3, True)
    assert api_as(officer).get("/api/v1/campaigns/nope/").status_code == 404
    assert api_as(None).get("/api/v1/campaigns/").status_code in (401, 403)


def test_applications_are_listed_for_owner_permitted_and_outsider(
    leeds_application, campaign, dcs, national_adviser, other_officer
):
    assert [a["council"] for a in api_as(dcs).get(apps_url(campaign)).json()] == [LEEDS]
    assert [a["council"] for a in api_as(national_adviser).get(apps_url(campaign)).json()] == [
        LEEDS
    ]
    assert api_as(other_officer).get(apps_url(campaign)).json() == []


def test_a_council_applies_and_a_closed_window_is_a_409(
    campaign, closed_campaign, officer, other_officer
):
    response = api_as(officer).post(
        apps_url(campaign), {"council": LEEDS, "statement": "We would"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["decision"] == "pending"
    again = api_as(officer).post(
        apps_url(campaign), {"council": LEEDS, "statement": "Again"}, format="json"
    )
    assert again.status_code == 409 and "applies once" in again.json()["detail"]
    closed = api_as(officer).post(
        apps_url(closed_campaign), {"council": LEEDS, "statement": "x"}, format="json"
    )
    assert closed.status_code == 409
    assert "closed for expressions of interest on" in closed.json()["detail"]
    # Another council's officer may not apply for Leeds.
    other = api_as(other_officer).post(
        apps_url(closed_campaign), {"council": LEEDS, "statement": "x"}, format="json"
    )
    assert other.status_code == 403 and "A council applies through" in other.json()["detail"]
    missing = api_as(officer).post(apps_url(campaign), {"council": LEEDS}, format="json")
    assert missing.status_code == 400 and "statement" in missing.json()


def test_selecting_for_decider_permitted_and_outsider(
    leeds_application, campaign, pm, national_adviser, dcs, other_officer
):
    body = {"council": LEEDS, "decision": "selected", "reason": "A clear plan"}
    response = api_as(national_adviser).post(select_url(campaign), body, format="json")
    assert response.status_code == 403
    assert "Only the national programme manager" in response.json()["detail"]
    assert api_as(dcs).post(select_url(campaign), body, format="json").status_code == 403
    assert api_as(other_officer).post(select_url(campaign), body, format="json").status_code == 404
    response = api_as(pm).post(select_url(campaign), body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["decision"] == "selected"
    no_reason = api_as(pm).post(select_url(campaign), {**body, "reason": ""}, format="json")
    assert no_reason.status_code == 400
    # The council does not see its decision before the selection is published.
    assert api_as(dcs).get(apps_url(campaign)).json()[0]["decision"] == "pending"
    campaign_publish(user=pm, campaign=campaign)
    assert api_as(dcs).get(apps_url(campaign)).json()[0]["decision"] == "selected"
    published = api_as(pm).post(select_url(campaign), body, format="json")
    assert published.status_code == 409 and "published" in published.json()["detail"]


def test_the_cap_is_a_409_with_the_reason(campaign, pm, reference_data):
    from regions.models import Council

    for c in Council.objects.order_by("gss_code")[:4]:
        user = make_member(c.gss_code, "dcs", email=f"dcs@{c.gss_code.lower()}.example")
        campaign_apply(user=user, campaign=campaign, council=c, statement="Yes")
    codes = list(
        CampaignApplication.objects.order_by("council__gss_code").values_list(
            "council__gss_code", flat=True
        )
    )
    for code in codes[:3]:
        body = {"council": code, "decision": "selected", "reason": "Ready"}
        assert api_as(pm).post(select_url(campaign), body, format="json").status_code == 200
    body = {"council": codes[3], "decision": "selected", "reason": "Ready"}
    response = api_as(pm).post(select_url(campaign), body, format="json")
    assert response.status_code == 409
    assert "has selected all 3 councils its cap allows" in response.json()["detail"]
    assert (
        api_as(pm)
        .post(select_url(campaign), {**body, "decision": "reserve"}, format="json")
        .status_code
        == 200
    )


def test_an_unknown_council_is_named(campaign, pm, officer):
    body = {"council": MANCHESTER, "decision": "selected", "reason": "x"}
    assert api_as(pm).post(select_url(campaign), body, format="json").status_code == 404
    response = api_as(officer).post(
        apps_url(campaign), {"council": "E99999999", "statement": "x"}, format="json"
    )
    assert response.status_code == 400 and "council" in response.json()


def test_the_schema_has_the_campaign_endpoints_and_validates(tmp_path):
    import yaml
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    paths = yaml.safe_load(out.read_text())["paths"]
    assert "/api/v1/campaigns/{code}/applications/" in paths
    assert set(paths["/api/v1/campaigns/{code}/applications/"]) >= {"get", "post"}
    assert "409" in paths["/api/v1/campaigns/{code}/select/"]["post"]["responses"]


def test_applications_filter_by_decision_and_region(leeds_application, campaign, pm):
    campaign_decide(user=pm, application=leeds_application, decision="reserve", reason="r")
    client = api_as(pm)
    assert len(client.get(apps_url(campaign), {"decision": "reserve"}).json()) == 1
    assert client.get(apps_url(campaign), {"decision": "selected"}).json() == []
    assert len(client.get(apps_url(campaign), {"region": "E12000003"}).json()) == 1
    assert client.get(apps_url(campaign), {"region": "E12000002"}).json() == []
    bad = client.get(apps_url(campaign), {"decision": "maybe"})
    assert bad.status_code == 400 and "decision" in bad.json()
    from django.test import Client

    page = Client()  # the CSV takes the same filters
    page.force_login(pm)
    text = page.get(
        f"/support/campaigns/{campaign.code}/applications.csv", {"decision": "selected"}
    ).content.decode("utf-8-sig")
    assert "Leeds" not in text
