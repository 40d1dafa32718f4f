"""A programme's pages link only what opens for the person reading them: each challenge
workspace, and the reciprocity ledger, are linked where their own view lets that person in,
and named without a link elsewhere (no link leads to a 404)."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_member

pytestmark = pytest.mark.django_db

WORKSPACE_LINK = re.compile(r'href="/challenges/(\d+)/"')
LEDGER_LINK = 'href="/peer-challenge/ledger/"'


def _programme_page(client, programme) -> str:
    response = client.get(f"/peer-challenge/{programme.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _linked_workspaces(body: str) -> set[int]:
    return {int(pk) for pk in WORKSPACE_LINK.findall(body)}


def _assert_links_open_exactly(client, body, challenges) -> set[int]:
    """Every workspace linked opens (200) and every one not linked is a 404 for this person."""
    linked = _linked_workspaces(body)
    for ch in challenges:
        status = client.get(f"/challenges/{ch.pk}/").status_code
        assert status == (200 if ch.pk in linked else 404), (ch, status, linked)
        # The host is still named, linked or not.
        assert ch.host.name in body
    return linked


@pytest.fixture
def programme_manager(reference_data):
    """The LGA's national programme manager (no adviser)."""
    return make_member("national", "programme_manager", email="pm@lga.example")


def test_a_council_officer_is_linked_to_their_councils_workspace_only(
    client_for, programme, challenge, other_challenge, officer
):
    client = client_for(officer)
    body = _programme_page(client, programme)
    assert _assert_links_open_exactly(client, body, [challenge, other_challenge]) == {challenge.pk}


def test_a_challenger_is_linked_to_the_challenge_they_are_on_only(
    client_for, programme, challenge, other_challenge, challenger
):
    client = client_for(challenger)
    body = _programme_page(client, programme)
    assert _assert_links_open_exactly(client, body, [challenge, other_challenge]) == {challenge.pk}


@pytest.mark.parametrize("who", ["regional_lead", "programme_manager_region", "adviser"])
def test_the_region_team_and_its_adviser_are_linked_to_every_workspace(
    client_for, request, programme, challenge, other_challenge, who
):
    client = client_for(request.getfixturevalue(who))
    body = _programme_page(client, programme)
    assert _assert_links_open_exactly(client, body, [challenge, other_challenge]) == {
        challenge.pk,
        other_challenge.pk,
    }


@pytest.mark.parametrize("who", ["programme_manager", "cib_admin"])
def test_national_staff_who_are_not_advisers_see_the_pairings_without_links(
    client_for, request, programme, challenge, other_challenge, who
):
    client = client_for(request.getfixturevalue(who))
    body = _programme_page(client, programme)
    assert _assert_links_open_exactly(client, body, [challenge, other_challenge]) == set()


def test_an_outsider_gets_no_programme_page_at_all(client_for, programme, other_officer):
    assert client_for(other_officer).get(f"/peer-challenge/{programme.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["officer", "dcs", "challenger"])
def test_council_people_are_not_linked_to_the_ledger_which_is_not_theirs(
    client_for, request, programme, challenge, who
):
    client = client_for(request.getfixturevalue(who))
    assert client.get("/peer-challenge/ledger/").status_code == 404
    assert LEDGER_LINK not in client.get("/peer-challenge/").content.decode()
    assert LEDGER_LINK not in _programme_page(client, programme)


@pytest.mark.parametrize("who", ["regional_lead", "adviser", "national_adviser", "cib_admin"])
def test_those_the_ledger_opens_for_are_linked_to_it(client_for, request, programme, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get("/peer-challenge/ledger/").status_code == 200
    assert LEDGER_LINK in client.get("/peer-challenge/").content.decode()
    assert LEDGER_LINK in _programme_page(client, programme)
