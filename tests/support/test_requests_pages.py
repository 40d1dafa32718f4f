"""The offer and request pages with the owner, a permitted role and an outsider: the
catalogue and its filters, an offer, asking, a request and its actions, a council's support
page, the advisers' waiting list."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from regions.models import Council
from support.models import RequestStatus, SupportRequest
from support.services import requests as svc
from tests.conftest import LEEDS
from tests.factories import make_member
from tests.support.offers_setup import make_cohort, make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def leeds(reference_data):
    return Council.objects.get(gss_code=LEEDS)


@pytest.fixture
def lead_member(reference_data):
    return make_member(LEEDS, "lead_member", email="lm@leeds.example")


@pytest.fixture
def offer(reference_data):
    return make_offer()


@pytest.fixture
def cohort(offer):
    return make_cohort(offer, places=24)


@pytest.fixture
def asked(lead_member, leeds, offer, cohort):
    return svc.request_support(
        user=lead_member, council=leeds, offer=offer, cohort=cohort, need="Grounding."
    )


def test_the_catalogue_for_members_with_filters(client_for, officer, no_role_user, offer, cohort):
    make_offer(
        "must-know",
        name="Must know: scrutiny",
        kind="guide",
        requestable=False,
        audience=["councils"],
    )
    make_offer("old", name="Old offer", kind="bespoke", window_closes=datetime.date(2020, 1, 1))
    client = client_for(officer)
    page = client.get(reverse("support:catalogue"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Leadership Essentials" in body and "Must know" in body and "Old offer" in body
    assert ">24<" in body  # places left
    assert 'href="/support/"' in body  # the navigation entry
    only_guides = client.get(reverse("support:catalogue"), {"kind": "guide"}).content.decode()
    assert "Must know" in only_guides and "Leadership Essentials" not in only_guides
    lead = client.get(reverse("support:catalogue"), {"audience": "lead_members"}).content.decode()
    assert "Leadership Essentials" in lead and "Must know" not in lead
    open_now = client.get(reverse("support:catalogue"), {"open_now": "true"}).content.decode()
    assert "Old offer" not in open_now and "Must know" not in open_now
    assert "Leadership Essentials" in open_now
    none = client.get(reverse("support:catalogue"), {"kind": "pathfinder"}).content.decode()
    assert "No offers match these filters" in none
    bad = client.get(reverse("support:catalogue"), {"kind": "nonsense"})
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()
    assert client_for(no_role_user).get(reverse("support:catalogue")).status_code == 404


def test_an_offer_page_says_how_to_ask(client_for, officer, other_officer, offer, cohort):
    body = client_for(officer).get(reverse("support:offer_detail", args=[offer.code]))
    text = body.content.decode()
    assert "24 of 24" in text and "Ask for this support" in text
    review = make_offer("review", name="Peer review", kind="peer_review", booking_url="/reviews/")
    text = client_for(officer).get(reverse("support:offer_detail", args=[review.code]))
    assert 'href="/reviews/"' in text.content.decode()
    assert client_for(officer).get("/support/offers/nope/").status_code == 404


def test_asking_for_support(client_for, lead_member, adviser, leeds, offer, cohort):
    client = client_for(lead_member)
    url = reverse("support:request_create", args=[offer.code])
    assert client.get(url).status_code == 200
    empty = client.post(url, {"council": leeds.pk})
    assert "Enter what the council needs" in empty.content.decode()
    assert "Select a cohort" in empty.content.decode()
    done = client.post(url, {"council": leeds.pk, "cohort": cohort.pk, "need": "Grounding."})
    request = SupportRequest.objects.get()
    assert done.status_code == 302 and done.url == reverse(
        "support:request_detail", args=[request.pk]
    )
    again = client.post(url, {"council": leeds.pk, "cohort": cohort.pk, "need": "Again."})
    assert "already asked" in again.content.decode()


def test_an_outsider_may_not_ask(client_for, no_role_user, offer, regional_lead):
    url = reverse("support:request_create", args=[offer.code])
    assert client_for(regional_lead).get(url).status_code == 403
    assert client_for(no_role_user).get(url).status_code == 404


def test_a_request_page_owner_permitted_outsider(
    client_for,
    asked,
    lead_member,
    officer,
    dcs,
    regional_lead,
    adviser,
    other_officer,
    other_regional_lead,
):
    url = reverse("support:request_detail", args=[asked.pk])
    owner = client_for(lead_member).get(url).content.decode()
    assert "Cancel the request" in owner and "Accept the request" not in owner
    for user in (officer, dcs, regional_lead):
        assert client_for(user).get(url).status_code == 200
    decider = client_for(adviser).get(url).content.decode()
    assert "Accept the request" in decider and "Decline the request" in decider
    for user in (other_officer, other_regional_lead):
        assert client_for(user).get(url).status_code == 404


def test_a_confidential_offers_requests_are_kept_to_senior_leaders(
    client_for, lead_member, officer, regional_lead, dcs, adviser, leeds
):
    secret = make_offer(
        "inspection", name="Inspection support", kind="inspection_support", confidential=True
    )
    request = svc.request_support(user=lead_member, council=leeds, offer=secret, need="Help.")
    url = reverse("support:request_detail", args=[request.pk])
    assert client_for(dcs).get(url).status_code == 200
    assert client_for(adviser).get(url).status_code == 200
    assert client_for(officer).get(url).status_code == 404
    assert client_for(regional_lead).get(url).status_code == 404


def test_deciding_through_the_pages(client_for, asked, adviser, lead_member, cohort):
    client = client_for(adviser)
    accept = reverse("support:request_action", args=[asked.pk, "accept"])
    assert client.get(accept).status_code == 200
    assert client.post(accept).status_code == 302
    asked.refresh_from_db()
    assert asked.status == RequestStatus.ACCEPTED
    cohort.refresh_from_db()
    assert cohort.places_taken == 1
    # A step not open in this status is refused with the reason.
    again = client.post(accept)
    assert "cannot be accepted" in again.content.decode()
    assert (
        client.post(
            reverse("support:request_action", args=[asked.pk, "start-delivery"])
        ).status_code
        == 302
    )
    assert (
        client.post(reverse("support:request_action", args=[asked.pk, "deliver"])).status_code
        == 302
    )
    close = reverse("support:request_action", args=[asked.pk, "close"])
    owner = client_for(lead_member)
    assert "Enter what came of the support" in owner.post(close, {}).content.decode()
    owner.post(close, {"outcome_note": "Better scrutiny.", "useful": "4", "what_changed": "Q"})
    asked.refresh_from_db()
    assert asked.status == RequestStatus.CLOSED and asked.feedback_useful == 4
    history = owner.get(reverse("support:request_detail", args=[asked.pk])).content.decode()
    assert "Accepted Leadership Essentials" in history


def test_declining_needs_a_reason_and_others_may_not_decide(
    client_for, asked, adviser, lead_member, regional_lead
):
    decline = reverse("support:request_action", args=[asked.pk, "decline"])
    assert client_for(lead_member).get(decline).status_code == 403
    assert client_for(regional_lead).post(decline, {"reason": "No"}).status_code == 403
    client = client_for(adviser)
    assert "Enter the reason" in client.post(decline, {}).content.decode()
    client.post(decline, {"reason": "Mentoring fits better."})
    asked.refresh_from_db()
    assert asked.status == RequestStatus.DECLINED
    assert client.get(reverse("support:request_action", args=[asked.pk, "nope"])).status_code == 404


def test_brokering_through_the_page(client_for, asked, adviser):
    mentoring = make_offer("mentoring", name="Lead member mentoring", kind="mentoring")
    response = client_for(adviser).post(
        reverse("support:request_action", args=[asked.pk, "broker"]),
        {"offer": mentoring.code, "note": "A mentor first."},
    )
    new = SupportRequest.objects.get(offer=mentoring)
    assert response.url == reverse("support:request_detail", args=[new.pk])


def test_the_councils_support_page(
    client_for, asked, lead_member, officer, regional_lead, adviser, other_officer, leeds
):
    url = reverse("support:council", args=[leeds.gss_code])
    for user in (lead_member, officer, regional_lead, adviser):
        page = client_for(user).get(url)
        assert page.status_code == 200 and "Leadership Essentials" in page.content.decode()
    assert client_for(other_officer).get(url).status_code == 404
    bradford = reverse("support:council", args=["E08000032"])
    assert "has not asked" in client_for(adviser).get(bradford).content.decode()


def test_the_advisers_waiting_list(client_for, asked, adviser, lead_member, other_officer):
    other_pa = make_member("E12000002", "principal_adviser", email="pa@nw.example")
    url = reverse("support:waiting")
    page = client_for(adviser).get(url).content.decode()
    assert "Leeds" in page and "Days waiting" in page
    assert "No requests are waiting" in client_for(other_pa).get(url).content.decode()
    assert client_for(lead_member).get(url).status_code == 404
    assert client_for(other_officer).get(url).status_code == 404
