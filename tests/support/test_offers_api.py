"""The offer and requests API with the owner (Leeds' lead member), permitted roles (the
region's adviser, Leeds' officer) and outsiders (Manchester's officer): the catalogue and its
filters, asking, every step, 403 with the rule's reason and 409 with the service's."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from regions.models import Council
from support.models import RequestStatus
from support.services import requests as svc
from tests.conftest import LEEDS
from tests.factories import make_member
from tests.support.offers_setup import make_cohort, make_offer

pytestmark = pytest.mark.django_db

REQUESTS = "/api/v1/support-requests/"


def api_as(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def lead_member(reference_data):
    return make_member(LEEDS, "lead_member", email="lm@leeds.example")


@pytest.fixture
def offer(reference_data):
    return make_offer()


@pytest.fixture
def cohort(offer):
    return make_cohort(offer, places=1)


@pytest.fixture
def asked(lead_member, offer, cohort):
    leeds = Council.objects.get(gss_code=LEEDS)
    return svc.request_support(
        user=lead_member, council=leeds, offer=offer, cohort=cohort, need="Grounding."
    )


def test_the_catalogue(officer, offer, cohort):
    make_offer("must-know", name="Must know", kind="guide", requestable=False)
    body = api_as(officer).get("/api/v1/support-offers/").json()
    codes = [o["code"] for o in body["results"]]
    assert codes == ["leadership-essentials", "must-know"]
    guides = api_as(officer).get("/api/v1/support-offers/", {"kind": "guide"}).json()
    assert [o["code"] for o in guides["results"]] == ["must-know"]
    one = api_as(officer).get(f"/api/v1/support-offers/{offer.code}/").json()
    assert one["cohorts"][0]["places_left"] == 1
    assert api_as(officer).get("/api/v1/support-offers/", {"kind": "x"}).status_code == 400
    assert api_as(None).get("/api/v1/support-offers/").status_code in (401, 403)


def test_asking_through_the_api(lead_member, other_officer, offer, cohort):
    body = {"council": LEEDS, "offer": offer.code, "cohort": cohort.pk, "need": "Grounding."}
    response = api_as(lead_member).post(REQUESTS, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "requested"
    again = api_as(lead_member).post(REQUESTS, body, format="json")
    assert again.status_code == 409 and "already asked" in again.json()["detail"]
    refused = api_as(other_officer).post(REQUESTS, body, format="json")
    assert refused.status_code == 403 and "lead member or officers" in refused.json()["detail"]
    bad = api_as(lead_member).post(REQUESTS, {**body, "offer": "nope"}, format="json")
    assert bad.status_code == 400 and "offer" in bad.json()


def test_requests_seen_by_owner_and_permitted_not_outsiders(
    asked, lead_member, officer, adviser, other_officer
):
    for user in (lead_member, officer, adviser):
        assert [r["id"] for r in api_as(user).get(REQUESTS).json()["results"]] == [asked.pk]
    assert api_as(other_officer).get(REQUESTS).json()["results"] == []
    assert api_as(other_officer).get(f"{REQUESTS}{asked.pk}/").status_code == 404
    waiting = api_as(adviser).get(REQUESTS, {"status": "requested"}).json()["results"]
    assert len(waiting) == 1


def test_every_step_and_its_refusals(asked, lead_member, adviser, offer, cohort):
    url = f"{REQUESTS}{asked.pk}/"
    forbidden = api_as(lead_member).post(f"{url}accept/")
    assert forbidden.status_code == 403 and "principal adviser" in forbidden.json()["detail"]
    assert api_as(adviser).post(f"{url}accept/").json()["status"] == "accepted"
    conflict = api_as(adviser).post(f"{url}accept/")
    assert conflict.status_code == 409 and "cannot be accepted" in conflict.json()["detail"]
    assert api_as(adviser).post(f"{url}start-delivery/").json()["status"] == "in_delivery"
    assert api_as(adviser).post(f"{url}deliver/").json()["status"] == "delivered"
    assert api_as(lead_member).post(f"{url}close/", {}, format="json").status_code == 400
    closed = api_as(lead_member).post(
        f"{url}close/", {"outcome_note": "Good.", "useful": 5}, format="json"
    )
    assert closed.json()["status"] == "closed" and closed.json()["feedback_useful"] == 5


def test_a_full_cohort_is_a_409_and_cancel_promotes(asked, adviser, offer, cohort):
    bradford = Council.objects.get(gss_code="E08000032")
    svc.accept(user=adviser, request=asked)
    body = {"council": bradford.gss_code, "offer": offer.code, "cohort": cohort.pk, "need": "x"}
    waiting = api_as(adviser).post(REQUESTS, body, format="json").json()
    assert waiting["status"] == "waiting"
    full = api_as(adviser).post(f"{REQUESTS}{waiting['id']}/accept/")
    assert full.status_code == 409 and "full" in full.json()["detail"]
    assert api_as(adviser).post(f"{REQUESTS}{asked.pk}/cancel/").json()["status"] == "cancelled"
    promoted = api_as(adviser).get(f"{REQUESTS}{waiting['id']}/").json()
    assert promoted["status"] == RequestStatus.ACCEPTED


def test_decline_and_waitlist(asked, adviser):
    url = f"{REQUESTS}{asked.pk}/"
    assert api_as(adviser).post(f"{url}decline/", {}, format="json").status_code == 400
    assert api_as(adviser).post(f"{url}waitlist/").json()["status"] == "waiting"
    declined = api_as(adviser).post(f"{url}decline/", {"reason": "Not now."}, format="json")
    assert declined.json()["decline_reason"] == "Not now."


def test_brokering_another_offer(asked, adviser, lead_member):
    make_offer("mentoring", name="Lead member mentoring", kind="mentoring")
    url = f"{REQUESTS}{asked.pk}/broker/"
    assert api_as(lead_member).post(url, {"offer": "mentoring"}, format="json").status_code == 403
    assert api_as(adviser).post(url, {"offer": "nope"}, format="json").status_code == 400
    same = api_as(adviser).post(url, {"offer": asked.offer.code}, format="json")
    assert same.status_code == 409 and "different offer" in same.json()["detail"]
    new = api_as(adviser).post(url, {"offer": "mentoring", "note": "First."}, format="json")
    assert new.status_code == 200 and new.json()["offer"] == "mentoring"
    old = api_as(adviser).get(f"{REQUESTS}{asked.pk}/").json()
    assert old["status"] == "declined" and old["brokered_offer"] == "mentoring"
