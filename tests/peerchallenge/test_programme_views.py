"""The programme pages: who may see and change them, and what each page and action does."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import BRADFORD, LEEDS, MANCHESTER, YORKSHIRE
from tests.factories import make_member

pytestmark = pytest.mark.django_db

WAKEFIELD = "E08000036"
CALDERDALE = "E08000033"


def _council(code):
    from regions.models import Council

    return Council.objects.get(gss_code=code)


@pytest.fixture
def draft(regional_lead):
    """Yorkshire's draft programme for 2027 (pairs), made by the service."""
    from peerchallenge import services
    from regions.models import Region

    return services.programme_create(
        user=regional_lead, region=Region.objects.get(gss_code=YORKSHIRE), year=2027, model="pairs"
    )


def _pair(programme, host_code, challenger_code, *, locked=False, person=None):
    """A challenge made directly (no optimiser): host challenged by one council."""
    from peerchallenge.models import Challenge, Challenger

    host = _council(host_code)
    challenge = Challenge.objects.create(
        programme=programme,
        host=host,
        locked=locked,
        score=1.5,
        explanation={
            "score": 1.5,
            "terms": {"context": 1.75, "travel": -0.25},
            "words": ["Similar context: both metropolitan districts (+1.75)."],
        },
    )
    Challenger.objects.create(
        challenge=challenge, host=host, council=_council(challenger_code), person=person
    )
    return challenge


@pytest.fixture
def draft_pairs(draft):
    """The draft with Leeds and Bradford challenging each other."""
    return _pair(draft, LEEDS, BRADFORD), _pair(draft, BRADFORD, LEEDS)


def _url(name, *args):
    from django.urls import reverse

    return reverse(f"peerchallenge:{name}", args=args)


# --- The list -------------------------------------------------------------------------------


def test_list_shows_drafts_to_the_regional_team_only(
    client_for, draft, programme, regional_lead, programme_manager_region, officer
):
    for user in (regional_lead, programme_manager_region):
        page = client_for(user).get(_url("programme_list")).content.decode()
        assert f'href="/peer-challenge/{draft.pk}/"' in page
        assert f'href="/peer-challenge/{programme.pk}/"' in page
        assert "Start a programme" in page
    page = client_for(officer).get(_url("programme_list")).content.decode()
    assert f'href="/peer-challenge/{draft.pk}/"' not in page
    assert f'href="/peer-challenge/{programme.pk}/"' in page
    assert "Start a programme" not in page


def test_list_of_an_outsider_has_neither_programme(
    client_for, draft, programme, other_regional_lead, other_officer
):
    for user in (other_regional_lead, other_officer):
        page = client_for(user).get(_url("programme_list")).content.decode()
        assert f"/peer-challenge/{draft.pk}/" not in page
        assert f"/peer-challenge/{programme.pk}/" not in page
        assert "No programmes yet" in page
    # The other region's lead may start their own region's programme only.
    page = client_for(other_regional_lead).get(_url("programme_list")).content.decode()
    assert "Start a programme" in page and "North West" in page


def test_list_filters_and_sorts(client_for, draft, programme, regional_lead):
    client = client_for(regional_lead)
    page = client.get(_url("programme_list"), {"status": "draft"}).content.decode()
    assert f"/peer-challenge/{draft.pk}/" in page and f"/peer-challenge/{programme.pk}/" not in page
    page = client.get(_url("programme_list"), {"year": "2026"}).content.decode()
    assert f"/peer-challenge/{draft.pk}/" not in page and f"/peer-challenge/{programme.pk}/" in page
    page = client.get(_url("programme_list"), {"model": "panel"}).content.decode()
    assert "No programmes match these filters" in page
    page = client.get(_url("programme_list"), {"region": YORKSHIRE, "sort": "oldest"})
    body = page.content.decode()
    assert body.index(f"/peer-challenge/{programme.pk}/") < body.index(
        f"/peer-challenge/{draft.pk}/"
    )
    body = client.get(_url("programme_list")).content.decode()
    assert body.index(f"/peer-challenge/{draft.pk}/") < body.index(
        f"/peer-challenge/{programme.pk}/"
    )


def test_list_links_to_the_ledger_and_conflicts(client_for, regional_lead):
    page = client_for(regional_lead).get(_url("programme_list")).content.decode()
    assert 'href="/peer-challenge/ledger/"' in page
    assert 'href="/peer-challenge/conflicts/"' in page


