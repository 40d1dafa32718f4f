"""Who may see and change a region's devolved funds (funds.permissions): each rule with those it
allows, those it refuses and the reason it gives; and the navigation offering Funds by the
rule the funds pages open by."""

from __future__ import annotations

import pytest

from cib_portal import access, navigation
from funds import permissions
from tests.conftest import YORKSHIRE

pytestmark = pytest.mark.django_db


@pytest.fixture
def yorkshire(reference_data):
    from regions.models import Region

    return Region.objects.get(gss_code=YORKSHIRE)


def _allowed(rule, users, *args):
    return {name: bool(rule(user, *args)) for name, user in users.items()}


@pytest.fixture
def people(
    programme_manager,
    regional_lead,
    second_lead,
    adviser,
    national_adviser,
    cib_admin,
    other_regional_lead,
    officer,
):
    return {
        "programme_manager": programme_manager,
        "regional_lead": regional_lead,
        "second_lead": second_lead,
        "adviser": adviser,
        "national_adviser": national_adviser,
        "cib_admin": cib_admin,
        "other_regional_lead": other_regional_lead,
        "officer": officer,
    }


def test_a_region_s_funds_are_seen_by_its_people_advisers_and_national_funds_staff(
    people, yorkshire
):
    assert _allowed(permissions.can_view_funds, people, yorkshire.pk) == {
        "programme_manager": True,
        "regional_lead": True,
        "second_lead": True,
        "adviser": True,
        "national_adviser": True,
        "cib_admin": True,
        "other_regional_lead": False,
        "officer": False,
    }
    refusal = permissions.can_view_funds(people["officer"], yorkshire.pk)
    assert isinstance(refusal, access.Decision)
    assert "programme manager" in refusal.reason


def test_every_region_s_funds_are_for_the_cib_administrator_and_national_advisers(people):
    assert {n for n, ok in _allowed(permissions.can_view_national_funds, people).items() if ok} == {
        "national_adviser",
        "cib_admin",
    }
    assert permissions.funds_region_ids(people["cib_admin"]) is None
    assert permissions.funds_region_ids(people["officer"]) == frozenset()
    assert len(permissions.funds_region_ids(people["programme_manager"])) == 1


def test_spend_is_raised_by_the_programme_manager_and_decided_by_the_leads(people, yorkshire):
    raisers = _allowed(permissions.can_raise_spend, people, yorkshire.pk)
    assert {n for n, ok in raisers.items() if ok} == {"programme_manager"}
    leads = _allowed(permissions.can_approve_spend, people, yorkshire.pk)
    assert {n for n, ok in leads.items() if ok} == {"regional_lead", "second_lead"}
    assert permissions.can_raise_spend(people["regional_lead"], yorkshire.pk).reason == (
        permissions.ONLY_RAISER
    )
    assert permissions.can_approve_spend(people["programme_manager"], yorkshire.pk).reason == (
        permissions.ONLY_LEAD
    )


def test_agreements_are_the_cib_administrator_s(people):
    managers = _allowed(permissions.can_manage_agreements, people)
    assert {n for n, ok in managers.items() if ok} == {"cib_admin"}
    assert permissions.can_manage_agreements(people["national_adviser"]).reason == (
        permissions.ONLY_ADMIN
    )


def test_each_step_of_a_return_has_its_people_and_its_reason(people, agreement):
    ret = agreement.returns.get(quarter=1)
    steps = {
        permissions.can_edit_return: {"programme_manager"},
        permissions.can_sign_off_return: {"regional_lead", "second_lead"},
        permissions.can_submit_return: {"programme_manager", "regional_lead", "second_lead"},
        permissions.can_review_return: {"cib_admin"},
    }
    for rule, allowed in steps.items():
        answers = _allowed(rule, people, ret)
        assert {n for n, ok in answers.items() if ok} == allowed, rule.__name__
        refused = next(people[n] for n in people if n not in allowed)
        assert rule(refused, ret).reason.startswith("Only "), rule.__name__


@pytest.mark.parametrize(
    "who, offered",
    [
        ("programme_manager", True),
        ("regional_lead", True),
        ("adviser", True),
        ("national_adviser", True),
        ("cib_admin", True),
        ("officer", False),
    ],
)
def test_the_navigation_offers_funds_to_those_who_see_some(people, who, offered):
    assert bool(permissions.may_see_any_funds(people[who])) is offered
    assert navigation.offers(people[who])["nav_can_see_funds"] is offered
