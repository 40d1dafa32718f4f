"""Mentoring and asks-and-offers pages: the register (national staff and advisers; others
404), a mentoring request's mentors (the request's rule: the council's people, its region's
leads, the advisers; others 404; only the adviser confirms, others 403), asks and offers
(members see; the council posts; advisers and regional leads broker, others 403)."""

from __future__ import annotations

import pytest

from support.models import CouncilAsk, Mentor, MentorAssignment
from tests.conftest import BRADFORD, LEEDS, MANCHESTER
from tests.support.mentoring_setup import council, make_mentor, mentoring_request

pytestmark = pytest.mark.django_db

REGISTER = "/support/mentors/"
ASKS = "/support/asks/"


@pytest.fixture
def as_user(request, client_for):
    def _as(name):
        user = request.getfixturevalue(name) if name else None
        return client_for(user), user

    return _as


def proposals_url(req) -> str:
    return f"/support/mentoring/requests/{req.pk}/"


@pytest.mark.parametrize("who", ["adviser", "national_adviser"])
def test_the_register_is_for_advisers_and_shows_the_load(as_user, who):
    mentor = make_mentor(MANCHESTER, "Cllr Ada", capacity_per_year=3, tags=["inspection"])
    client, _ = as_user(who)
    page = client.get(REGISTER)
    assert page.status_code == 200
    assert "Cllr Ada" in page.content.decode() and "0 of 3" in page.content.decode()
    detail = client.get(f"{REGISTER}{mentor.pk}/")
    assert detail.status_code == 200 and "0 of 3 mentees (3 left)" in detail.content.decode()


@pytest.mark.parametrize("who", ["officer", "dcs", "regional_lead", "other_officer"])
def test_the_register_is_404_for_others(as_user, who):
    mentor = make_mentor(MANCHESTER)
    client, _ = as_user(who)
    assert client.get(REGISTER).status_code == 404
    assert client.get(f"{REGISTER}{mentor.pk}/").status_code == 404
    assert client.get(f"{REGISTER}new/").status_code == 404


def test_signed_out_goes_to_sign_in(client):
    assert client.get(REGISTER).status_code == 302
    assert client.get(ASKS).status_code == 302