def test_list_is_not_for_people_without_a_role_or_signed_out(client_for, no_role_user):
    assert client_for(no_role_user).get(_url("programme_list")).status_code == 404
    response = client_for(None).get(_url("programme_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Creating a programme -------------------------------------------------------------------


def _create_data(**overrides):
    from regions.models import Region

    data = {
        "region": Region.objects.get(gss_code=YORKSHIRE).pk,
        "year": "2028",
        "model": "pairs",
        "cluster_size": "",
        "starts_on_day": "",
        "starts_on_month": "",
        "starts_on_year": "",
        "ends_on_day": "",
        "ends_on_month": "",
        "ends_on_year": "",
        "focus": "Help and protection",
        "preference": "mix",
        "weight_context": "5",
        "weight_travel": "2",
        "weight_balance": "0",
        "days_per_challenge": "2.5",
    }
    data.update(overrides)
    return data


def test_regional_lead_creates_a_programme_with_every_council_of_the_region(
    client_for, regional_lead
):
    from datetime import date
    from decimal import Decimal

    from peerchallenge.models import Programme

    response = client_for(regional_lead).post(
        _url("programme_create"), _create_data(model="clusters", cluster_size="5")
    )
    programme = Programme.objects.get(year=2028)
    assert (
        response.status_code == 302 and response["Location"] == f"/peer-challenge/{programme.pk}/"
    )
    assert (programme.model, programme.cluster_size, programme.preference) == ("clusters", 5, "mix")
    assert (programme.weight_context, programme.weight_travel, programme.weight_balance) == (
        5,
        2,
        0,
    )
    assert programme.days_per_challenge == Decimal("2.5")
    assert (programme.starts_on, programme.ends_on) == (date(2028, 4, 1), date(2029, 3, 31))
    assert programme.participants.count() == programme.region.councils.count() > 10
    assert programme.status == "draft"


def test_programme_manager_creates_with_chosen_dates(client_for, programme_manager_region):
    from datetime import date

    from peerchallenge.models import Programme

    data = _create_data(
        model="panel",
        cluster_size="4",
        starts_on_day="1",
        starts_on_month="5",
        starts_on_year="2028",
        ends_on_day="28",
        ends_on_month="2",
        ends_on_year="2029",
    )
    response = client_for(programme_manager_region).post(_url("programme_create"), data)
    assert response.status_code == 302
    programme = Programme.objects.get(year=2028)
    assert (programme.starts_on, programme.ends_on) == (date(2028, 5, 1), date(2029, 2, 28))
    assert programme.cluster_size == 4


@pytest.mark.parametrize(
    ("model", "size", "message"),
    [
        ("clusters", "3", "The number of councils in each cluster must be 4 to 8"),
        ("clusters", "9", "The number of councils in each cluster must be 4 to 8"),
        ("panel", "1", "The number of DCSs on each panel must be 2 to 5"),
        ("panel", "6", "The number of DCSs on each panel must be 2 to 5"),
        ("clusters", "four", "The size must be a whole number"),
    ],
)
def test_a_size_that_does_not_fit_the_model_is_refused(
    client_for, regional_lead, model, size, message
):
    from peerchallenge.models import Programme

    response = client_for(regional_lead).post(
        _url("programme_create"), _create_data(model=model, cluster_size=size)
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert message in page and 'href="#id_cluster_size"' in page
    assert not Programme.objects.filter(year=2028).exists()


def test_a_size_given_for_pairs_is_ignored(client_for, regional_lead):
    from peerchallenge.models import Programme

    client_for(regional_lead).post(_url("programme_create"), _create_data(cluster_size="12"))
    assert Programme.objects.get(year=2028).cluster_size is None


def test_a_second_programme_for_the_region_and_year_is_refused(client_for, regional_lead, draft):
    response = client_for(regional_lead).post(_url("programme_create"), _create_data(year="2027"))
    page = response.content.decode()
    assert "Yorkshire and The Humber already has a programme for 2027" in page
    assert 'href="#id_year"' in page


def test_an_end_before_the_start_is_refused(client_for, regional_lead):
    from peerchallenge.models import Programme

    data = _create_data(
        starts_on_day="1",
        starts_on_month="9",
        starts_on_year="2028",
        ends_on_day="1",
        ends_on_month="6",
        ends_on_year="2028",
    )
    page = client_for(regional_lead).post(_url("programme_create"), data).content.decode()
    assert "The end date must be the same as or after the start date" in page
    assert 'href="#id_ends_on_0"' in page
    assert not Programme.objects.filter(year=2028).exists()


def test_bad_weights_and_days_are_refused(client_for, regional_lead):
    data = _create_data(weight_travel="11", days_per_challenge="0")
    page = client_for(regional_lead).post(_url("programme_create"), data).content.decode()
    assert "Travel must be from 0 to 10" in page
    assert "The days must be at least 0.5" in page


def test_only_the_users_own_regions_are_offered(client_for, regional_lead):
    from peerchallenge.models import Programme
    from regions.models import Region

    client = client_for(regional_lead)
    page = client.get(_url("programme_create")).content.decode()
    assert "Yorkshire and The Humber" in page and "North West" not in page
    north_west = Region.objects.get(gss_code="E12000002")
    page = client.post(_url("programme_create"), _create_data(region=north_west.pk))
    assert "Select a valid choice" in page.content.decode()
    assert not Programme.objects.filter(year=2028).exists()


@pytest.mark.parametrize("who", ["adviser", "national_adviser", "officer", "cib_admin"])
def test_people_who_cannot_prepare_cannot_create(client_for, request, who):
    from peerchallenge.models import Programme

    client = client_for(request.getfixturevalue(who))
    assert client.get(_url("programme_create")).status_code == 404
    assert client.post(_url("programme_create"), _create_data()).status_code == 404
    assert not Programme.objects.exists()


def test_creating_needs_signing_in(client_for):
    response = client_for(None).get(_url("programme_create"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- A programme's page ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["regional_lead", "programme_manager_region"])
def test_a_draft_is_seen_by_those_preparing_it(client_for, request, draft, draft_pairs, who):
    page = client_for(request.getfixturevalue(who)).get(_url("programme_detail", draft.pk))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Yorkshire and The Humber 2027 to 2028" in body and "Draft" in body
    assert "Leeds" in body and "Bradford" in body


@pytest.mark.parametrize(
    "who",
    [
        "officer",
        "dcs",
        "other_officer",
        "other_regional_lead",
        "no_role_user",
        # Advisers and national staff see a programme once it is published, like its
        # challenges: its draft pairings are for those preparing it.
        "adviser",
        "national_adviser",
        "cib_admin",
    ],
)
def test_a_draft_is_hidden_from_councils_and_other_regions(client_for, request, draft, who):
    assert (
        client_for(request.getfixturevalue(who)).get(_url("programme_detail", draft.pk)).status_code
        == 404
    )


def test_a_draft_needs_signing_in(client_for, draft):
    response = client_for(None).get(_url("programme_detail", draft.pk))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_published_programme_is_seen_by_its_councils_staff(
    client_for, programme, challenge, officer, other_officer, other_regional_lead
):
    page = client_for(officer).get(_url("programme_detail", programme.pk))
    assert page.status_code == 200 and "Published" in page.content.decode()
    # Viewing is not preparing: no actions for council staff.
    assert "Make the pairings" not in page.content.decode()
    for user in (other_officer, other_regional_lead):
        assert client_for(user).get(_url("programme_detail", programme.pk)).status_code == 404


@pytest.mark.parametrize(
    ("days", "words"), [("2.0", "2 days for each challenge"), ("2.5", "2.5 days"), ("1", "1 day ")]
)
def test_the_days_each_challenger_gives_read_as_days(
    client_for, programme, regional_lead, days, words
):
    programme.days_per_challenge = Decimal(days)
    programme.save()
    page = client_for(regional_lead).get(_url("programme_detail", programme.pk)).content.decode()
    assert words in page
    assert " a challenge</dd>" not in page


def test_the_page_shows_pairings_explanations_and_workspace_links(
    client_for, programme, challenge, challenger, regional_lead
):
    from peerchallenge.models import Challenge

    Challenge.objects.filter(pk=challenge.pk).update(
        locked=True,
        group=3,
        score=2.25,
        explanation={"score": 2.25, "terms": {"context": 2.5, "travel": -0.25}, "words": ["Near"]},
    )
    programme.objective = 12.5
    programme.save()
    body = client_for(regional_lead).get(_url("programme_detail", programme.pk)).content.decode()
    assert f'href="/challenges/{challenge.pk}/"' in body
    assert f"Bradford ({challenger})" in body
    assert "Locked" in body and "govuk-details" in body
    assert "Similar context" in body and "2.50" in body and "-0.25" in body and "Near" in body
    assert "12.50" in body and "2.25" in body
    # Groups are numbered from 1 for people (stored from 0).
    assert '<td class="govuk-table__cell">4</td>' in body


def test_the_page_lists_agreements_conflicts_exclusions_and_last_years_partners(
    client_for, programme, challenge, draft, regional_lead
):
    from peerchallenge import services

    # `programme` (2026, published) paired Leeds and Bradford: last year's partners for 2027.
    services.participant_add(
        user=regional_lead,
        programme=draft,
        council=_council(MANCHESTER),
        agreement="Agreed with the North West lead",
    )
    services.conflict_declare(
        user=regional_lead,
        council=_council(WAKEFIELD),
        other=_council(CALDERDALE),
        reason="Shared DCS",
    )
    services.exclusion_add(
        user=regional_lead,
        programme=draft,
        council=_council(LEEDS),
        other=_council(WAKEFIELD),
        reason="Merging services",
    )
    body = client_for(regional_lead).get(_url("programme_detail", draft.pk)).content.decode()
    assert "By agreement: Agreed with the North West lead" in body
    assert "Calderdale and Wakefield" in body and "Shared DCS" in body
    assert "Leeds and Wakefield" in body and "Merging services" in body
    assert "Bradford and Leeds" in body  # last year's partners


def test_the_page_does_not_grow_with_the_number_of_challenges(
    client_for, draft, regional_lead, django_assert_max_num_queries
):
    from peerchallenge.models import Challenge

    client = client_for(regional_lead)
    _pair(draft, LEEDS, BRADFORD)
    _pair(draft, BRADFORD, LEEDS)
    client.get(_url("programme_detail", draft.pk))  # warm the session and grants
    with CaptureQueriesContext(connection) as small:
        assert client.get(_url("programme_detail", draft.pk)).status_code == 200
    Challenge.objects.filter(programme=draft).delete()
    codes = sorted(draft.participants.values_list("council__gss_code", flat=True))
    for i, code in enumerate(codes):
        _pair(draft, code, codes[(i + 1) % len(codes)])
    with CaptureQueriesContext(connection) as full:
        response = client.get(_url("programme_detail", draft.pk))
    assert response.content.decode().count("challenge workspace") == len(codes) > 10
    assert len(full) == len(small)
    with django_assert_max_num_queries(len(small)):
        client.get(_url("programme_detail", draft.pk))


# --- Actions on a draft: who may ------------------------------------------------------------


def _actions(draft, challenge, exclusion):
    return [
        ("programme_generate", (draft.pk,), {}),
        ("programme_participant_add", (draft.pk,), {"council": "", "agreement": ""}),
        ("programme_participant_remove", (draft.pk, _council(MANCHESTER).pk), {}),
        ("programme_exclusion_add", (draft.pk,), {"reason": ""}),
        ("programme_exclusion_delete", (draft.pk, exclusion.pk), {}),
        ("programme_pairing_edit", (draft.pk, challenge.pk), {}),
        ("programme_pairing_lock", (draft.pk, challenge.pk), {"locked": "1"}),
        ("programme_publish", (draft.pk,), {}),
    ]


@pytest.fixture
def action_setup(draft, draft_pairs, regional_lead):
    from peerchallenge import services

    services.participant_add(
        user=regional_lead, programme=draft, council=_council(MANCHESTER), agreement="Agreed"
    )
    exclusion = services.exclusion_add(
        user=regional_lead,
        programme=draft,
        council=_council(LEEDS),
        other=_council(WAKEFIELD),
        reason="Merging",
    )
    return _actions(draft, draft_pairs[0], exclusion)


@pytest.mark.parametrize("who", ["adviser", "national_adviser", "cib_admin"])
def test_advisers_and_national_staff_find_no_changes_to_a_draft(
    client_for, request, action_setup, draft, who
):
    from peerchallenge.models import Challenge

    client = client_for(request.getfixturevalue(who))
    for name, args, data in action_setup:
        assert client.post(_url(name, *args), data).status_code == 404, name
    assert draft.participants.count() == draft.region.councils.count() + 1
    assert draft.exclusions.count() == 1
    assert not Challenge.objects.filter(programme=draft, locked=True).exists()


@pytest.mark.parametrize(
    "who", ["officer", "dcs", "other_officer", "other_regional_lead", "no_role_user"]
)
def test_outsiders_find_no_changes(client_for, request, action_setup, who):
    client = client_for(request.getfixturevalue(who))
    for name, args, data in action_setup:
        assert client.get(_url(name, *args)).status_code in (404, 405), name
        assert client.post(_url(name, *args), data).status_code == 404, name


def test_changes_need_signing_in(client_for, action_setup):
    client = client_for(None)
    for name, args, data in action_setup:
        response = client.post(_url(name, *args), data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


@pytest.mark.parametrize("who", ["regional_lead", "programme_manager_region"])
def test_preparers_reach_every_change_page(client_for, request, action_setup, who):
    client = client_for(request.getfixturevalue(who))
    for name, args, _data in action_setup:
        if name in ("programme_generate", "programme_pairing_lock"):
            continue  # POST only
        if name == "programme_publish" and who == "programme_manager_region":
            assert client.get(_url(name, *args)).status_code == 403
            continue
        assert client.get(_url(name, *args)).status_code == 200, name


def test_programme_manager_cannot_publish(client_for, programme_manager_region, draft, draft_pairs):
    client = client_for(programme_manager_region)
    body = client.get(_url("programme_detail", draft.pk)).content.decode()
    assert "Publish the pairings" not in body
    assert "A regional lead publishes the pairings" in body
    assert client.post(_url("programme_publish", draft.pk)).status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


# --- Actions on a draft: what they do -------------------------------------------------------


def test_add_and_remove_a_council_by_agreement(client_for, regional_lead, draft):
    from audit.models import AuditEvent

    client = client_for(regional_lead)
    manchester = _council(MANCHESTER)
    page = client.post(_url("programme_participant_add", draft.pk), {"council": manchester.pk})
    assert "Say what was agreed" in page.content.decode()
    response = client.post(
        _url("programme_participant_add", draft.pk),
        {"council": manchester.pk, "agreement": "Agreed with the North West lead"},
    )
    assert response.status_code == 302
    assert draft.participants.filter(council=manchester, agreement__startswith="Agreed").exists()
    # A council already in is no longer offered.
    page = client.get(_url("programme_participant_add", draft.pk)).content.decode()
    assert f'value="{manchester.pk}"' not in page
    confirm = client.get(_url("programme_participant_remove", draft.pk, manchester.pk))
    assert "Remove Manchester from the programme?" in confirm.content.decode()
    assert (
        client.post(_url("programme_participant_remove", draft.pk, manchester.pk)).status_code
        == 302
    )
    assert not draft.participants.filter(council=manchester).exists()
    assert AuditEvent.objects.filter(action="programme.participant_remove").exists()
    # A council of the region cannot be removed: there is no such page.
    leeds = _council(LEEDS)
    assert client.get(_url("programme_participant_remove", draft.pk, leeds.pk)).status_code == 404
    assert client.post(_url("programme_participant_remove", draft.pk, leeds.pk)).status_code == 404


def test_keep_two_councils_apart_and_stop(client_for, regional_lead, draft):
    from audit.models import AuditEvent

    client = client_for(regional_lead)
    leeds, wakefield = _council(LEEDS), _council(WAKEFIELD)
    page = client.post(
        _url("programme_exclusion_add", draft.pk),
        {"council": leeds.pk, "other": leeds.pk, "reason": "x"},
    ).content.decode()
    assert "Choose two different councils" in page
    # Only councils taking part are offered.
    page = client.post(
        _url("programme_exclusion_add", draft.pk),
        {"council": leeds.pk, "other": _council(MANCHESTER).pk, "reason": "x"},
    ).content.decode()
    assert "Select a valid choice" in page
    client.post(
        _url("programme_exclusion_add", draft.pk),
        {"council": wakefield.pk, "other": leeds.pk, "reason": "Merging services"},
    )
    exclusion = draft.exclusions.get()
    assert (exclusion.council_a, exclusion.council_b) == (
        (leeds, wakefield) if leeds.pk < wakefield.pk else (wakefield, leeds)
    )
    page = client.post(
        _url("programme_exclusion_add", draft.pk),
        {"council": leeds.pk, "other": wakefield.pk, "reason": "Again"},
    ).content.decode()
    assert "are already kept apart" in page
    confirm = client.get(_url("programme_exclusion_delete", draft.pk, exclusion.pk)).content
    assert "Merging services" in confirm.decode()
    assert (
        client.post(_url("programme_exclusion_delete", draft.pk, exclusion.pk)).status_code == 302
    )
    assert not draft.exclusions.exists()
    assert AuditEvent.objects.filter(action="programme.exclusion_remove").exists()


def test_lock_and_unlock_a_pairing(client_for, programme_manager_region, draft, draft_pairs):
    leeds_challenge, bradford_challenge = draft_pairs
    client = client_for(programme_manager_region)
    client.post(_url("programme_pairing_lock", draft.pk, leeds_challenge.pk), {"locked": "1"})
    leeds_challenge.refresh_from_db()
    bradford_challenge.refresh_from_db()
    assert leeds_challenge.locked  # the whole group (both have group 0) locks together
    assert bradford_challenge.locked
    body = client.get(_url("programme_detail", draft.pk)).content.decode()
    assert "Unlock<span" in body
    client.post(_url("programme_pairing_lock", draft.pk, leeds_challenge.pk), {"locked": "0"})
    leeds_challenge.refresh_from_db()
    assert not leeds_challenge.locked
    assert (
        client.get(_url("programme_pairing_lock", draft.pk, leeds_challenge.pk)).status_code == 405
    )


def test_editing_a_pairing_sets_challengers_and_locks_it(
    client_for, regional_lead, draft, draft_pairs
):
    from peerchallenge.models import Challenge

    leeds_challenge = draft_pairs[0]
    client = client_for(regional_lead)
    page = client.get(_url("programme_pairing_edit", draft.pk, leeds_challenge.pk)).content.decode()
    leeds, bradford, wakefield = _council(LEEDS), _council(BRADFORD), _council(WAKEFIELD)
    assert f'value="{bradford.pk}" checked' in page
    assert f'value="{leeds.pk}"' not in page  # the host is not offered
    page = client.post(_url("programme_pairing_edit", draft.pk, leeds_challenge.pk), {})
    assert "Choose at least one challenger" in page.content.decode()
    response = client.post(
        _url("programme_pairing_edit", draft.pk, leeds_challenge.pk),
        {"challengers": [wakefield.pk]},
    )
    assert response.status_code == 302
    # Leeds and Wakefield now make a locked pair; the others are paired around them.
    leeds_challenge = Challenge.objects.get(programme=draft, host=leeds)
    assert leeds_challenge.locked
    assert list(leeds_challenge.challengers.values_list("council__gss_code", flat=True)) == [
        WAKEFIELD
    ]
    assert Challenge.objects.get(programme=draft, host=wakefield).locked
    pairs = _challengers_of(draft)
    assert len(pairs) == draft.participants.count()
    assert LEEDS not in pairs[BRADFORD]
    body = client.get(_url("programme_detail", draft.pk)).content.decode()
    assert "Locked" in body


def test_editing_refuses_a_forbidden_pair_naming_the_problem(
    client_for, regional_lead, draft, draft_pairs
):
    from peerchallenge import services

    leeds_challenge = draft_pairs[0]
    services.conflict_declare(
        user=regional_lead,
        council=_council(LEEDS),
        other=_council(WAKEFIELD),
        reason="The DCS used to work there",
    )
    response = client_for(regional_lead).post(
        _url("programme_pairing_edit", draft.pk, leeds_challenge.pk),
        {"challengers": [_council(WAKEFIELD).pk]},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "Leeds and Wakefield cannot be paired: declared conflict of interest" in page
    assert "The DCS used to work there" in page
    leeds_challenge.refresh_from_db()
    assert list(leeds_challenge.challengers.values_list("council__gss_code", flat=True)) == [
        BRADFORD
    ]


def test_publishing_needs_pairings_for_everyone(client_for, regional_lead, draft, draft_pairs):
    response = client_for(regional_lead).post(_url("programme_publish", draft.pk))
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "Make the pairings first" in page and "has no challengers yet" in page
    draft.refresh_from_db()
    assert draft.status == "draft"


# --- Making the pairings end to end (the optimiser) -----------------------------------------


def _challengers_of(programme):
    return {
        ch.host.gss_code: sorted(x.council.gss_code for x in ch.challengers.all())
        for ch in programme.challenges.select_related("host").prefetch_related(
            "challengers__council"
        )
    }


def test_making_the_pairings_gives_everyone_a_challenge_and_respects_conflicts(
    client_for, regional_lead, draft
):
    from peerchallenge import services

    services.conflict_declare(
        user=regional_lead, council=_council(LEEDS), other=_council(BRADFORD), reason="Shared"
    )
    services.exclusion_add(
        user=regional_lead,
        programme=draft,
        council=_council(LEEDS),
        other=_council(WAKEFIELD),
        reason="Merging",
    )
    client = client_for(regional_lead)
    response = client.post(_url("programme_generate", draft.pk))
    assert response.status_code == 302
    pairs = _challengers_of(draft)
    codes = set(draft.participants.values_list("council__gss_code", flat=True))
    assert set(pairs) == codes
    for host, challengers in pairs.items():
        assert challengers and host not in challengers
        assert set(challengers) <= codes
    assert BRADFORD not in pairs[LEEDS] and LEEDS not in pairs[BRADFORD]
    assert WAKEFIELD not in pairs[LEEDS] and LEEDS not in pairs[WAKEFIELD]
    draft.refresh_from_db()
    assert draft.generated_at is not None and draft.objective is not None
    body = client.get(_url("programme_detail", draft.pk)).content.decode()
    assert "Make the pairings again" in body and f"{draft.objective:.2f}" in body
    from django.utils import timezone

    made = timezone.localtime(draft.generated_at)
    assert f"{made:%-d %B %Y, %H:%M}" in body  # the portal's DATETIME_FORMAT


def test_making_the_pairings_again_keeps_locked_pairings(client_for, regional_lead, draft):
    client = client_for(regional_lead)
    client.post(_url("programme_generate", draft.pk))
    leeds_challenge = draft.challenges.get(host__gss_code=LEEDS)
    partner = leeds_challenge.challengers.get().council
    # Choose Leeds' partner by hand (it locks), then make the pairings again.
    other = (
        draft.participants.exclude(council__gss_code__in=[LEEDS, partner.gss_code])
        .order_by("council__name")
        .first()
        .council
    )
    client.post(
        _url("programme_pairing_edit", draft.pk, leeds_challenge.pk),
        {"challengers": [other.pk]},
    )
    client.post(_url("programme_generate", draft.pk))
    again = _challengers_of(draft)
    assert again[LEEDS] == [other.gss_code]
    assert draft.challenges.get(host__gss_code=LEEDS).locked
    assert len(again) == draft.participants.count()


def test_when_no_pairing_is_possible_the_page_says_why(client_for, regional_lead, draft):
    from peerchallenge import services

    leeds = _council(LEEDS)
    for participant in draft.participants.exclude(council=leeds).select_related("council"):
        services.exclusion_add(
            user=regional_lead,
            programme=draft,
            council=leeds,
            other=participant.council,
            reason="Testing",
        )
    response = client_for(regional_lead).post(_url("programme_generate", draft.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page and "There is a problem" in page
    summary = page.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert "Leeds" in summary and summary.startswith('"><li>') and summary[6].isupper()
    assert not draft.challenges.exists()


def test_clusters_are_made_and_shown_by_group(client_for, regional_lead):
    from peerchallenge import services
    from regions.models import Region

    programme = services.programme_create(
        user=regional_lead,
        region=Region.objects.get(gss_code=YORKSHIRE),
        year=2027,
        model="clusters",
        cluster_size=5,
    )
    client = client_for(regional_lead)
    assert client.post(_url("programme_generate", programme.pk)).status_code == 302
    groups: dict[int, set[str]] = {}
    for ch in programme.challenges.prefetch_related("challengers__council"):
        groups.setdefault(ch.group, set()).add(ch.host.gss_code)
        (challenger,) = ch.challengers.all()
        assert challenger.council.gss_code != ch.host.gss_code
    assert sum(len(g) for g in groups.values()) == programme.participants.count()
    assert all(4 <= len(g) <= 8 for g in groups.values())
    body = client.get(_url("programme_detail", programme.pk)).content.decode()
    assert ">Group</th>" in body
    # Numbered 1 to n on the page, though stored from 0.
    assert sorted(groups) == list(range(len(groups)))
    pairings = body[body.index('id="pairings"') : body.index("Councils taking part")]
    shown = {
        int(n)
        for n in re.findall(
            r'<tr class="govuk-table__row">\s*<td class="govuk-table__cell">(\d+)</td>', pairings
        )
    }
    assert shown == set(range(1, len(groups) + 1))


def test_publish_emails_the_councils_and_then_no_more_edits(
    client_for, regional_lead, draft, mailoutbox, django_capture_on_commit_callbacks
):
    leeds_people = [
        make_member(LEEDS, "dcs", email="dcs@leeds.example"),
        make_member(LEEDS, "lead_member", email="member@leeds.example"),
        make_member(LEEDS, "chief_executive", email="ce@leeds.example"),
    ]
    make_member(LEEDS, "council_officer", email="officer@leeds.example")
    client = client_for(regional_lead)
    client.post(_url("programme_generate", draft.pk))
    confirm = client.get(_url("programme_publish", draft.pk)).content.decode()
    assert "will be emailed" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("programme_publish", draft.pk))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"
    to_leeds = [m for m in mailoutbox if "dcs@leeds.example" in m.to]
    assert len(to_leeds) == 1
    assert sorted(to_leeds[0].to) == sorted(p.email for p in leeds_people)
    assert "Leeds will be challenged by" in to_leeds[0].body
    assert not any("officer@leeds.example" in m.to for m in mailoutbox)
    # No more edits: each says why.
    published = "The programme is published: its pairings can no longer change."
    page = client.post(_url("programme_generate", draft.pk))
    assert page.status_code == 200 and published in page.content.decode()
    challenge = draft.challenges.get(host__gss_code=LEEDS)
    page = client.post(
        _url("programme_pairing_edit", draft.pk, challenge.pk),
        {"challengers": [_council(WAKEFIELD).pk]},
    )
    assert published in page.content.decode()
    page = client.post(_url("programme_pairing_lock", draft.pk, challenge.pk), {"locked": "1"})
    assert published in page.content.decode()
    page = client.post(_url("programme_publish", draft.pk))
    assert published in page.content.decode()
    body = client.get(_url("programme_detail", draft.pk)).content.decode()
    assert "Make the pairings" not in body and "Published" in body


# --- Declared conflicts of interest ---------------------------------------------------------


@pytest.fixture
def leeds_conflict(regional_lead):
    from peerchallenge import services

    return services.conflict_declare(
        user=regional_lead, council=_council(LEEDS), other=_council(BRADFORD), reason="Shared DCS"
    )


@pytest.mark.parametrize(
    "who",
    [
        "officer",
        "regional_lead",
        "programme_manager_region",
        "adviser",
        "national_adviser",
        "cib_admin",
    ],
)
def test_conflicts_are_listed_for_their_councils_region_and_national_staff(
    client_for, request, leeds_conflict, who
):
    page = client_for(request.getfixturevalue(who)).get(_url("conflict_list"))
    assert page.status_code == 200
    assert "Bradford and Leeds" in page.content.decode()


@pytest.mark.parametrize("who", ["other_officer", "other_regional_lead"])
def test_conflicts_of_other_regions_are_not_listed(client_for, request, leeds_conflict, who):
    page = client_for(request.getfixturevalue(who)).get(_url("conflict_list")).content.decode()
    assert "Shared DCS" not in page and "No conflicts of interest declared" in page


def test_conflicts_page_is_not_for_people_without_a_role(client_for, no_role_user):
    assert client_for(no_role_user).get(_url("conflict_list")).status_code == 404
    assert client_for(no_role_user).get(_url("conflict_declare")).status_code == 404
    for name in ("conflict_list", "conflict_declare"):
        response = client_for(None).get(_url(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_dcs_declares_a_conflict_for_their_own_council(client_for, dcs):
    from audit.models import AuditEvent
    from peerchallenge.models import DeclaredConflict

    client = client_for(dcs)
    page = client.get(_url("conflict_declare")).content.decode()
    council_select = page.split('id="id_council"')[1].split("</select>")[0]
    assert "Leeds" in council_select and "Bradford" not in council_select
    response = client.post(
        _url("conflict_declare"),
        {"council": _council(LEEDS).pk, "other": _council(WAKEFIELD).pk, "reason": "Interim DCS"},
    )
    assert response.status_code == 302
    conflict = DeclaredConflict.objects.get()
    assert {conflict.council_a.gss_code, conflict.council_b.gss_code} == {LEEDS, WAKEFIELD}
    assert conflict.declared_by == dcs
    assert AuditEvent.objects.filter(action="conflict.declare", actor=dcs).exists()
    # The same pair again, either way round, is refused with a message.
    page = client.post(
        _url("conflict_declare"),
        {"council": _council(LEEDS).pk, "other": _council(WAKEFIELD).pk, "reason": "Again"},
    ).content.decode()
    assert "is already declared" in page
    # Not for another council.
    page = client.post(
        _url("conflict_declare"),
        {"council": _council(BRADFORD).pk, "other": _council(WAKEFIELD).pk, "reason": "No"},
    ).content.decode()
    assert "Select a valid choice" in page
    assert DeclaredConflict.objects.count() == 1


def test_a_regional_lead_declares_for_councils_of_the_region(client_for, regional_lead):
    from peerchallenge.models import DeclaredConflict

    client = client_for(regional_lead)
    response = client.post(
        _url("conflict_declare"),
        {"council": _council(BRADFORD).pk, "other": _council(MANCHESTER).pk, "reason": "Peer"},
    )
    assert response.status_code == 302
    page = client.post(
        _url("conflict_declare"),
        {"council": _council(MANCHESTER).pk, "other": _council(LEEDS).pk, "reason": "No"},
    ).content.decode()
    assert "Select a valid choice" in page
    page = client.post(
        _url("conflict_declare"), {"council": _council(BRADFORD).pk, "other": _council(LEEDS).pk}
    ).content.decode()
    assert "Give the reason for the conflict of interest" in page
    assert DeclaredConflict.objects.count() == 1


@pytest.mark.parametrize("who", ["officer", "adviser", "national_adviser", "cib_admin"])
def test_people_who_may_not_declare_find_no_form(client_for, request, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(_url("conflict_declare")).status_code == 404
    assert "Declare a conflict" not in client.get(_url("conflict_list")).content.decode()


def test_the_programme_list_takes_as_many_queries_whatever_its_rows(
    client_for, draft, programme, national_adviser
):
    from peerchallenge import services
    from peerchallenge.models import Programme
    from regions.models import Region

    client = client_for(national_adviser)
    client.get("/peer-challenge/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/peer-challenge/").status_code == 200
    lead = draft.created_by
    for region in Region.objects.exclude(pk=draft.region_id)[:4]:
        made = services.programme_create(user=lead, region=region, year=2027, model="pairs")
        Programme.objects.filter(pk=made.pk).update(status="published")  # advisers see these
    with CaptureQueriesContext(connection) as many:
        response = client.get("/peer-challenge/")
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 5
    assert len(many) == len(few)
