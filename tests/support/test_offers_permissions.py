"""Who may ask for support, see a council's requests and decide them: each rule's yes, its no
and the reason it gives; and the list of requests a person sees agrees with the rule."""

from __future__ import annotations

import pytest

from regions.models import Council
from support import permissions
from support.models import SupportRequest
from support.selectors.requests import requests_for
from tests.conftest import LEEDS, MANCHESTER, NORTH_WEST, YORKSHIRE
from tests.factories import make_member
from tests.support.offers_setup import make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(reference_data):
    return {
        "officer": make_member(LEEDS, "council_officer", email="o@leeds.example"),
        "dcs": make_member(LEEDS, "dcs", email="d@leeds.example"),
        "lead_member": make_member(LEEDS, "lead_member", email="lm@leeds.example"),
        "chief_executive": make_member(LEEDS, "chief_executive", email="ce@leeds.example"),
        "regional_lead": make_member(YORKSHIRE, "regional_lead_dcs", email="rl@y.example"),
        "region_pm": make_member(YORKSHIRE, "regional_programme_manager", email="rp@y.example"),
        "pa": make_member(YORKSHIRE, "principal_adviser", email="pa@y.example"),
        "cia": make_member(YORKSHIRE, "improvement_adviser", email="cia@y.example"),
        "other_pa": make_member(NORTH_WEST, "principal_adviser", email="pa@nw.example"),
        "national_pa": make_member("national", "principal_adviser", email="npa@lga.example"),
        "pm": make_member("national", "programme_manager", email="pm@lga.example"),
        "outsider": make_member(MANCHESTER, "dcs", email="d@manchester.example"),
        "reviewer": make_member("national", "peer_reviewer", email="rev@lga.example"),
    }


def _request(people, *, confidential=False, decided_by="principal_adviser"):
    offer = make_offer(
        f"o-{confidential}-{decided_by}",
        name="An offer",
        kind="bespoke",
        confidential=confidential,
        decided_by=decided_by,
    )
    return SupportRequest.objects.create(
        council=Council.objects.get(gss_code=LEEDS),
        offer=offer,
        requested_by=people["dcs"],
        need="Help.",
    )


ASKERS = {"officer", "dcs", "lead_member", "chief_executive", "pa", "cia", "national_pa", "pm"}


def test_who_may_ask_for_a_council(people):
    leeds = Council.objects.get(gss_code=LEEDS)
    for who, user in people.items():
        decision = permissions.can_request_for(user, leeds)
        assert bool(decision) is (who in ASKERS), who
        if not decision:
            assert "lead member or officers" in decision.reason


@pytest.mark.parametrize("confidential", [False, True])
def test_who_sees_a_councils_requests_and_the_list_agrees(people, confidential):
    request = _request(people, confidential=confidential)
    if confidential:
        expected = {"dcs", "lead_member", "chief_executive", "pa", "cia", "national_pa", "pm"}
    else:
        expected = {"officer", "dcs", "lead_member", "chief_executive", "regional_lead", "pa"}
        expected |= {"cia", "national_pa", "pm"}
    for who, user in people.items():
        allowed = bool(permissions.can_view_request(user, request))
        listed = requests_for(user).filter(pk=request.pk).exists()
        assert allowed is (who in expected), who
        assert listed is allowed, who


def test_who_decides(people):
    regional = _request(people)
    national = _request(people, decided_by="programme_manager")
    deciders = {"pa", "national_pa", "pm"}
    for who, user in people.items():
        decision = permissions.can_decide(user, regional)
        assert bool(decision) is (who in deciders), who
        if not decision:
            assert "principal adviser" in decision.reason
    for who, user in people.items():
        decision = permissions.can_decide(user, national)
        assert bool(decision) is (who == "pm"), who
        if who != "pm":
            assert decision.reason == permissions.NOT_THE_DECIDER_PM


def test_who_closes_and_cancels(people):
    request = _request(people)
    may = {"officer", "dcs", "lead_member", "chief_executive", "pa", "national_pa", "pm"}
    for who, user in people.items():
        assert bool(permissions.can_close(user, request)) is (who in may), who
        assert bool(permissions.can_cancel(user, request)) is (who in may), who


def test_who_sees_the_requests_waiting(people):
    advisers = {"pa", "cia", "other_pa", "national_pa", "pm"}  # not peer reviewers
    for who, user in people.items():
        decision = permissions.can_view_waiting(user)
        assert bool(decision) is (who in advisers), who
