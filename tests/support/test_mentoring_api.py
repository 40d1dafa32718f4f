"""The mentoring API: /api/v1/mentors/ (national staff and advisers; others 404) and
/api/v1/support-requests/<id>/mentor-proposals/ (the request's rule; the adviser confirms,
others 403, a hard rule 409), in the OpenAPI schema."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from support.models import MentorAssignment
from tests.conftest import BRADFORD, LEEDS, MANCHESTER
from tests.support.mentoring_setup import make_mentor, mentoring_request

pytestmark = pytest.mark.django_db

MENTORS = "/api/v1/mentors/"


def api_as(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def proposals(req) -> str:
    return f"/api/v1/support-requests/{req.pk}/mentor-proposals/"


@pytest.mark.parametrize("who", ["adviser", "national_adviser"])
def test_the_register_lists_mentors_with_their_load(request, who):
    user = request.getfixturevalue(who)
    mentor = make_mentor(MANCHESTER, "Cllr Ada", conflicts=[LEEDS], tags=["inspection"])
    answer = api_as(user).get(MENTORS)
    assert answer.status_code == 200
    (row,) = answer.json()["results"]
    assert row == {
        "id": mentor.pk,
        "name": "Cllr Ada",
        "email": "cllr.ada@example.org",
        "council": MANCHESTER,
        "role_kind": "elected_member",
        "political_group": "",
        "experience": "",
        "tags": ["inspection"],
        "capacity_per_year": 2,
        "active": True,
        "conflicts": [LEEDS],
        "load": 0,
    }
    assert api_as(user).get(f"{MENTORS}{mentor.pk}/").json()["name"] == "Cllr Ada"


@pytest.mark.parametrize("who", ["officer", "dcs", "regional_lead", "other_officer"])
def test_the_register_is_404_for_others(request, who):
    user = request.getfixturevalue(who)
    mentor = make_mentor(MANCHESTER)
    assert api_as(user).get(MENTORS).status_code == 404
    assert api_as(user).get(f"{MENTORS}{mentor.pk}/").status_code == 404
    assert api_as(user).post(MENTORS, {}, format="json").status_code == 404


def test_anonymous_is_refused(client):
    assert api_as(None).get(MENTORS).status_code in (401, 403)


def test_an_adviser_adds_and_changes_a_mentor(adviser):
    client = api_as(adviser)
    bad = client.post(MENTORS, {"name": "X", "council": "E99999999"}, format="json")
    assert bad.status_code == 400
    made = client.post(
        MENTORS,
        {
            "name": "Cllr Bea",
            "council": MANCHESTER,
            "role_kind": "officer",
            "capacity_per_year": 3,
            "conflicts": [LEEDS, BRADFORD],
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["conflicts"] == [BRADFORD, LEEDS]
    changed = client.patch(f"{MENTORS}{made.json()['id']}/", {"active": False}, format="json")
    assert changed.status_code == 200 and changed.json()["active"] is False


@pytest.mark.parametrize("who", ["officer", "dcs", "regional_lead"])
def test_the_requests_people_see_it_without_proposals_and_may_not_confirm(request, who):
    user = request.getfixturevalue(who)
    req = mentoring_request(LEEDS)
    mentor = make_mentor(MANCHESTER)
    answer = api_as(user).get(proposals(req))
    assert answer.status_code == 200
    assert answer.json() == {"support_request": req.pk, "confirmed": None, "proposals": []}
    refused = api_as(user).post(proposals(req), {"mentor": mentor.pk}, format="json")
    assert refused.status_code == 403 and "Only an LGA adviser" in refused.json()["detail"]


@pytest.mark.parametrize("who", ["other_officer", "other_regional_lead"])
def test_outsiders_get_404(request, who):
    user = request.getfixturevalue(who)
    req = mentoring_request(LEEDS)
    assert api_as(user).get(proposals(req)).status_code == 404
    assert api_as(user).post(proposals(req), {"mentor": 1}, format="json").status_code == 404


def test_the_adviser_gets_explained_proposals_and_confirms(adviser):
    req = mentoring_request(LEEDS)
    make_mentor(LEEDS, "Cllr Own")
    good = make_mentor(MANCHESTER, "Cllr Good", political_group="Labour")
    client = api_as(adviser)
    body = client.get(proposals(req), {"political_group": "Labour"}).json()
    (only,) = body["proposals"]
    assert only["mentor"] == good.pk and only["explanation"]["terms"]["political_group"] == 2.0
    assert only["explanation"]["words"]
    own = make_mentor(BRADFORD, "Cllr Conflict", conflicts=[LEEDS])
    refused = client.post(proposals(req), {"mentor": own.pk}, format="json")
    assert refused.status_code == 409 and "declared a conflict" in refused.json()["detail"]
    done = client.post(proposals(req), {"mentor": good.pk}, format="json")
    assert done.status_code == 200 and done.json()["confirmed"] == good.pk
    assert MentorAssignment.objects.get(support_request=req).status == "confirmed"


def test_schema_names_the_endpoints(adviser):
    text = api_as(adviser).get("/api/v1/schema/").content.decode()
    assert "/api/v1/mentors/" in text
    assert "/api/v1/support-requests/{id}/mentor-proposals/" in text
