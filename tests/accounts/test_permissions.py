"""Who may invite people (accounts.permissions): the invitation pages and the People link, for
a council's senior leader, a regional lead and an officer."""

import pytest

from accounts import permissions

pytestmark = pytest.mark.django_db


def test_invitation_pages_for_senior_leader_regional_lead_and_officer(
    dcs, regional_lead, officer, client_for
):
    for path in ("/people/invitations/", "/people/invitations/new/"):
        assert client_for(dcs).get(path).status_code == 200
        assert client_for(regional_lead).get(path).status_code == 200
        assert client_for(officer).get(path).status_code == 404


def test_the_people_link_shows_only_to_those_who_may_invite(dcs, officer, client_for):
    assert b'href="/people/invitations/"' in client_for(dcs).get("/home/").content
    assert b'href="/people/invitations/"' not in client_for(officer).get("/home/").content


def test_may_invite_someone_says_who_invites(dcs, regional_lead, officer):
    assert permissions.may_invite_someone(dcs)
    assert permissions.may_invite_someone(regional_lead)
    refused = permissions.may_invite_someone(officer)
    assert not refused
    assert refused.reason == permissions.ONLY_INVITERS