def test_an_adviser_adds_a_mentor_with_validation(as_user):
    client, _ = as_user("adviser")
    bad = client.post(f"{REGISTER}new/", {"name": "", "capacity_per_year": "50"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Enter the mentor&#x27;s name" in body and "20 or fewer" in body
    ok = client.post(
        f"{REGISTER}new/",
        {
            "name": "Cllr Bea",
            "council": council(MANCHESTER).pk,
            "role_kind": "elected_member",
            "capacity_per_year": "2",
            "tags": "Inspection, new lead member",
            "active": "on",
            "conflicts": [council(LEEDS).pk],
        },
    )
    assert ok.status_code == 302
    mentor = Mentor.objects.get(name="Cllr Bea")
    assert mentor.tags == ["inspection", "new lead member"]
    assert list(mentor.conflicts.all()) == [council(LEEDS)]


@pytest.mark.parametrize("who", ["officer", "dcs", "regional_lead", "adviser", "national_adviser"])
def test_the_mentoring_page_follows_the_requests_rule(as_user, who):
    req = mentoring_request(LEEDS)
    client, _ = as_user(who)
    assert client.get(proposals_url(req)).status_code == 200


@pytest.mark.parametrize("who", ["other_officer", "other_regional_lead"])
def test_the_mentoring_page_is_404_for_outsiders(as_user, who):
    req = mentoring_request(LEEDS)
    client, _ = as_user(who)
    assert client.get(proposals_url(req)).status_code == 404
    assert client.post(proposals_url(req), {"action": "confirm", "mentor": 1}).status_code == 404


def test_the_adviser_sees_explained_proposals_and_confirms_one(as_user):
    req = mentoring_request(LEEDS)
    make_mentor(LEEDS, "Cllr Own")
    make_mentor(BRADFORD, "Cllr Conflicted", conflicts=[LEEDS])
    good = make_mentor(MANCHESTER, "Cllr Good")
    client, _ = as_user("adviser")
    page = client.get(proposals_url(req)).content.decode()
    assert "Cllr Good" in page and "Capacity: 0 of 2 mentees this year" in page
    assert "Cllr Own" not in page and "Cllr Conflicted" not in page
    answer = client.post(proposals_url(req), {"action": "confirm", "mentor": good.pk})
    assert answer.status_code == 302
    assert MentorAssignment.objects.get(support_request=req).status == "confirmed"
    again = client.get(proposals_url(req)).content.decode()
    assert "Cllr Good (Manchester) is confirmed" in again and "End the mentoring" in again
    assert client.post(proposals_url(req), {"action": "end"}).status_code == 302
    assert MentorAssignment.objects.get(support_request=req).status == "ended"
    assert client.post(proposals_url(req), {"action": "end"}).status_code == 404


def test_a_refused_confirmation_says_why(as_user):
    req = mentoring_request(LEEDS)
    own = make_mentor(LEEDS, "Cllr Own")
    client, _ = as_user("adviser")
    answer = client.post(proposals_url(req), {"action": "confirm", "mentor": own.pk})
    assert answer.status_code == 409 and "from Leeds itself" in answer.content.decode()
    missing = client.post(proposals_url(req), {"action": "decline", "mentor": own.pk})
    assert missing.status_code == 400


@pytest.mark.parametrize("who", ["officer", "dcs", "regional_lead"])
def test_only_the_adviser_confirms(as_user, who):
    req = mentoring_request(LEEDS)
    mentor = make_mentor(MANCHESTER, "Cllr Good")
    client, _ = as_user(who)
    page = client.get(proposals_url(req)).content.decode()
    assert "Cllr Good" not in page
    answer = client.post(proposals_url(req), {"action": "confirm", "mentor": mentor.pk})
    assert answer.status_code == 403 and "Only an LGA adviser" in answer.content.decode()
    assert not MentorAssignment.objects.exists()


def test_a_request_for_another_offer_has_no_mentoring_page(as_user):
    from tests.support.offers_setup import make_offer

    req = mentoring_request(LEEDS, offer=make_offer("scrutiny", kind="scrutiny_support"))
    client, _ = as_user("adviser")
    assert client.get(proposals_url(req)).status_code == 404


# --- Asks and offers ---------------------------------------------------------------------------


def _post(user, code, kind="ask", theme="workforce", title="Retaining social workers"):
    return CouncilAsk.objects.create(
        council=council(code),
        kind=kind,
        theme=theme,
        title=title,
        description="More.",
        posted_by=user,
    )


def test_asks_are_listed_to_members_with_filters(as_user, officer):
    _post(officer, LEEDS, title="Retaining social workers")
    _post(officer, LEEDS, kind="offer", theme="scrutiny", title="Our scrutiny panel")
    client, _ = as_user("other_officer")
    page = client.get(ASKS).content.decode()
    assert "Retaining social workers" in page and "Our scrutiny panel" in page
    page = client.get(ASKS, {"theme": "scrutiny"}).content.decode()
    assert "Retaining social workers" not in page and "Our scrutiny panel" in page
    page = client.get(ASKS, {"kind": "ask", "theme": "scrutiny"}).content.decode()
    assert "No asks or offers match these filters." in page
    wrong = client.get(ASKS, {"theme": "nonsense"})
    assert wrong.status_code == 200 and "Select a valid choice" in wrong.content.decode()
    closed = client.get(ASKS, {"state": "closed"}).content.decode()
    assert "No asks or offers match these filters." in closed


def test_no_role_gets_404(as_user):
    client, _ = as_user("no_role_user")
    assert client.get(ASKS).status_code == 404


def test_a_council_posts_with_validation_and_an_outsider_cannot_post_for_it(as_user):
    client, _ = as_user("officer")
    bad = client.post(f"{ASKS}new/", {"council": council(LEEDS).pk})
    assert bad.status_code == 400 and "Enter a title" in bad.content.decode()
    ok = client.post(
        f"{ASKS}new/",
        {
            "council": council(LEEDS).pk,
            "kind": "ask",
            "theme": "workforce",
            "title": "Help with agency staff",
            "description": "Our agency rate is 30%.",
        },
    )
    assert ok.status_code == 302
    assert CouncilAsk.objects.get().council == council(LEEDS)
    outsider, _ = as_user("other_officer")
    refused = outsider.post(
        f"{ASKS}new/",
        {
            "council": council(LEEDS).pk,
            "kind": "ask",
            "theme": "workforce",
            "title": "x",
            "description": "y",
        },
    )
    assert refused.status_code == 400 and CouncilAsk.objects.count() == 1


@pytest.mark.parametrize("who", ["regional_lead", "adviser", "national_adviser"])
def test_advisers_and_leads_broker_a_match(as_user, officer, other_officer, who):
    ask = _post(officer, LEEDS)
    offer = _post(other_officer, MANCHESTER, kind="offer", title="Our academy")
    client, _ = as_user(who)
    page = client.get(f"{ASKS}{ask.pk}/broker/")
    assert page.status_code == 200 and "Manchester: Our academy" in page.content.decode()
    assert client.post(f"{ASKS}{ask.pk}/broker/", {}).status_code == 400
    done = client.post(f"{ASKS}{ask.pk}/broker/", {"other": offer.pk, "note": "Talk"})
    assert done.status_code == 302
    detail = client.get(f"{ASKS}{ask.pk}/").content.decode()
    assert "Manchester&#x27;s offer" in detail or "Manchester's offer" in detail


@pytest.mark.parametrize("who", ["officer", "other_officer", "other_regional_lead"])
def test_others_may_not_broker(as_user, officer, who):
    ask = _post(officer, LEEDS)
    client, _ = as_user(who)
    answer = client.get(f"{ASKS}{ask.pk}/broker/")
    assert answer.status_code == 403 and "Only the LGA advisers" in answer.content.decode()


def test_the_match_is_seen_by_the_councils_not_by_a_third(as_user, officer, other_officer):
    from support.services import mentoring as services

    ask = _post(officer, LEEDS)
    offer = _post(other_officer, MANCHESTER, kind="offer", title="Our academy")
    _, adviser = as_user("national_adviser")
    services.match_broker(user=adviser, ask=ask, offer=offer, note="Secret note")
    mine, _ = as_user("officer")
    assert "Secret note" in mine.get(f"{ASKS}{ask.pk}/").content.decode()
    third, _ = as_user("other_regional_lead")  # North West: Manchester's region's lead
    assert "Secret note" in third.get(f"{ASKS}{ask.pk}/").content.decode()
    from tests.factories import make_member

    stranger = make_member("E09000002", "council_officer", email="x@barking.example")
    client = as_user(None)[0]
    client.force_login(stranger)
    assert "Secret note" not in client.get(f"{ASKS}{ask.pk}/").content.decode()


@pytest.mark.parametrize(("who", "register"), [("officer", False), ("adviser", True)])
def test_the_catalogue_links_asks_and_for_advisers_the_register(as_user, who, register):
    client, _ = as_user(who)
    page = client.get("/support/").content.decode()
    assert 'href="/support/asks/"' in page
    assert ('href="/support/mentors/"' in page) is register
