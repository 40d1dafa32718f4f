"""Governance leads: appointing one ends the previous term the day before (history kept),
regions missing a lead are flagged, changes are audited, and only the CIB administrator
appoints (everyone in the portal may see who the leads are)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from regions.governance import (
    GovernanceError,
    governance_lead_appoint,
    governance_lead_end,
    governance_leads,
    regions_missing_leads,
)
from regions.models import Membership, Region
from tests.conftest import NORTH_WEST, YORKSHIRE
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db

URL = f"/regions/{YORKSHIRE}/governance/"
APPOINT = f"/regions/{YORKSHIRE}/governance/appoint/"


@pytest.fixture
def yorkshire(reference_data):
    return Region.objects.get(gss_code=YORKSHIRE)


@pytest.fixture
def newcomer(reference_data):
    return UserFactory(email="new.lead@yorkshire.example", full_name="Nia Newcomer")


def _date_post(day: date) -> dict:
    return {"starts_on_day": day.day, "starts_on_month": day.month, "starts_on_year": day.year}


def test_appointment_ends_the_previous_term_the_day_before_and_keeps_history(
    cib_admin, regional_lead, newcomer, yorkshire
):
    today = timezone.localdate()
    old = Membership.objects.get(user=regional_lead, role="regional_lead_dcs")
    membership = governance_lead_appoint(
        user=cib_admin,
        region=yorkshire,
        role="regional_lead_dcs",
        person_email="NEW.lead@yorkshire.example",
        starts_on=today,
    )
    old.refresh_from_db()
    assert old.ends_on == today - timedelta(days=1)
    assert membership.user == newcomer and membership.starts_on == today
    assert membership.ends_on is None
    dcs = next(lead for lead in governance_leads(yorkshire) if lead.role == "regional_lead_dcs")
    assert [m.user for m in dcs.current] == [newcomer]
    assert [m.user for m in dcs.history] == [regional_lead]
    event = AuditEvent.objects.get(action="governance.appoint")
    assert event.actor == cib_admin
    assert event.before["holders"][0]["user"] == regional_lead.email
    assert event.before["holders"][0]["ends_on"] is None
    assert event.after["holders"][0]["ends_on"] == str(today - timedelta(days=1))
    assert event.after["holders"][1]["user"] == newcomer.email


def test_a_future_appointment_shows_as_upcoming(cib_admin, regional_lead, newcomer, yorkshire):
    later = timezone.localdate() + timedelta(days=10)
    governance_lead_appoint(
        user=cib_admin,
        region=yorkshire,
        role="regional_lead_dcs",
        person_email=newcomer.email,
        starts_on=later,
    )
    dcs = next(lead for lead in governance_leads(yorkshire) if lead.role == "regional_lead_dcs")
    assert [m.user for m in dcs.current] == [regional_lead]
    assert [m.user for m in dcs.upcoming] == [newcomer]


def test_unknown_email_is_refused(cib_admin, yorkshire):
    with pytest.raises(GovernanceError, match="has an account"):
        governance_lead_appoint(
            user=cib_admin,
            region=yorkshire,
            role="regional_lead_member",
            person_email="nobody@nowhere.example",
            starts_on=timezone.localdate(),
        )
    assert not Membership.objects.filter(role="regional_lead_member").exists()


def test_start_before_the_current_holders_start_is_refused(
    cib_admin, regional_lead, newcomer, yorkshire
):
    old = Membership.objects.get(user=regional_lead, role="regional_lead_dcs")
    with pytest.raises(GovernanceError, match="start date must be after"):
        governance_lead_appoint(
            user=cib_admin,
            region=yorkshire,
            role="regional_lead_dcs",
            person_email=newcomer.email,
            starts_on=old.starts_on,
        )
    old.refresh_from_db()
    assert old.ends_on is None
    assert not Membership.objects.filter(user=newcomer).exists()


def test_only_the_cib_administrator_appoints_and_ends(regional_lead, newcomer, yorkshire):
    with pytest.raises(GovernanceError):
        governance_lead_appoint(
            user=regional_lead,
            region=yorkshire,
            role="regional_lead_member",
            person_email=newcomer.email,
            starts_on=timezone.localdate(),
        )
    old = Membership.objects.get(user=regional_lead, role="regional_lead_dcs")
    with pytest.raises(GovernanceError):
        governance_lead_end(user=regional_lead, membership=old, ends_on=timezone.localdate())


def test_ending_a_term_is_audited_and_flags_the_region(cib_admin, regional_lead, yorkshire):
    second = make_member(YORKSHIRE, "regional_lead_member", email="m@y.example")
    make_member(YORKSHIRE, "regional_lead_chief_executive", email="c@y.example")
    assert yorkshire.pk not in regions_missing_leads()
    old = Membership.objects.get(user=regional_lead, role="regional_lead_dcs")
    yesterday = timezone.localdate() - timedelta(days=1)
    governance_lead_end(user=cib_admin, membership=old, ends_on=yesterday)
    assert regions_missing_leads()[yorkshire.pk] == ["Regional lead DCS"]
    event = AuditEvent.objects.get(action="governance.end")
    assert event.before["ends_on"] is None and event.after["ends_on"] == str(yesterday)
    with pytest.raises(GovernanceError, match="cannot end before"):
        governance_lead_end(
            user=cib_admin,
            membership=Membership.objects.get(user=second),
            ends_on=date(2000, 1, 1),
        )


def test_regions_missing_leads_lists_every_region_without_all_three(
    regional_lead, django_assert_num_queries
):
    with django_assert_num_queries(1):
        missing = regions_missing_leads()
    assert len(missing) == 9
    yorkshire = Region.objects.get(gss_code=YORKSHIRE)
    assert missing[yorkshire.pk] == ["Regional lead member", "Regional lead chief executive"]
    north_west = Region.objects.get(gss_code=NORTH_WEST)
    assert len(missing[north_west.pk]) == 3


# --- Pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["cib_admin", "national_adviser", "adviser", "regional_lead", "officer", "other_officer"],
)
def test_every_member_sees_the_governance_page(name, request, client_for, regional_lead):
    response = client_for(request.getfixturevalue(name)).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert regional_lead.get_full_name() in body
    assert body.count("Not named") == 2  # lead member and lead chief executive
    assert ("Appoint a governance lead" in body) == (name == "cib_admin")


def test_governance_page_needs_a_membership(client_for, no_role_user):
    assert client_for(None).get(URL).status_code == 302
    assert client_for(no_role_user).get(URL).status_code == 404
    assert client_for(no_role_user).get("/regions/E12999999/governance/").status_code == 404


@pytest.mark.parametrize(
    "name", ["national_adviser", "adviser", "regional_lead", "other_regional_lead", "officer"]
)
def test_appoint_page_is_404_for_all_but_the_cib_administrator(name, request, client_for, newcomer):
    client = client_for(request.getfixturevalue(name))
    assert client.get(APPOINT).status_code == 404
    response = client.post(
        APPOINT,
        {
            "role": "regional_lead_member",
            "person_email": newcomer.email,
            **_date_post(timezone.localdate()),
        },
    )
    assert response.status_code == 404
    assert not Membership.objects.filter(user=newcomer).exists()


def test_appoint_page_redirects_anonymous_people(client_for):
    response = client_for(None).get(APPOINT)
    assert response.status_code == 302 and "login" in response["Location"]


def test_cib_administrator_appoints_through_the_page(client_for, cib_admin, newcomer):
    client = client_for(cib_admin)
    assert client.get(APPOINT + "?role=regional_lead_member").status_code == 200
    response = client.post(
        APPOINT,
        {
            "role": "regional_lead_member",
            "person_email": newcomer.email,
            **_date_post(timezone.localdate()),
        },
    )
    assert response.status_code == 302 and response["Location"] == URL
    assert Membership.objects.filter(user=newcomer, role="regional_lead_member").exists()
    assert "Nia Newcomer" in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"person_email": "nobody@nowhere.example"}, "person_email", "has an account"),
        ({"person_email": "not an email"}, "person_email", "correct format"),
        ({"role": "dcs"}, "role", "Select a valid choice"),
        ({"starts_on_day": "31", "starts_on_month": "2"}, "starts_on", "real date"),
    ],
)
def test_appoint_form_errors(data, field, message, client_for, cib_admin, newcomer):
    post = {
        "role": "regional_lead_member",
        "person_email": newcomer.email,
        **_date_post(timezone.localdate()),
        **data,
    }
    response = client_for(cib_admin).post(APPOINT, post)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "There is a problem" in response.content.decode()


def test_appoint_form_reports_a_start_before_the_current_term(
    client_for, cib_admin, regional_lead, newcomer
):
    old = Membership.objects.get(user=regional_lead, role="regional_lead_dcs")
    response = client_for(cib_admin).post(
        APPOINT,
        {
            "role": "regional_lead_dcs",
            "person_email": newcomer.email,
            **_date_post(old.starts_on - timedelta(days=3)),
        },
    )
    assert response.status_code == 200
    assert "start date must be after" in " ".join(response.context["form"].errors["starts_on"])


def test_a_national_home_names_missing_leads_in_lower_case_mid_sentence(
    national_adviser, client_for
):
    html = client_for(national_adviser).get("/home/").content.decode()
    assert (
        ": no regional lead member, no regional lead chief executive, no regional lead DCS</li>"
        in html
    )
    assert "no Regional" not in html


def test_in_sentence_lowers_only_a_first_word_that_is_not_an_acronym():
    from cib_portal.templatetags.govuk import in_sentence

    assert in_sentence("Regional lead member") == "regional lead member"
    assert in_sentence("DCS") == "DCS"
    assert in_sentence("LGA adviser") == "LGA adviser"
