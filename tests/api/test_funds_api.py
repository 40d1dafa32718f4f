"""The devolved funds API: agreements (create, list, read, budget), spend requests (raise,
submit, approve, reject, withdraw) and quarterly returns (read, draft, sign off, submit, accept,
send back), each for the owner (Yorkshire's
programme manager), permitted roles (its leads, its adviser, the CIB administrator), outsiders
(North West's lead and programme manager, a Leeds officer) and anonymous callers."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from funds.models import Allocation, FundingAgreement, QuarterlyReturn, SpendRequest
from regions.models import Organisation
from tests.conftest import NORTH_WEST, YORKSHIRE
from tests.factories import MembershipFactory, make_member

# The funds fixtures (Yorkshire's 2027-28 agreement, `programme_manager`, `second_lead`,
# `submitted`) live with the funds tests; a star import makes pytest find them here.
from tests.funds.conftest import *  # noqa: F403
from tests.funds.conftest import ALLOCATIONS, THRESHOLD

pytestmark = pytest.mark.django_db

AGREEMENTS = "/api/v1/agreements/"
REQUESTS = "/api/v1/spend-requests/"
RETURNS = "/api/v1/returns/"


def api_as(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def fields_of(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def other_programme_manager(reference_data):
    return make_member(NORTH_WEST, "regional_programme_manager", email="pm@northwest.example")


@pytest.fixture
def pm_and_lead(reference_data):
    """Yorkshire's programme manager who is also one of its leads: may raise and approve, but
    never approve their own request."""
    from cib_portal import access

    user = make_member(YORKSHIRE, "regional_programme_manager", email="both@yorkshire.example")
    MembershipFactory(
        user=user, organisation=Organisation.objects.get(code=YORKSHIRE), role="regional_lead_dcs"
    )
    access.forget_grants(user)
    return user


def new_agreement(user, **body):
    payload = {
        "region": YORKSHIRE,
        "financial_year": "2028-29",
        "allocations": {"project_management": 5_000_000, "early_support": 250_000},
        "terms": "Deliver the programme.",
        "second_approval_threshold_pence": 500_000,
        **body,
    }
    return api_as(user).post(AGREEMENTS, payload, format="json")


def raise_request(user, agreement_id, **body):
    payload = {
        "agreement": agreement_id,
        "purpose": "early_support",
        "amount_pence": 250_000,
        "description": "Early support for two councils",
        "supplier": "Acme Support Ltd",
        **body,
    }
    return api_as(user).post(REQUESTS, payload, format="json")


def act(user, request_id: int, verb: str, body: dict | None = None):
    return api_as(user).post(f"{REQUESTS}{request_id}/{verb}/", body or {}, format="json")


# --- Agreements: create ----------------------------------------------------------------------


def test_the_cib_administrator_records_an_agreement(cib_admin):
    response = new_agreement(cib_admin)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["region"] == YORKSHIRE and body["financial_year"] == "2028-29"
    assert body["starts_on"] == "2028-04-01" and body["ends_on"] == "2029-03-31"
    assert body["second_approval_threshold_pence"] == 500_000
    assert body["allocations"] == {
        "early_support": 250_000,
        "peer_challenge_programme": 0,
        "peer_challenger_training": 0,
        "project_management": 5_000_000,
    }
    agreement = FundingAgreement.objects.get(pk=body["id"])
    assert agreement.financial_year == 2028
    assert QuarterlyReturn.objects.filter(agreement=agreement).count() == 4
    assert AuditEvent.objects.filter(action="funds.agreement_create").exists()


@pytest.mark.parametrize(
    "who",
    ["regional_lead", "programme_manager", "adviser", "national_adviser", "officer"],
)
def test_only_the_cib_administrator_records_agreements(who, request):
    response = new_agreement(request.getfixturevalue(who))
    assert response.status_code == 403
    assert not FundingAgreement.objects.filter(financial_year=2028).exists()


def test_recording_an_agreement_refuses_anonymous(reference_data):
    assert new_agreement(None).status_code in (401, 403)
    assert not FundingAgreement.objects.exists()


@pytest.mark.parametrize("year", ["2028-30", "2028", "28-29", "2028/29", "", 2028, None])
def test_the_financial_year_is_yyyy_yy_with_consecutive_years(year, cib_admin):
    assert "financial_year" in fields_of(new_agreement(cib_admin, financial_year=year))
    assert not FundingAgreement.objects.exists()


@pytest.mark.parametrize("amount", [1.5, 100.0, "500", -1, True, None])
def test_allocations_are_whole_pence_named_by_purpose(amount, cib_admin):
    errors = fields_of(new_agreement(cib_admin, allocations={"early_support": amount}))
    assert "early_support" in errors["allocations"]
    assert not FundingAgreement.objects.exists()


def test_an_unknown_purpose_is_named(cib_admin):
    errors = fields_of(new_agreement(cib_admin, allocations={"parties": 100}))
    assert "parties" in errors["allocations"]


def test_the_threshold_is_whole_pence(cib_admin):
    assert "second_approval_threshold_pence" in fields_of(
        new_agreement(cib_admin, second_approval_threshold_pence=5000.5)
    )
    assert "second_approval_threshold_pence" in fields_of(
        new_agreement(cib_admin, second_approval_threshold_pence=-1)
    )


def test_an_unknown_region_is_refused(cib_admin):
    assert "region" in fields_of(new_agreement(cib_admin, region="E99999999"))


def test_a_second_agreement_for_the_same_year_is_refused(agreement, cib_admin):
    errors = fields_of(new_agreement(cib_admin, financial_year="2027-28"))
    assert "already has an agreement" in errors["financial_year"][0]
    assert FundingAgreement.objects.filter(financial_year=2027).count() == 1


# --- Agreements: read ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who",
    [
        "programme_manager",
        "regional_lead",
        "second_lead",
        "adviser",
        "national_adviser",
        "cib_admin",
    ],
)
def test_the_region_and_national_staff_see_the_agreement(who, agreement, request):
    client = api_as(request.getfixturevalue(who))
    assert [a["id"] for a in results(client.get(AGREEMENTS))] == [agreement.pk]
    response = client.get(f"{AGREEMENTS}{agreement.pk}/")
    assert response.status_code == 200
    assert response.json()["allocations"] == ALLOCATIONS
    assert response.json()["financial_year"] == "2027-28"


@pytest.mark.parametrize("who", ["other_regional_lead", "other_programme_manager", "officer"])
def test_outsiders_do_not_see_the_agreement(who, agreement, request):
    client = api_as(request.getfixturevalue(who))
    assert results(client.get(AGREEMENTS)) == []
    assert client.get(f"{AGREEMENTS}{agreement.pk}/").status_code == 404
    assert client.get(f"{AGREEMENTS}{agreement.pk}/budget/").status_code == 404


def test_agreements_refuse_anonymous(agreement):
    client = api_as(None)
    assert client.get(AGREEMENTS).status_code in (401, 403)
    assert client.get(f"{AGREEMENTS}{agreement.pk}/").status_code in (401, 403)
    assert client.get(f"{AGREEMENTS}{agreement.pk}/budget/").status_code in (401, 403)


def test_agreements_filter_by_region_and_year(agreement, cib_admin):
    client = api_as(cib_admin)
    assert len(results(client.get(AGREEMENTS, {"financial_year": "2027-28"}))) == 1
    assert results(client.get(AGREEMENTS, {"financial_year": "2026-27"})) == []
    assert results(client.get(AGREEMENTS, {"region": NORTH_WEST})) == []
    assert "financial_year" in fields_of(client.get(AGREEMENTS, {"financial_year": "2027"}))


# --- The budget ------------------------------------------------------------------------------


def test_the_budget_is_in_pence_per_purpose(agreement, submitted, regional_lead, adviser):
    request = submitted(300_000, purpose="early_support")
    assert act(regional_lead, request.pk, "approve").status_code == 200
    Allocation.objects.filter(agreement=agreement, purpose="early_support").update(
        paid_pence=100_000
    )
    response = api_as(adviser).get(f"{AGREEMENTS}{agreement.pk}/budget/")
    assert response.status_code == 200
    body = response.json()
    assert body["agreement"] == agreement.pk and body["region"] == YORKSHIRE
    assert body["financial_year"] == "2027-28"
    assert body["purposes"]["early_support"] == {
        "allocated": 1_000_000,
        "approved": 300_000,
        "paid": 100_000,
        "remaining": 700_000,
    }
    assert body["purposes"]["project_management"] == {
        "allocated": 5_000_000,
        "approved": 0,
        "paid": 0,
        "remaining": 5_000_000,
    }
    assert body["total"] == {
        "allocated": sum(ALLOCATIONS.values()),
        "approved": 300_000,
        "paid": 100_000,
        "remaining": sum(ALLOCATIONS.values()) - 300_000,
    }
    assert all(isinstance(v, int) for line in body["purposes"].values() for v in line.values())


# --- Spend requests: raise -------------------------------------------------------------------


def test_the_programme_manager_raises_a_draft(agreement, programme_manager):
    response = raise_request(programme_manager, agreement.pk)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["amount_pence"] == 250_000
    assert body["purpose"] == "early_support" and body["agreement"] == agreement.pk
    assert body["approvals"] == {"count": 0, "needed": 1, "by": []}
    assert SpendRequest.objects.get(pk=body["id"]).raised_by == programme_manager


@pytest.mark.parametrize("who", ["regional_lead", "adviser", "cib_admin"])
def test_who_sees_the_agreement_but_is_not_its_programme_manager_gets_403(who, agreement, request):
    assert raise_request(request.getfixturevalue(who), agreement.pk).status_code == 403
    assert not SpendRequest.objects.exists()


@pytest.mark.parametrize("who", ["other_regional_lead", "other_programme_manager", "officer"])
def test_outsiders_raising_spend_get_404(who, agreement, request):
    assert raise_request(request.getfixturevalue(who), agreement.pk).status_code == 404
    assert not SpendRequest.objects.exists()


def test_raising_spend_refuses_anonymous(agreement):
    assert raise_request(None, agreement.pk).status_code in (401, 403)


def test_raising_spend_on_no_agreement_is_404(agreement, programme_manager):
    assert raise_request(programme_manager, agreement.pk + 1000).status_code == 404


@pytest.mark.parametrize(
    "field, value",
    [
        ("amount_pence", 0),
        ("amount_pence", -5),
        ("amount_pence", 12.5),
        ("amount_pence", "250000"),
        ("purpose", "parties"),
        ("description", ""),
        ("agreement", "one"),
    ],
)
def test_bad_spend_fields_are_named(field, value, agreement, programme_manager):
    response = raise_request(programme_manager, agreement.pk, **{field: value})
    assert field in fields_of(response)
    assert not SpendRequest.objects.exists()


# --- Spend requests: the approval flow --------------------------------------------------------


def test_raise_submit_approve_through_the_api(agreement, programme_manager, regional_lead):
    created = raise_request(programme_manager, agreement.pk).json()
    submitted_ = act(programme_manager, created["id"], "submit")
    assert submitted_.status_code == 200 and submitted_.json()["status"] == "submitted"
    approved = act(regional_lead, created["id"], "approve")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    assert approved.json()["approvals"]["count"] == 1
    allocation = Allocation.objects.get(agreement=agreement, purpose="early_support")
    assert allocation.approved_pence == 250_000


def test_above_the_threshold_two_different_leads_approve(
    agreement, submitted, regional_lead, second_lead
):
    request = submitted(THRESHOLD + 1, purpose="project_management")
    first = act(regional_lead, request.pk, "approve")
    assert first.status_code == 200
    assert first.json()["status"] == "submitted"
    assert first.json()["approvals"]["count"] == 1 and first.json()["approvals"]["needed"] == 2
    again = act(regional_lead, request.pk, "approve")
    assert again.status_code == 409 and "already approved" in again.json()["detail"]
    allocation = Allocation.objects.get(agreement=agreement, purpose="project_management")
    assert allocation.approved_pence == 0
    second = act(second_lead, request.pk, "approve")
    assert second.status_code == 200 and second.json()["status"] == "approved"
    assert second.json()["approvals"]["count"] == 2
    allocation.refresh_from_db()
    assert allocation.approved_pence == THRESHOLD + 1


def test_a_lead_cannot_approve_their_own_request(agreement, pm_and_lead):
    created = raise_request(pm_and_lead, agreement.pk).json()
    assert act(pm_and_lead, created["id"], "submit").status_code == 200
    response = act(pm_and_lead, created["id"], "approve")
    assert response.status_code == 409
    assert "You raised this request" in response.json()["detail"]
    assert SpendRequest.objects.get(pk=created["id"]).status == "submitted"


def test_an_approval_that_would_overspend_is_409(agreement, submitted, regional_lead, second_lead):
    first = submitted(THRESHOLD, purpose="early_support")  # £5,000 of £10,000
    assert act(regional_lead, first.pk, "approve").json()["status"] == "approved"
    second = submitted(THRESHOLD, purpose="early_support")
    assert act(regional_lead, second.pk, "approve").json()["status"] == "approved"
    third = submitted(1, purpose="early_support")
    response = act(second_lead, third.pk, "approve")
    assert response.status_code == 409
    assert "overspend" in response.json()["detail"]
    assert SpendRequest.objects.get(pk=third.pk).status == "submitted"
    allocation = Allocation.objects.get(agreement=agreement, purpose="early_support")
    assert allocation.approved_pence == 2 * THRESHOLD


@pytest.mark.parametrize("who", ["programme_manager", "adviser", "cib_admin"])
def test_who_sees_but_is_not_a_lead_cannot_decide(who, submitted, request):
    spend = submitted(1000)
    user = request.getfixturevalue(who)
    assert act(user, spend.pk, "approve").status_code == 403
    assert act(user, spend.pk, "reject", {"reason": "No"}).status_code == 403
    assert SpendRequest.objects.get(pk=spend.pk).status == "submitted"


@pytest.mark.parametrize("who", ["other_regional_lead", "other_programme_manager", "officer"])
def test_outsiders_cannot_find_a_request(who, submitted, request):
    spend = submitted(1000)
    user = request.getfixturevalue(who)
    for verb in ("approve", "reject", "submit", "withdraw"):
        assert act(user, spend.pk, verb, {"reason": "No"}).status_code == 404, verb
    assert api_as(user).get(f"{REQUESTS}{spend.pk}/").status_code == 404
    assert results(api_as(user).get(REQUESTS)) == []
    assert SpendRequest.objects.get(pk=spend.pk).status == "submitted"


def test_spend_actions_refuse_anonymous(submitted):
    spend = submitted(1000)
    for verb in ("approve", "reject", "submit", "withdraw"):
        assert act(None, spend.pk, verb).status_code in (401, 403), verb
    assert api_as(None).get(REQUESTS).status_code in (401, 403)
    assert api_as(None).get(f"{REQUESTS}{spend.pk}/").status_code in (401, 403)


def test_a_rejection_needs_a_reason(submitted, regional_lead):
    spend = submitted(1000)
    assert "reason" in fields_of(act(regional_lead, spend.pk, "reject", {}))
    response = act(regional_lead, spend.pk, "reject", {"reason": "Not in the plan"})
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert response.json()["rejection_reason"] == "Not in the plan"
    again = act(regional_lead, spend.pk, "approve")
    assert again.status_code == 409 and "rejected" in again.json()["detail"]


def test_the_programme_manager_withdraws_before_approval(
    submitted, programme_manager, regional_lead
):
    spend = submitted(1000)
    assert act(regional_lead, spend.pk, "withdraw").status_code == 403
    response = act(programme_manager, spend.pk, "withdraw")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert act(programme_manager, spend.pk, "withdraw").status_code == 409
    assert act(programme_manager, spend.pk, "submit").status_code == 409


def test_an_approved_request_cannot_be_withdrawn(submitted, programme_manager, regional_lead):
    spend = submitted(1000)
    act(regional_lead, spend.pk, "approve")
    response = act(programme_manager, spend.pk, "withdraw")
    assert response.status_code == 409
    assert SpendRequest.objects.get(pk=spend.pk).status == "approved"


# --- Spend requests: read --------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["programme_manager", "regional_lead", "adviser", "national_adviser", "cib_admin"]
)
def test_the_region_and_national_staff_see_requests(who, submitted, request):
    spend = submitted(1000)
    client = api_as(request.getfixturevalue(who))
    assert [r["id"] for r in results(client.get(REQUESTS))] == [spend.pk]
    detail = client.get(f"{REQUESTS}{spend.pk}/")
    assert detail.status_code == 200
    assert detail.json()["supplier"] == "Acme Training Ltd"


def test_requests_filter_by_status_purpose_and_agreement(
    agreement, submitted, programme_manager, regional_lead
):
    small = submitted(1000, purpose="early_support")
    other = submitted(2000, purpose="project_management")
    act(regional_lead, small.pk, "approve")
    client = api_as(programme_manager)
    assert [r["id"] for r in results(client.get(REQUESTS, {"status": "approved"}))] == [small.pk]
    purpose = {"purpose": "project_management"}
    assert [r["id"] for r in results(client.get(REQUESTS, purpose))] == [other.pk]
    assert len(results(client.get(REQUESTS, {"agreement": agreement.pk}))) == 2
    assert results(client.get(REQUESTS, {"agreement": agreement.pk + 1000})) == []
    assert "status" in fields_of(client.get(REQUESTS, {"status": "spent"}))
    assert "purpose" in fields_of(client.get(REQUESTS, {"purpose": "parties"}))
    assert "agreement" in fields_of(client.get(REQUESTS, {"agreement": "x"}))


def test_the_request_list_makes_the_same_queries_for_more_rows(
    submitted, programme_manager, regional_lead, second_lead
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(programme_manager)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(REQUESTS).status_code == 200
        return len(ctx.captured_queries)

    act(regional_lead, submitted(1000).pk, "approve")
    client.get(REQUESTS)  # the user's grants are cached from here
    few = count()
    for _ in range(4):
        big = submitted(THRESHOLD + 1, purpose="project_management")
        act(regional_lead, big.pk, "approve")
        act(second_lead, big.pk, "approve")
    assert len(results(client.get(REQUESTS))) == 5
    assert count() == few


# --- Quarterly returns -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["programme_manager", "regional_lead", "adviser", "national_adviser", "cib_admin"]
)
def test_the_region_and_national_staff_see_returns(who, agreement, request):
    client = api_as(request.getfixturevalue(who))
    listed = results(client.get(RETURNS))
    assert [r["quarter"] for r in listed] == [1, 2, 3, 4]
    assert {r["status"] for r in listed} == {"draft"}
    first = client.get(f"{RETURNS}{listed[0]['id']}/")
    assert first.status_code == 200
    body = first.json()
    assert body["financial_year"] == "2027-28" and body["due_on"] == "2027-07-31"
    assert {"narrative", "outcomes", "figures", "review_comments"} <= set(body)
    assert body["figures_frozen"] is False  # live figures while with the region
    assert body["figures"]["total"]["allocated"] == sum(ALLOCATIONS.values())


@pytest.mark.parametrize("who", ["other_regional_lead", "other_programme_manager", "officer"])
def test_outsiders_do_not_see_returns(who, agreement, request):
    client = api_as(request.getfixturevalue(who))
    assert results(client.get(RETURNS)) == []
    one = QuarterlyReturn.objects.filter(agreement=agreement).first()
    assert client.get(f"{RETURNS}{one.pk}/").status_code == 404


def test_returns_refuse_anonymous(agreement):
    one = QuarterlyReturn.objects.filter(agreement=agreement).first()
    assert api_as(None).get(RETURNS).status_code in (401, 403)
    assert api_as(None).get(f"{RETURNS}{one.pk}/").status_code in (401, 403)


def test_returns_filter_by_quarter_status_and_agreement(agreement, programme_manager):
    client = api_as(programme_manager)
    assert [r["quarter"] for r in results(client.get(RETURNS, {"quarter": 3}))] == [3]
    assert results(client.get(RETURNS, {"status": "accepted"})) == []
    assert len(results(client.get(RETURNS, {"agreement": agreement.pk}))) == 4
    assert "quarter" in fields_of(client.get(RETURNS, {"quarter": 5}))
    assert "status" in fields_of(client.get(RETURNS, {"status": "lost"}))


@pytest.fixture
def past_agreement(reference_data, cib_admin):
    """Yorkshire's 2025-26 agreement: its first quarter has ended, so returns can be
    submitted."""
    from funds.services import agreement_create
    from regions.models import Region

    return agreement_create(
        user=cib_admin,
        region=Region.objects.get(gss_code=YORKSHIRE),
        financial_year=2025,
        allocations=ALLOCATIONS,
        second_approval_threshold_pence=THRESHOLD,
    )


def first_return(agreement) -> QuarterlyReturn:
    return QuarterlyReturn.objects.get(agreement=agreement, quarter=1)


def step(user, return_id: int, verb: str, body: dict | None = None):
    return api_as(user).post(f"{RETURNS}{return_id}/{verb}/", body or {}, format="json")


def patch(user, return_id: int, body: dict):
    return api_as(user).patch(f"{RETURNS}{return_id}/", body, format="json")


def test_the_programme_manager_writes_the_narrative(agreement, programme_manager):
    ret = first_return(agreement)
    response = patch(programme_manager, ret.pk, {"narrative": "A good quarter."})
    assert response.status_code == 200, response.content
    assert response.json()["narrative"] == "A good quarter."
    response = patch(programme_manager, ret.pk, {"outcomes": "Twelve councils challenged."})
    assert response.json()["narrative"] == "A good quarter."  # kept
    ret.refresh_from_db()
    assert ret.outcomes == "Twelve councils challenged." and ret.drafted_by == programme_manager


@pytest.mark.parametrize("who", ["regional_lead", "adviser", "cib_admin"])
def test_who_sees_a_return_but_does_not_draft_it_gets_403(who, agreement, request):
    ret = first_return(agreement)
    assert patch(request.getfixturevalue(who), ret.pk, {"narrative": "Mine"}).status_code == 403
    ret.refresh_from_db()
    assert ret.narrative == ""


def test_return_steps_are_for_their_roles(past_agreement, programme_manager, regional_lead):
    ret = first_return(past_agreement)
    patch(programme_manager, ret.pk, {"narrative": "Done."})
    assert step(programme_manager, ret.pk, "sign-off").status_code == 403
    assert step(regional_lead, ret.pk, "accept").status_code == 403
    assert step(regional_lead, ret.pk, "send-back", {"comments": "No"}).status_code == 403
    ret.refresh_from_db()
    assert ret.status == "draft"


@pytest.mark.parametrize("who", ["other_regional_lead", "other_programme_manager", "officer"])
def test_outsiders_cannot_find_a_return_to_change(who, past_agreement, request):
    ret = first_return(past_agreement)
    user = request.getfixturevalue(who)
    assert patch(user, ret.pk, {"narrative": "Mine"}).status_code == 404
    for verb in ("sign-off", "submit", "accept", "send-back"):
        assert step(user, ret.pk, verb, {"comments": "x"}).status_code == 404, verb
    ret.refresh_from_db()
    assert ret.status == "draft" and ret.narrative == ""


def test_return_steps_refuse_anonymous(past_agreement):
    ret = first_return(past_agreement)
    assert patch(None, ret.pk, {"narrative": "x"}).status_code in (401, 403)
    for verb in ("sign-off", "submit", "accept", "send-back"):
        assert step(None, ret.pk, verb).status_code in (401, 403), verb


def test_a_return_needs_a_narrative_to_be_signed_off(agreement, regional_lead):
    response = step(regional_lead, first_return(agreement).pk, "sign-off")
    assert response.status_code == 409 and "narrative" in response.json()["detail"]


def test_a_return_is_not_submitted_before_its_quarter_ends(
    agreement, programme_manager, regional_lead
):
    ret = first_return(agreement)  # 2027-28: the quarter is still to come
    patch(programme_manager, ret.pk, {"narrative": "Planned."})
    assert step(regional_lead, ret.pk, "sign-off").json()["status"] == "signed_off"
    response = step(programme_manager, ret.pk, "submit")
    assert response.status_code == 409 and "quarter ends" in response.json()["detail"]


def test_a_return_through_its_life_cycle(
    past_agreement, programme_manager, regional_lead, cib_admin
):
    from funds.services import (
        spend_request_approve,
        spend_request_create,
        spend_request_submit,
    )

    spend = spend_request_create(
        user=programme_manager,
        agreement=past_agreement,
        purpose="early_support",
        amount_pence=123_456,
        description="Support",
    )
    spend_request_submit(user=programme_manager, request=spend)
    spend_request_approve(user=regional_lead, request=spend)  # under the threshold: one lead
    SpendRequest.objects.filter(pk=spend.pk).update(approved_at="2025-05-10T12:00:00Z")
    ret = first_return(past_agreement)

    patch(programme_manager, ret.pk, {"narrative": "Early support began.", "outcomes": "Two."})
    assert step(regional_lead, ret.pk, "sign-off").json()["status"] == "signed_off"
    submitted_ = step(programme_manager, ret.pk, "submit")
    assert submitted_.status_code == 200, submitted_.content
    body = submitted_.json()
    assert body["status"] == "submitted" and body["figures_frozen"] is True
    early = next(p for p in body["figures"]["purposes"] if p["purpose"] == "early_support")
    assert early["approved_in_quarter"] == 123_456 and early["allocated"] == 1_000_000
    assert body["figures"]["total"]["approved_to_date"] == 123_456

    assert "comments" in fields_of(step(cib_admin, ret.pk, "send-back", {}))
    back = step(cib_admin, ret.pk, "send-back", {"comments": "Say more about outcomes."})
    assert back.status_code == 200 and back.json()["status"] == "returned"
    assert back.json()["review_comments"] == "Say more about outcomes."
    assert step(cib_admin, ret.pk, "accept").status_code == 409  # not submitted now

    patch(programme_manager, ret.pk, {"outcomes": "Two councils supported."})
    step(regional_lead, ret.pk, "sign-off")
    step(regional_lead, ret.pk, "submit")
    accepted = step(cib_admin, ret.pk, "accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert patch(programme_manager, ret.pk, {"narrative": "Changed"}).status_code == 409
    ret.refresh_from_db()
    assert ret.status == "accepted" and ret.narrative == "Early support began."


# --- The schema ------------------------------------------------------------------------------


def test_schema_documents_the_funds_endpoints(officer):
    schema = api_as(officer).get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    expected = {
        "/api/v1/agreements/": {"get", "post"},
        "/api/v1/agreements/{id}/": {"get"},
        "/api/v1/agreements/{id}/budget/": {"get"},
        "/api/v1/spend-requests/": {"get", "post"},
        "/api/v1/spend-requests/{id}/": {"get"},
        "/api/v1/spend-requests/{id}/submit/": {"post"},
        "/api/v1/spend-requests/{id}/approve/": {"post"},
        "/api/v1/spend-requests/{id}/reject/": {"post"},
        "/api/v1/spend-requests/{id}/withdraw/": {"post"},
        "/api/v1/returns/": {"get"},
        "/api/v1/returns/{id}/": {"get", "patch"},
        "/api/v1/returns/{id}/sign-off/": {"post"},
        "/api/v1/returns/{id}/submit/": {"post"},
        "/api/v1/returns/{id}/accept/": {"post"},
        "/api/v1/returns/{id}/send-back/": {"post"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), path
    assert "409" in paths["/api/v1/spend-requests/{id}/approve/"]["post"]["responses"]
    components = schema["components"]["schemas"]
    assert "signed_off" in components["FundsReturnStatusEnum"]["enum"]
    assert components["SpendStatusEnum"]["enum"] == [
        "draft",
        "submitted",
        "approved",
        "rejected",
        "paid",
        "withdrawn",
    ]
    assert "early_support" in components["FundsPurposeEnum"]["enum"]
    create = components["AgreementCreate"]
    assert {"region", "financial_year", "allocations"} <= set(create["required"])
    assert create["properties"]["allocations"]["additionalProperties"]["type"] == "integer"
    line = components["BudgetLine"]["properties"]
    assert {line[k]["type"] for k in ("allocated", "approved", "paid", "remaining")} == {"integer"}
