"""Campaign pages for the owner (Leeds' DCS and officer), permitted roles (the programme
manager, the CIB administrator, a national adviser) and outsiders (Manchester's officer, someone
without a role): the list, the campaign page, applying, an application, deciding, publishing
and the CSV; validation messages and empty states."""

from __future__ import annotations

import pytest

from support.models import CampaignApplication
from support.services.campaigns import campaign_decide, campaign_publish, campaign_update
from support.services.common import SupportError
from tests.factories import make_member

from .campaigns_setup import *  # noqa: F403

pytestmark = pytest.mark.django_db


def url(campaign, tail=""):
    return f"/support/campaigns/{campaign.code}/{tail}"


def test_the_list_for_members_and_its_empty_state(
    client_for, officer, no_role_user, reference_data
):
    response = client_for(officer).get("/support/campaigns/")
    assert response.status_code == 200
    assert "There are no campaigns yet." in response.content.decode()
    assert client_for(no_role_user).get("/support/campaigns/").status_code == 404
    assert client_for(None).get("/support/campaigns/").status_code == 302


def test_the_list_shows_open_and_closed_calls(client_for, officer, campaign, closed_campaign):
    body = client_for(officer).get("/support/campaigns/").content.decode()
    assert "Payment by Results pathfinders" in body and "Open" in body and "Closed" in body


def test_the_campaign_page_for_each_kind_of_person(
    client_for, leeds_application, campaign, officer, other_officer, national_adviser, pm
):
    body = client_for(officer).get(url(campaign)).content.decode()
    assert "Your council's application" in body and "Applications by region" not in body
    body = client_for(other_officer).get(url(campaign)).content.decode()
    assert "Leeds" not in body and "Apply for your council" in body
    body = client_for(national_adviser).get(url(campaign)).content.decode()
    assert "Applications by region" in body and "Leeds" in body
    assert "Publish the selection" not in body
    body = client_for(pm).get(url(campaign)).content.decode()
    assert "Publish the selection" in body
    assert client_for(officer).get("/support/campaigns/nope/").status_code == 404


def test_applying_with_validation_and_the_closed_window(
    client_for, campaign, closed_campaign, officer
):
    client = client_for(officer)
    response = client.post(url(campaign, "apply/"), {"statement": "  "})
    assert response.status_code == 200
    assert "Enter a short statement of why the council is applying" in response.content.decode()
    response = client.get(url(closed_campaign, "apply/"))
    assert "closed for expressions of interest on" in response.content.decode()
    response = client.post(url(closed_campaign, "apply/"), {"statement": "We want to"})
    assert "closed for expressions of interest on" in response.content.decode()
    assert not CampaignApplication.objects.filter(campaign=closed_campaign).exists()
    response = client.post(url(campaign, "apply/"), {"statement": "We want to"})
    assert response.status_code == 302
    application = CampaignApplication.objects.get(campaign=campaign)
    assert application.council.gss_code == "E08000035"
    # Applied already: the form sends them back to the campaign.
    assert client.get(url(campaign, "apply/")).status_code == 302


def test_only_a_councils_people_apply(client_for, campaign, national_adviser, pm):
    for user in (national_adviser, pm):
        response = client_for(user).get(url(campaign, "apply/"))
        assert response.status_code == 403
        assert "A council applies through its" in response.content.decode()


def test_an_application_for_owner_permitted_and_outsider(
    client_for, leeds_application, campaign, officer, dcs, national_adviser, other_officer
):
    path = url(campaign, f"applications/{leeds_application.pk}/")
    for user in (officer, dcs, national_adviser):
        assert client_for(user).get(path).status_code == 200
    assert client_for(other_officer).get(path).status_code == 404


def test_deciding_for_the_decider_permitted_and_outsider(
    client_for, leeds_application, campaign, pm, national_adviser, officer, other_officer
):
    path = url(campaign, f"applications/{leeds_application.pk}/decide/")
    response = client_for(national_adviser).get(path)
    assert response.status_code == 403
    assert "Only the national programme manager" in response.content.decode()
    assert (
        client_for(officer).post(path, {"decision": "selected", "reason": "x"}).status_code == 403
    )
    assert client_for(other_officer).get(path).status_code == 404
    client = client_for(pm)
    response = client.post(path, {"decision": "selected", "reason": ""})
    assert "Enter the reason for the decision" in response.content.decode()
    response = client.post(path, {"reason": "Good"})
    assert "Choose selected, reserve or not selected" in response.content.decode()
    assert client.post(path, {"decision": "selected", "reason": "Good"}).status_code == 302
    leeds_application.refresh_from_db()
    assert leeds_application.decision == "selected"
    history = client.get(url(campaign, f"applications/{leeds_application.pk}/")).content
    assert b"Selected: Leeds for Payment by Results pathfinders" in history
    assert b"Reason: Good" in history
    # The council sees no history of the deliberation.
    body = client_for(officer).get(url(campaign, f"applications/{leeds_application.pk}/")).content
    assert b'id="history"' not in body


