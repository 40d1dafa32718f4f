"""The peer challenge API: programmes (create, list, read, generate, publish), challenges,
their action plans, and the reciprocity ledger, each for the owner (host council staff), a
permitted role and outsiders, with the same access rules as the pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import api_token_create
from audit.models import AuditEvent
from peerchallenge.models import (
    Action,
    Challenge,
    FeedbackLetter,
    LineOfEnquiry,
    Programme,
    SelfAssessment,
)
from regions.models import Council, Region
from tests.conftest import BRADFORD, LEEDS, MANCHESTER, NORTH_WEST, YORKSHIRE
from tests.factories import make_member

# The peer challenge fixtures (a published Yorkshire 2026 programme, Leeds' and Wakefield's
# challenges, `challenger`, `other_challenger`, `programme_manager_region`) live with the peer
# challenge tests; a star import makes pytest find them here.
from tests.peerchallenge.conftest import *  # noqa: F403
from tests.peerchallenge.conftest import CALDERDALE, WAKEFIELD

pytestmark = pytest.mark.django_db

PROGRAMMES = "/api/v1/programmes/"
CHALLENGES = "/api/v1/challenges/"
LEDGER = "/api/v1/ledger/"


def api_as(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def yorkshire_codes() -> list[str]:
    return sorted(
        Council.objects.filter(region__gss_code=YORKSHIRE).values_list("gss_code", flat=True)
    )


def create(user, **body):
    payload = {"region": YORKSHIRE, "year": 2027, "model": "pairs", **body}
    return api_as(user).post(PROGRAMMES, payload, format="json")


def fields_of(response) -> set[str]:
    assert response.status_code == 400, response.content
    return set(response.json())


# --- Creating a programme -------------------------------------------------------------------


def test_regional_lead_creates_a_programme_with_every_council_of_the_region(regional_lead):
    response = create(regional_lead, focus="Neglect")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["region"] == YORKSHIRE and body["year"] == 2027 and body["model"] == "pairs"
    assert body["cluster_size"] is None and body["status"] == "draft"
    assert body["focus"] == "Neglect" and body["label"] == "2027-28"
    assert body["starts_on"] == "2027-04-01" and body["ends_on"] == "2028-03-31"
    assert body["days_per_challenge"] == "2"
    assert body["participants"] == yorkshire_codes() and len(body["participants"]) == 15
    assert body["pairings"] == [] and body["objective"] is None
    programme = Programme.objects.get(pk=body["id"])
    assert programme.created_by == regional_lead
    assert AuditEvent.objects.filter(action="programme.create", object_id=str(body["id"])).exists()


def test_programme_manager_creates_clusters_with_options(programme_manager_region):
    response = create(
        programme_manager_region,
        model="clusters",
        cluster_size=5,
        starts_on="2027-06-01",
        ends_on="2027-12-31",
        preference="mix",
        weight_context=4,
        weight_travel=0,
        weight_balance=1,
        days_per_challenge="1.5",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["model"], body["cluster_size"], body["preference"]) == ("clusters", 5, "mix")
    assert (body["weight_context"], body["weight_travel"], body["weight_balance"]) == (4, 0, 1)
    assert body["days_per_challenge"] == "1.5" and body["starts_on"] == "2027-06-01"


@pytest.mark.parametrize(
    "who", ["other_regional_lead", "officer", "dcs", "adviser", "national_adviser", "cib_admin"]
)
def test_only_the_regions_leads_and_programme_manager_create_its_programme(who, request):
    response = create(request.getfixturevalue(who))
    assert response.status_code == 403
    assert not Programme.objects.filter(year=2027).exists()


def test_creating_needs_a_signed_in_member(no_role_user, reference_data):
    assert create(None).status_code in (401, 403)
    assert create(no_role_user).status_code == 403
    assert not Programme.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"region": "E99999999"}, "region"),
        ({"region": ""}, "region"),
        ({"model": "quads"}, "model"),
        ({"year": "next"}, "year"),
        ({"year": 1066}, "year"),
        ({"model": "clusters"}, "cluster_size"),
        ({"model": "clusters", "cluster_size": 9}, "cluster_size"),
        ({"model": "clusters", "cluster_size": 3}, "cluster_size"),
        ({"model": "panel", "cluster_size": 1}, "cluster_size"),
        ({"model": "panel", "cluster_size": 6}, "cluster_size"),
        ({"model": "panel"}, "cluster_size"),
        ({"model": "pairs", "cluster_size": 4}, "cluster_size"),
        ({"model": "triads", "cluster_size": 3}, "cluster_size"),
        ({"starts_on": "2027-09-01", "ends_on": "2027-08-01"}, "ends_on"),
        ({"ends_on": "2027-03-01"}, "ends_on"),
        ({"preference": "random"}, "preference"),
        ({"weight_travel": -1}, "weight_travel"),
        ({"days_per_challenge": "0"}, "days_per_challenge"),
        ({"days_per_challenge": "11"}, "days_per_challenge"),
    ],
)
def test_creating_refuses_bad_fields_naming_them(body, field, regional_lead):
    assert field in fields_of(create(regional_lead, **body))
    assert not Programme.objects.filter(year=2027).exists()


def test_panel_and_triads_sizes_that_fit_are_accepted(regional_lead):
    assert create(regional_lead, model="panel", cluster_size=3).status_code == 201
    response = create(regional_lead, year=2028, model="triads", cluster_size=None)
    assert response.status_code == 201 and response.json()["cluster_size"] is None


def test_a_second_programme_for_the_same_region_and_year_is_refused(programme, regional_lead):
    assert "year" in fields_of(create(regional_lead, year=2026))
    assert Programme.objects.filter(region__gss_code=YORKSHIRE, year=2026).count() == 1


# --- Listing and reading programmes ---------------------------------------------------------


def test_programme_list_filters_by_year_and_region(programme, regional_lead, national_adviser):
    other = Programme.objects.create(
        region=Region.objects.get(gss_code=NORTH_WEST),
        year=2027,
        model="triads",
        starts_on=date(2027, 4, 1),
        ends_on=date(2028, 3, 31),
        created_by=national_adviser,
        status="published",
    )
    Programme.objects.create(  # a draft: seen only by the North West's leads
        region=Region.objects.get(gss_code=NORTH_WEST),
        year=2028,
        model="pairs",
        starts_on=date(2028, 4, 1),
        ends_on=date(2029, 3, 31),
        created_by=national_adviser,
    )
    client = api_as(national_adviser)
    ids = [p["id"] for p in client.get(PROGRAMMES).json()["results"]]
    assert ids == [other.pk, programme.pk]  # newest year first
    assert [p["id"] for p in client.get(PROGRAMMES, {"year": 2026}).json()["results"]] == [
        programme.pk
    ]
    body = client.get(PROGRAMMES, {"region": NORTH_WEST}).json()
    assert [p["id"] for p in body["results"]] == [other.pk]
    assert body["results"][0]["region"] == NORTH_WEST and "pairings" not in body["results"][0]
    assert client.get(PROGRAMMES, {"status": "draft"}).json()["count"] == 0
    # The Yorkshire lead sees Yorkshire's programme only (not the North West's).
    ids = [p["id"] for p in api_as(regional_lead).get(PROGRAMMES).json()["results"]]
    assert ids == [programme.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"year": "soon"}, "year"), ({"region": "E12999999"}, "region"), ({"status": "x"}, "status")],
)
def test_programme_list_refuses_bad_filters(params, field, programme, regional_lead):
    assert field in fields_of(api_as(regional_lead).get(PROGRAMMES, params))


def test_programme_list_has_each_programme_once_for_staff_of_two_councils(programme):
    make_member(LEEDS, "council_officer", email="two@councils.example")
    both = make_member(BRADFORD, "council_officer", email="two@councils.example")
    body = api_as(both).get(PROGRAMMES).json()
    assert body["count"] == 1 and [p["id"] for p in body["results"]] == [programme.pk]


def test_programme_shows_its_pairings(programme, challenge, other_challenge, officer):
    response = api_as(officer).get(f"{PROGRAMMES}{programme.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["participants"] == yorkshire_codes()
    pairings = {p["host"]: p for p in body["pairings"]}
    assert set(pairings) == {LEEDS, WAKEFIELD}
    assert pairings[LEEDS]["challengers"] == [BRADFORD]
    assert pairings[LEEDS]["challenge"] == challenge.pk
    assert pairings[WAKEFIELD]["challengers"] == [CALDERDALE]
    assert {"group", "locked", "explanation", "score"} <= set(pairings[LEEDS])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("regional_lead", 200),
        ("programme_manager_region", 200),
        ("adviser", 200),
        ("national_adviser", 200),
        ("cib_admin", 200),  # national staff see programmes (not challenges)
        ("challenger", 200),  # Bradford takes part in the published programme
        ("other_officer", 404),
        ("other_regional_lead", 404),
        ("no_role_user", 403),
    ],
)
def test_who_may_read_a_published_programme(who, status, programme, request):
    user = request.getfixturevalue(who)
    assert api_as(user).get(f"{PROGRAMMES}{programme.pk}/").status_code == status


def test_a_draft_programme_is_not_the_councils_business_yet(programme, officer, regional_lead):
    Programme.objects.filter(pk=programme.pk).update(status="draft")
    assert api_as(officer).get(f"{PROGRAMMES}{programme.pk}/").status_code == 404
    assert api_as(officer).get(PROGRAMMES).json()["count"] == 0
    assert api_as(regional_lead).get(f"{PROGRAMMES}{programme.pk}/").status_code == 200
    assert api_as(None).get(f"{PROGRAMMES}{programme.pk}/").status_code in (401, 403)


def test_an_unknown_programme_is_404(regional_lead, reference_data):
    assert api_as(regional_lead).get(f"{PROGRAMMES}999999/").status_code == 404
    assert api_as(regional_lead).post(f"{PROGRAMMES}999999/generate/").status_code == 404


# --- Making the pairings and publishing -----------------------------------------------------


def generate(user, programme_id):
    return api_as(user).post(f"{PROGRAMMES}{programme_id}/generate/", format="json")


def assert_every_council_challenged_and_challenging(pairings, codes):
    hosts = [p["host"] for p in pairings]
    assert sorted(hosts) == codes  # every participant hosts exactly once
    challenging = set()
    for p in pairings:
        assert p["challengers"], p
        assert p["host"] not in p["challengers"]  # nobody challenges itself
        assert set(p["challengers"]) <= set(codes)
        challenging.update(p["challengers"])
        explanation = p["explanation"]
        assert isinstance(explanation["score"], (int, float))
        assert isinstance(explanation["terms"], dict) and explanation["terms"]
        assert explanation["words"] and all(isinstance(w, str) for w in explanation["words"])
    assert challenging == set(codes)  # and every participant challenges


def test_generate_returns_the_pairings_with_explanations(programme, challenge, regional_lead):
    created = create(regional_lead).json()
    response = generate(regional_lead, created["id"])
    assert response.status_code == 200, response.content
    body = response.json()
    codes = yorkshire_codes()
    assert_every_council_challenged_and_challenging(body["pairings"], codes)
    assert isinstance(body["objective"], (int, float)) and body["generated_at"]
    # Fifteen councils in pairs: seven groups, one of them a triad.
    sizes = sorted(
        len([p for p in body["pairings"] if p["group"] == g])
        for g in {p["group"] for p in body["pairings"]}
    )
    assert sizes == [2] * 6 + [3]
    # Leeds and Bradford were partners in 2026: never again in 2027.
    leeds = next(p for p in body["pairings"] if p["host"] == LEEDS)
    assert BRADFORD not in leeds["challengers"]
    # What the API says is what was stored, and reading it back gives the same.
    assert Challenge.objects.filter(programme_id=created["id"]).count() == 15
    again = api_as(regional_lead).get(f"{PROGRAMMES}{created['id']}/").json()
    assert again["pairings"] == body["pairings"]


def test_programme_manager_generates_a_panel(programme_manager_region):
    created = create(programme_manager_region, model="panel", cluster_size=3).json()
    response = generate(programme_manager_region, created["id"])
    assert response.status_code == 200, response.content
    pairings = response.json()["pairings"]
    assert_every_council_challenged_and_challenging(pairings, yorkshire_codes())
    assert {len(p["challengers"]) for p in pairings} == {3}


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer", 404),  # a draft is not the councils' business
        ("adviser", 404),  # a draft is for those preparing it
        ("cib_admin", 404),
        ("other_regional_lead", 404),
        ("other_officer", 404),
        ("no_role_user", 403),
    ],
)
def test_only_preparers_generate(who, status, regional_lead, request):
    created = create(regional_lead).json()
    assert generate(request.getfixturevalue(who), created["id"]).status_code == status
    assert not Challenge.objects.filter(programme_id=created["id"]).exists()


def test_generate_refuses_anonymous(regional_lead):
    created = create(regional_lead).json()
    assert generate(None, created["id"]).status_code in (401, 403)


def test_a_published_programme_cannot_be_generated_again(
    programme, challenge, regional_lead, officer
):
    response = generate(regional_lead, programme.pk)
    assert response.status_code == 409
    assert "published" in response.json()["detail"]
    assert generate(officer, programme.pk).status_code == 403  # takes part: may see it
    assert list(programme.challenges.all()) == [challenge]


def test_publish_by_a_lead_after_the_pairings_are_made(
    regional_lead, programme_manager_region, officer
):
    created = create(regional_lead).json()
    publish = f"{PROGRAMMES}{created['id']}/publish/"
    response = api_as(regional_lead).post(publish)
    assert response.status_code == 409 and "Make the pairings first" in response.json()["detail"]
    assert generate(regional_lead, created["id"]).status_code == 200
    assert api_as(programme_manager_region).post(publish).status_code == 403
    assert api_as(officer).post(publish).status_code == 404  # still a draft to Leeds
    response = api_as(regional_lead).post(publish)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published" and response.json()["published_at"]
    assert api_as(officer).get(f"{PROGRAMMES}{created['id']}/").status_code == 200
    assert api_as(officer).post(publish).status_code == 403


# --- Challenges -----------------------------------------------------------------------------


def challenge_ids(user, **params) -> list[int]:
    response = api_as(user).get(CHALLENGES, params)
    assert response.status_code == 200, response.content
    return [c["id"] for c in response.json()["results"]]


def test_challenge_list_shows_only_the_challenges_the_user_may_see(
    challenge,
    other_challenge,
    officer,
    challenger,
    other_challenger,
    regional_lead,
    adviser,
    other_officer,
    other_regional_lead,
    cib_admin,
):
    both = sorted([challenge.pk, other_challenge.pk])
    assert challenge_ids(officer) == [challenge.pk]
    assert challenge_ids(challenger) == [challenge.pk]
    assert challenge_ids(other_challenger) == [other_challenge.pk]
    assert sorted(challenge_ids(regional_lead)) == both
    assert sorted(challenge_ids(adviser)) == both
    assert challenge_ids(other_officer) == []
    assert challenge_ids(other_regional_lead) == []
    assert challenge_ids(cib_admin) == []


def test_challenge_list_filters(challenge, other_challenge, programme, regional_lead):
    assert challenge_ids(regional_lead, host=LEEDS) == [challenge.pk]
    assert challenge_ids(regional_lead, status="closed") == []
    assert len(challenge_ids(regional_lead, programme=programme.pk)) == 2
    assert challenge_ids(regional_lead, programme=programme.pk + 1) == []
    assert "status" in fields_of(api_as(regional_lead).get(CHALLENGES, {"status": "done"}))
    assert "programme" in fields_of(api_as(regional_lead).get(CHALLENGES, {"programme": "x"}))


def test_challenge_list_has_each_challenge_once(challenge, challenger):
    # A second assigned challenger from another council: two joined rows, one challenge.
    from peerchallenge.models import Challenger

    challenge.challengers.create(
        host=challenge.host, council=Council.objects.get(gss_code=CALDERDALE), person=challenger
    )
    assert Challenger.objects.filter(challenge=challenge, person=challenger).count() == 2
    assert challenge_ids(challenger) == [challenge.pk]


def test_challenge_detail_for_the_host(challenge, challenger, officer):
    LineOfEnquiry.objects.create(challenge=challenge, text="Second", position=2)
    LineOfEnquiry.objects.create(challenge=challenge, text="First", position=1)
    challenge.starts_on, challenge.ends_on = date(2026, 10, 5), date(2026, 10, 6)
    challenge.save()
    response = api_as(officer).get(f"{CHALLENGES}{challenge.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["host"] == LEEDS and body["host_name"] == "Leeds"
    assert body["challengers"] == [
        {"council": BRADFORD, "name": "Bradford", "person": challenger.get_full_name()}
    ]
    assert body["status"] == "preparing" and body["focus"] == "Help and protection"
    assert body["lines_of_enquiry"] == ["First", "Second"]
    assert body["starts_on"] == "2026-10-05" and body["follow_up_on"] == "2027-04-06"
    assert body["feedback_letter"] is None and body["self_assessment"] is None


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer", 200),
        ("dcs", 200),
        ("challenger", 200),
        ("regional_lead", 200),
        ("programme_manager_region", 200),
        ("adviser", 200),
        ("national_adviser", 200),
        ("other_challenger", 404),
        ("other_officer", 404),
        ("other_regional_lead", 404),
        ("cib_admin", 404),
        ("no_role_user", 403),
    ],
)
def test_who_may_read_a_challenge(who, status, challenge, other_challenge, request):
    user = request.getfixturevalue(who)
    assert api_as(user).get(f"{CHALLENGES}{challenge.pk}/").status_code == status


def test_reading_a_challenge_needs_signing_in(challenge):
    assert api_as(None).get(f"{CHALLENGES}{challenge.pk}/").status_code in (401, 403)
    assert api_as(None).get(CHALLENGES).status_code in (401, 403)


def test_a_draft_feedback_letter_is_for_the_challengers_side_only(
    challenge, challenger, regional_lead, officer, adviser
):
    letter = FeedbackLetter.objects.create(
        challenge=challenge, strengths="Strong front door", updated_by=challenger
    )
    url = f"{CHALLENGES}{challenge.pk}/"
    assert api_as(challenger).get(url).json()["feedback_letter"]["strengths"] == (
        "Strong front door"
    )
    assert api_as(regional_lead).get(url).json()["feedback_letter"]["issued_at"] is None
    assert api_as(officer).get(url).json()["feedback_letter"] is None
    assert api_as(adviser).get(url).json()["feedback_letter"] is None
    letter.issued_at, letter.issued_by = timezone.now(), challenger
    letter.save()
    issued = api_as(officer).get(url).json()["feedback_letter"]
    assert issued["strengths"] == "Strong front door" and issued["issued_at"]


def test_the_self_assessment_reaches_challengers_once_shared(
    challenge, challenger, officer, programme_manager_region
):
    sa = SelfAssessment.objects.create(
        challenge=challenge, summary="Where we are", doing="Family hubs", updated_by=officer
    )
    url = f"{CHALLENGES}{challenge.pk}/"
    assert api_as(officer).get(url).json()["self_assessment"]["doing"] == "Family hubs"
    mine = api_as(programme_manager_region).get(url).json()["self_assessment"]
    assert mine["summary"] == "Where we are"
    assert api_as(challenger).get(url).json()["self_assessment"] is None
    sa.shared_at = timezone.now()
    sa.save()
    shared = api_as(challenger).get(url).json()["self_assessment"]
    assert shared["summary"] == "Where we are" and shared["shared_at"]


# --- Actions --------------------------------------------------------------------------------


def actions_url(challenge) -> str:
    return f"{CHALLENGES}{challenge.pk}/actions/"


ACTION = {"title": "Review the front door", "owner": "Head of service", "due_on": "2027-01-31"}


def test_host_staff_add_an_action_and_it_is_audited(challenge, officer, challenger):
    response = api_as(officer).post(actions_url(challenge), ACTION, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == ACTION["title"] and body["status"] == "not_started"
    assert body["due_on"] == "2027-01-31" and body["challenge"] == challenge.pk
    action = Action.objects.get(pk=body["id"])
    assert action.challenge == challenge and action.owner == "Head of service"
    assert AuditEvent.objects.filter(
        action="challenge.action_status", object_id=str(action.pk), actor=officer
    ).exists()
    # Everyone who may see the challenge sees its plan.
    for user in (officer, challenger):
        listed = api_as(user).get(actions_url(challenge))
        assert listed.status_code == 200 and [a["id"] for a in listed.json()] == [action.pk]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("dcs", 201),
        ("regional_lead", 201),
        ("programme_manager_region", 201),
        ("challenger", 403),  # the challengers' side, not the host's
        ("adviser", 403),
        ("other_challenger", 404),
        ("other_officer", 404),
        ("other_regional_lead", 404),
        ("cib_admin", 404),
        ("no_role_user", 403),
    ],
)
def test_who_may_add_an_action(who, status, challenge, other_challenge, request):
    user = request.getfixturevalue(who)
    response = api_as(user).post(actions_url(challenge), ACTION, format="json")
    assert response.status_code == status
    assert Action.objects.filter(challenge=challenge).count() == (1 if status == 201 else 0)


@pytest.mark.parametrize("who", ["other_challenger", "other_officer", "cib_admin"])
def test_outsiders_cannot_read_the_plan(who, challenge, other_challenge, request):
    response = api_as(request.getfixturevalue(who)).get(actions_url(challenge))
    assert response.status_code == 404


def test_the_plan_refuses_anonymous(challenge):
    assert api_as(None).get(actions_url(challenge)).status_code in (401, 403)
    assert api_as(None).post(actions_url(challenge), ACTION, format="json").status_code in (
        401,
        403,
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"owner": ""}, "owner"),
        ({"due_on": "31/01/2027"}, "due_on"),
        ({"status": "finished"}, "status"),
    ],
)
def test_adding_an_action_refuses_bad_fields_naming_them(change, field, challenge, officer):
    response = api_as(officer).post(actions_url(challenge), {**ACTION, **change}, format="json")
    assert field in fields_of(response)
    assert not Action.objects.exists()


def test_adding_an_action_needs_title_owner_and_due_date(challenge, officer):
    response = api_as(officer).post(actions_url(challenge), {}, format="json")
    assert fields_of(response) == {"title", "owner", "due_on"}


@pytest.fixture
def action(challenge):
    return Action.objects.create(
        challenge=challenge, title="Audit case files", owner="Principal SW", due_on=date(2027, 2, 1)
    )


def test_host_staff_change_an_actions_status_and_it_is_audited(action, officer):
    response = api_as(officer).patch(
        f"/api/v1/actions/{action.pk}/",
        {"status": "done", "evidence": "Audit report of March"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done" and response.json()["status_label"] == "Done"
    action.refresh_from_db()
    assert action.status == "done" and action.evidence == "Audit report of March"
    event = AuditEvent.objects.get(action="challenge.action_status", object_id=str(action.pk))
    assert event.before == {"status": "not_started", "evidence": ""}
    assert event.after == {"status": "done", "evidence": "Audit report of March"}
    assert event.actor == officer


def test_changing_other_fields_of_an_action(action, regional_lead):
    response = api_as(regional_lead).patch(
        f"/api/v1/actions/{action.pk}/",
        {"due_on": "2027-03-15", "owner": "Head of QA", "title": "Audit 50 case files"},
        format="json",
    )
    assert response.status_code == 200, response.content
    action.refresh_from_db()
    assert (action.due_on, action.owner, action.title) == (
        date(2027, 3, 15),
        "Head of QA",
        "Audit 50 case files",
    )
    event = AuditEvent.objects.get(action="challenge.action_change", object_id=str(action.pk))
    assert event.after["due_on"] == "2027-03-15"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("challenger", 403),
        ("adviser", 403),
        ("other_challenger", 404),
        ("other_officer", 404),
        ("other_regional_lead", 404),
        ("cib_admin", 404),
        ("no_role_user", 403),
        (None, (401, 403)),
    ],
)
def test_who_may_not_change_an_action(who, status, action, other_challenge, request):
    user = request.getfixturevalue(who) if who else None
    response = api_as(user).patch(
        f"/api/v1/actions/{action.pk}/", {"status": "done"}, format="json"
    )
    assert response.status_code in (status if isinstance(status, tuple) else (status,))
    action.refresh_from_db()
    assert action.status == "not_started"


def test_reading_one_action(action, challenger, other_challenger, other_officer):
    assert api_as(challenger).get(f"/api/v1/actions/{action.pk}/").json()["title"] == (
        "Audit case files"
    )
    assert api_as(other_challenger).get(f"/api/v1/actions/{action.pk}/").status_code == 404
    assert api_as(other_officer).get(f"/api/v1/actions/{action.pk}/").status_code == 404
    assert api_as(challenger).get("/api/v1/actions/999999/").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"due_on": "soon"}, "due_on"),
        ({"title": ""}, "title"),
        ({"owner": "x" * 201}, "owner"),
    ],
)
def test_changing_an_action_refuses_bad_fields_naming_them(change, field, action, officer):
    response = api_as(officer).patch(f"/api/v1/actions/{action.pk}/", change, format="json")
    assert field in fields_of(response)
    action.refresh_from_db()
    assert action.status == "not_started" and action.title == "Audit case files"


# --- The ledger -----------------------------------------------------------------------------


def test_regional_ledger_counts_the_published_challenges(
    challenge, other_challenge, challenger, regional_lead
):
    response = api_as(regional_lead).get(LEDGER, {"year": 2026, "region": YORKSHIRE})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["year"], body["label"], body["region"]) == (2026, "2026-27", YORKSHIRE)
    rows = {r["council"]: r for r in body["rows"]}
    assert sorted(rows) == yorkshire_codes()
    bradford, leeds = rows[BRADFORD], rows[LEEDS]
    assert bradford["challenge_days_given"] == "2" and bradford["days_given"] == "2"
    assert bradford["dcs_days_given"] == "2" and bradford["dcs"] == challenger.full_name
    assert bradford["warning"] == "under" and bradford["warning_text"]
    assert leeds["days_received"] == "2" and leeds["days_given"] == "0"
    assert leeds["balance"] == "-2"
    summary = body["summary"]
    assert summary["councils"] == 15 and summary["given"] == "4" and summary["received"] == "4"
    # Only the two councils with a DCS recorded (Bradford, Calderdale) can be under-committed;
    # Leeds has none, so its DCS days are null, never 0, and it has no warning.
    assert leeds["dcs_days_given"] is None and leeds["warning"] == ""
    assert summary["under"] == 2 and summary["over"] == 0 and summary["expected_days"] == 5


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("regional_lead", 200),
        ("programme_manager_region", 200),
        ("adviser", 200),
        ("national_adviser", 200),
        ("cib_admin", 200),
        ("officer", 404),
        ("dcs", 404),
        ("other_regional_lead", 404),
        ("no_role_user", 403),
        (None, (401, 403)),
    ],
)
def test_who_may_read_a_regions_ledger(who, status, programme, request):
    user = request.getfixturevalue(who) if who else None
    response = api_as(user).get(LEDGER, {"year": 2026, "region": YORKSHIRE})
    assert response.status_code in (status if isinstance(status, tuple) else (status,))


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("national_adviser", 200),
        ("cib_admin", 200),
        ("regional_lead", 403),
        ("adviser", 403),  # a regional adviser: their region's ledger only
        ("officer", 403),
    ],
)
def test_who_may_read_the_national_ledger(who, status, request):
    response = api_as(request.getfixturevalue(who)).get(LEDGER, {"year": 2026})
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["region"] is None and len(body["rows"]) == 153
        assert body["summary"]["councils"] == 153


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "year"),
        ({"year": "this"}, "year"),
        ({"year": "99999"}, "year"),
        ({"year": "2026", "region": "E12999999"}, "region"),
        ({"year": "2026", "region": MANCHESTER}, "region"),  # a council, not a region
    ],
)
def test_the_ledger_refuses_bad_parameters_naming_them(params, field, national_adviser):
    assert field in fields_of(api_as(national_adviser).get(LEDGER, params))


def test_token_authentication_reads_the_ledger(regional_lead, reference_data):
    _, key = api_token_create(user=regional_lead)
    client = APIClient()
    params = {"year": 2026, "region": YORKSHIRE}
    assert client.get(LEDGER, params).status_code in (401, 403)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get(LEDGER, params)
    assert response.status_code == 200 and response.json()["region"] == YORKSHIRE


# --- The schema -----------------------------------------------------------------------------


def test_schema_documents_the_peer_challenge_endpoints(officer):
    schema = api_as(officer).get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    expected = {
        "/api/v1/programmes/": {"get", "post"},
        "/api/v1/programmes/{id}/": {"get"},
        "/api/v1/programmes/{id}/generate/": {"post"},
        "/api/v1/programmes/{id}/publish/": {"post"},
        "/api/v1/challenges/": {"get"},
        "/api/v1/challenges/{id}/": {"get"},
        "/api/v1/challenges/{id}/actions/": {"get", "post"},
        "/api/v1/actions/{id}/": {"get", "patch"},
        "/api/v1/ledger/": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), path
    components = schema["components"]["schemas"]
    create_fields = components["ProgrammeCreate"]["properties"]
    assert {"region", "year", "model", "cluster_size"} <= set(create_fields)
    assert set(components["ProgrammeCreate"]["required"]) == {"region", "year", "model"}
    pairing = components["Pairing"]["properties"]
    assert {"host", "challengers", "explanation", "group", "locked"} <= set(pairing)
    assert pairing["challengers"]["type"] == "array"
    assert "pairings" in components["ProgrammeDetail"]["properties"]
    generate_ok = paths["/api/v1/programmes/{id}/generate/"]["post"]["responses"]["200"]
    assert generate_ok["content"]["application/json"]["schema"]["$ref"].endswith("/ProgrammeDetail")
    assert "409" in paths["/api/v1/programmes/{id}/generate/"]["post"]["responses"]
    row = components["LedgerRow"]["properties"]
    assert row["days_given"]["type"] == "string"  # days are decimal strings
    assert {"council", "dcs", "days_received", "warning"} <= set(row)
    params = {p["name"]: p for p in paths["/api/v1/ledger/"]["get"]["parameters"]}
    assert params["year"]["required"] and not params.get("region", {}).get("required")
    assert components["ActionStatusEnum"]["enum"] == [
        "not_started",
        "in_progress",
        "done",
        "dropped",
    ]


def test_the_api_docs_page_lists_the_peer_challenge_endpoints(client_for, officer):
    page = client_for(officer).get("/api/v1/docs/")
    assert page.status_code == 200
    text = page.content.decode()
    for path in ("/api/v1/programmes/{id}/generate/", "/api/v1/ledger/", "/api/v1/actions/{id}/"):
        assert path in text, path


def test_challenge_list_in_a_constant_number_of_queries(
    challenge, other_challenge, adviser, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        body = api_as(adviser).get(CHALLENGES).json()
    assert body["count"] == 2
    assert {c["challengers"][0]["person"] for c in body["results"]} == {
        challenge.challengers.get().person.get_full_name(),
        other_challenge.challengers.get().person.get_full_name(),
    }


def test_creating_refuses_a_body_that_is_not_an_object(regional_lead):
    response = api_as(regional_lead).post(PROGRAMMES, [YORKSHIRE], format="json")
    assert "region" in fields_of(response)
