"""Spend approval rules, exact money, and approvals at the same moment never overspending."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum

from audit.models import AuditEvent
from funds.models import Allocation, SpendApproval, SpendRequest
from funds.services import (
    FundsError,
    budget,
    budget_total,
    pounds,
    spend_request_approve,
    spend_request_create,
    spend_request_mark_paid,
    spend_request_reject,
    spend_request_submit,
    spend_request_withdraw,
)
from tests.conftest import YORKSHIRE
from tests.factories import make_member

from .conftest import ALLOCATIONS, THRESHOLD

pytestmark = pytest.mark.django_db


def _allocation(agreement, purpose="early_support") -> Allocation:
    return agreement.allocations.get(purpose=purpose)


def test_one_lead_approves_below_the_threshold(submitted, regional_lead, agreement):
    request = spend_request_approve(user=regional_lead, request=submitted(THRESHOLD))
    assert request.status == "approved"
    assert _allocation(agreement).approved_pence == THRESHOLD
    event = AuditEvent.objects.filter(action="funds.spend_approve").get()
    assert event.actor == regional_lead
    assert event.before["status"] == "submitted" and event.after["status"] == "approved"


def test_above_the_threshold_needs_a_second_different_lead(
    submitted, regional_lead, second_lead, agreement
):
    request = submitted(THRESHOLD + 1)
    request = spend_request_approve(user=regional_lead, request=request)
    assert request.status == "submitted"  # one of two
    assert _allocation(agreement).approved_pence == 0
    with pytest.raises(FundsError, match="already approved"):
        spend_request_approve(user=regional_lead, request=request)
    request = spend_request_approve(user=second_lead, request=request)
    assert request.status == "approved"
    assert _allocation(agreement).approved_pence == THRESHOLD + 1
    assert request.approvals.count() == 2


def test_nobody_approves_their_own_request(agreement, regional_lead):
    # Someone who is both the programme manager and a lead raises a request.
    both = make_member(YORKSHIRE, "regional_programme_manager", email="both@yorkshire.example")
    make_member(YORKSHIRE, "regional_lead_chief_executive", email="both@yorkshire.example")
    request = spend_request_create(
        user=both, agreement=agreement, purpose="early_support", amount_pence=100, description="x"
    )
    request = spend_request_submit(user=both, request=request)
    with pytest.raises(FundsError, match="You raised this request"):
        spend_request_approve(user=both, request=request)
    with pytest.raises(FundsError, match="You raised this request"):
        spend_request_reject(user=both, request=request, reason="No")
    # And the database refuses it even if the service were bypassed.
    with pytest.raises(IntegrityError), transaction.atomic():
        SpendApproval.objects.create(request=request, approver=both, raised_by=both)


def test_only_a_lead_of_that_region_decides(submitted, other_regional_lead, adviser, cib_admin):
    request = submitted(100)
    for user in (other_regional_lead, adviser, cib_admin):
        with pytest.raises(FundsError, match="Only a regional lead of the region"):
            spend_request_approve(user=user, request=request)
        with pytest.raises(FundsError, match="Only a regional lead of the region"):
            spend_request_reject(user=user, request=request, reason="No")
    assert SpendRequest.objects.get(pk=request.pk).status == "submitted"


def test_approval_that_would_overspend_is_refused_naming_what_remains(
    submitted, regional_lead, second_lead, agreement
):
    allocation = _allocation(agreement)
    big = spend_request_approve(user=regional_lead, request=submitted(allocation.amount_pence - 1))
    spend_request_approve(user=second_lead, request=big)
    with pytest.raises(FundsError, match=r"would overspend Early support: £0\.01 of £10,000\.00"):
        spend_request_approve(user=regional_lead, request=submitted(2))
    spend_request_approve(user=regional_lead, request=submitted(1))
    allocation.refresh_from_db()
    assert allocation.approved_pence == allocation.amount_pence
    assert allocation.remaining_pence == 0


def test_the_database_refuses_an_overspent_total_whatever_the_code(agreement):
    allocation = _allocation(agreement)
    with pytest.raises(IntegrityError, match="allocation_never_overspent"), transaction.atomic():
        Allocation.objects.filter(pk=allocation.pk).update(
            approved_pence=allocation.amount_pence + 1
        )


def test_rejection_needs_a_reason_and_withdrawal_only_before_approval(
    submitted, regional_lead, programme_manager
):
    request = submitted(100)
    with pytest.raises(FundsError, match="Give the reason"):
        spend_request_reject(user=regional_lead, request=request, reason="  ")
    request = spend_request_reject(user=regional_lead, request=request, reason="Not eligible")
    assert request.status == "rejected" and request.rejection_reason == "Not eligible"
    with pytest.raises(FundsError, match="only a submitted request can be approved"):
        spend_request_approve(user=regional_lead, request=request)

    other = submitted(100)
    assert spend_request_withdraw(user=programme_manager, request=other).status == "withdrawn"
    approved = spend_request_approve(user=regional_lead, request=submitted(100))
    with pytest.raises(FundsError, match="only a request not yet approved"):
        spend_request_withdraw(user=programme_manager, request=approved)


def test_payment_needs_evidence_and_adds_to_paid(
    submitted, regional_lead, programme_manager, agreement
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from funds.models import SpendEvidence

    request = spend_request_approve(user=regional_lead, request=submitted(12_345))
    with pytest.raises(FundsError, match="Attach the evidence"):
        spend_request_mark_paid(user=programme_manager, request=request, payment_reference="INV-1")
    SpendEvidence.objects.create(
        request=request,
        kind="payment",
        title="Invoice",
        file=SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 test"),
        content_type="application/pdf",
        size=13,
        uploaded_by=programme_manager,
    )
    request = spend_request_mark_paid(
        user=programme_manager, request=request, payment_reference="INV-1"
    )
    assert request.status == "paid"
    allocation = _allocation(agreement)
    assert (allocation.approved_pence, allocation.paid_pence) == (12_345, 12_345)


def test_money_is_exact_integer_pence(submitted, regional_lead, agreement):
    # 0.1 + 0.2 != 0.3 in floats; in pence the sums are exact.
    for amount in (10, 20, 30, 1, 99_999):
        spend_request_approve(user=regional_lead, request=submitted(amount))
    lines = {line.purpose: line for line in budget(agreement)}
    assert lines["early_support"].approved == 100_060
    assert lines["early_support"].remaining == ALLOCATIONS["early_support"] - 100_060
    assert budget_total(list(lines.values())).allocated == sum(ALLOCATIONS.values())
    assert pounds(100_060) == "£1,000.60"
    assert pounds(-5) == "-£0.05"
    with pytest.raises(FundsError, match="whole number of pence"):
        spend_request_create(
            user=regional_lead,
            agreement=agreement,
            purpose="early_support",
            amount_pence=10.5,
            description="x",
        )


@pytest.mark.django_db(transaction=True)
def test_fifty_approvals_at_the_same_moment_never_overspend(reference_data):
    """Fifty £300 requests against a £10,000 allocation (room for 33), approved by two leads
    in fifty threads released together: exactly 33 are approved, the allocation's total
    equals the sum of the approved requests, and it never exceeds the allocation."""
    from funds.services import agreement_create
    from regions.models import Region

    admin = make_member("national", "cib_admin", email="admin2@cib.example")
    pm = make_member(YORKSHIRE, "regional_programme_manager", email="pm2@yorkshire.example")
    leads = [
        make_member(YORKSHIRE, "regional_lead_dcs", email="lead-a@yorkshire.example"),
        make_member(YORKSHIRE, "regional_lead_member", email="lead-b@yorkshire.example"),
    ]
    agreement = agreement_create(
        user=admin,
        region=Region.objects.get(gss_code=YORKSHIRE),
        financial_year=2030,
        allocations={"early_support": 1_000_000},
        second_approval_threshold_pence=1_000_000,
    )
    requests = []
    for i in range(50):
        r = spend_request_create(
            user=pm,
            agreement=agreement,
            purpose="early_support",
            amount_pence=30_000,
            description=f"Request {i}",
        )
        requests.append(spend_request_submit(user=pm, request=r))

    barrier = threading.Barrier(50)
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve(i: int) -> None:
        try:
            barrier.wait()
            spend_request_approve(user=leads[i % 2], request=requests[i])
            result = "approved"
        except FundsError:
            result = "refused"
        except BaseException as exc:  # noqa: BLE001 - any other failure is reported
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(set(outcomes)) == ["approved", "refused"], outcomes
    assert outcomes.count("approved") == 33
    allocation = agreement.allocations.get(purpose="early_support")
    approved_sum = SpendRequest.objects.filter(agreement=agreement, status="approved").aggregate(
        s=Sum("amount_pence")
    )["s"]
    assert allocation.approved_pence == approved_sum == 33 * 30_000
    assert allocation.approved_pence <= allocation.amount_pence
    # Refused requests are still submitted, with no stray approvals recorded.
    assert SpendApproval.objects.filter(request__agreement=agreement).count() == 33


def test_the_audit_trail_of_money_cannot_be_edited_from_the_portal(
    submitted, regional_lead, cib_admin, client_for
):
    """Every change to money or approval state is recorded (who, when, before, after) and the
    admin, the only place that lists audit events, offers no way to change or delete one."""
    request = spend_request_approve(user=regional_lead, request=submitted(100))
    events = AuditEvent.objects.filter(object_type="funds.spendrequest", object_id=str(request.pk))
    assert [e.action for e in events.order_by("at")] == [
        "funds.spend_create",
        "funds.spend_submit",
        "funds.spend_approve",
    ]
    event = events.get(action="funds.spend_approve")
    client = client_for(cib_admin)
    change_url = f"/admin/audit/auditevent/{event.pk}/change/"
    assert client.get(change_url).status_code == 200  # shown read-only
    response = client.post(change_url, {"summary": "tampered"})
    assert response.status_code == 403
    assert (
        client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    event.refresh_from_db()
    assert event.summary != "tampered"
    assert AuditEvent.objects.filter(pk=event.pk).exists()