def test_publishing_shows_the_selection_to_members(
    client_for, leeds_application, campaign, pm, officer, other_officer, no_role_user
):
    assert client_for(officer).post(url(campaign, "publish/")).status_code == 403
    body = client_for(other_officer).get(url(campaign)).content.decode()
    assert "A clear plan" not in body
    campaign_decide(
        user=pm, application=leeds_application, decision="selected", reason="A clear plan"
    )
    # Not yet published: the council sees no decision yet.
    body = client_for(officer).get(url(campaign, f"applications/{leeds_application.pk}/")).content
    assert b"Not yet published" in body
    response = client_for(pm).post(url(campaign, "publish/"))
    assert response.status_code == 302
    body = client_for(other_officer).get(url(campaign)).content.decode()
    assert "A clear plan" in body and "Leeds" in body
    assert client_for(no_role_user).get(url(campaign)).status_code == 404


def test_the_csv_for_national_staff_only(
    client_for, leeds_application, campaign, national_adviser, officer, other_officer
):
    response = client_for(national_adviser).get(url(campaign, "applications.csv"))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Council,GSS code,Region")
    assert "Leeds" in text and "Pending" in text
    for user in (officer, other_officer):
        assert client_for(user).get(url(campaign, "applications.csv")).status_code == 404


def test_publishing_refused_with_pending_applications_says_why(
    client_for, leeds_application, campaign, pm
):
    response = client_for(pm).post(url(campaign, "publish/"), follow=True)
    assert "1 still pending" in response.content.decode()
    campaign.refresh_from_db()
    assert not campaign.selection_published
    campaign_decide(user=pm, application=leeds_application, decision="reserve", reason="r")
    campaign_publish(user=pm, campaign=campaign)


def test_each_page_title_starts_with_its_heading(
    client_for, leeds_application, campaign, officer, pm
):
    from tests.test_page_titles import title_and_h1

    pages = [
        (officer, "/support/campaigns/"),
        (officer, url(campaign)),
        (pm, url(campaign, f"applications/{leeds_application.pk}/")),
        (pm, url(campaign, f"applications/{leeds_application.pk}/decide/")),
    ]
    other = make_member("E08000003", "dcs", email="dcs@manchester.example")
    pages.append((other, url(campaign, "apply/")))
    for user, path in pages:
        title, heading = title_and_h1(client_for(user).get(path).content.decode())
        assert title.startswith(heading), (path, title, heading)


def test_opening_a_campaign_for_the_decider_permitted_and_outsider(
    client_for, pm, national_adviser, officer, no_role_user, reference_data
):
    from support.models import Campaign

    assert client_for(no_role_user).get("/support/campaigns/new/").status_code == 404
    for user in (national_adviser, officer):
        response = client_for(user).get("/support/campaigns/new/")
        assert response.status_code == 403
        assert "open and change campaigns" in response.content.decode()
    client = client_for(pm)
    assert "Open a campaign" in client.get("/support/campaigns/").content.decode()
    form = {
        "code": "early-adopters",
        "name": "Early adopters",
        "opens_on_day": "10",
        "opens_on_month": "5",
        "opens_on_year": "2027",
        "closes_on_day": "7",
        "closes_on_month": "5",
        "closes_on_year": "2027",
        "cap": "0",
    }
    body = client.post("/support/campaigns/new/", form).content.decode()
    assert "The closing day must be on or after the opening day" in body
    assert "The cap must be at least 1" in body
    form.update({"closes_on_day": "7", "closes_on_month": "6", "cap": ""})
    response = client.post("/support/campaigns/new/", form)
    assert response.status_code == 302
    campaign = Campaign.objects.get(code="early-adopters")
    assert (str(campaign.closes_on), campaign.cap) == ("2027-06-07", None)
    body = client.post("/support/campaigns/new/", form).content.decode()
    assert "Another campaign has this code" in body


def test_changing_a_campaign_never_caps_below_the_selected(
    client_for, leeds_application, campaign, pm, officer
):
    campaign_decide(user=pm, application=leeds_application, decision="selected", reason="Yes")
    path = url(campaign, "edit/")
    assert client_for(officer).get(path).status_code == 403
    client = client_for(pm)
    assert client.get(path).status_code == 200
    form = {
        "name": "Pathfinders",
        "opens_on_day": str(campaign.opens_on.day),
        "opens_on_month": str(campaign.opens_on.month),
        "opens_on_year": str(campaign.opens_on.year),
        "closes_on_day": str(campaign.closes_on.day),
        "closes_on_month": str(campaign.closes_on.month),
        "closes_on_year": str(campaign.closes_on.year),
        "cap": "1",
    }
    assert client.post(path, form).status_code == 302
    campaign.refresh_from_db()
    assert (campaign.name, campaign.cap) == ("Pathfinders", 1)
    with pytest.raises(SupportError, match="1 councils are selected already"):
        campaign_update(
            user=pm,
            campaign=campaign,
            name="x",
            opens_on=campaign.opens_on,
            closes_on=campaign.closes_on,
            cap=0,
        )
