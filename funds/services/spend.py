"""The spend request life cycle: a draft raised by the region's programme manager, changed,
submitted, withdrawn, approved by one or two regional leads (never the raiser), rejected,
marked paid, and its evidence.

Every change to money or approval state is one transaction and one audit event (who, when,
what before and after). Approval adds to the allocation's running total with a conditional
UPDATE: PostgreSQL locks the allocation's row, so approvals at the same moment queue, and the
second sees the first's total; the CHECK constraint `allocation_never_overspent` refuses any
total over the allocation as a last line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from audit.services import audit_record

from .. import permissions
from ..audit_actions import Action
from ..models import (
    Allocation,
    FundingAgreement,
    Purpose,
    SpendApproval,
    SpendEvidence,
    SpendRequest,
    SpendStatus,
)
from .common import FundsError, pounds

if TYPE_CHECKING:
    from accounts.models import User


# --- Spend requests --------------------------------------------------------------------------


def _snapshot(request: SpendRequest) -> dict[str, Any]:
    return {"status": request.status, "amount_pence": request.amount_pence}


@transaction.atomic
def spend_request_create(
    *,
    user: User,
    agreement: FundingAgreement,
    purpose: str,
    amount_pence: int,
    description: str,
    supplier: str = "",
) -> SpendRequest:
    """A draft request by the region's programme manager."""
    if purpose not in Purpose.values:
        raise FundsError(f"Unknown purpose: {purpose}.")
    if not isinstance(amount_pence, int) or isinstance(amount_pence, bool) or amount_pence <= 0:
        raise FundsError("The amount must be a whole number of pence, more than 0.")
    if not description.strip():
        raise FundsError("Describe what the money is for.")
    allocation = agreement.allocations.get(purpose=purpose)
    request = SpendRequest.objects.create(
        agreement=agreement,
        allocation=allocation,
        amount_pence=amount_pence,
        description=description.strip(),
        supplier=supplier.strip(),
        raised_by=user,
    )
    audit_record(
        actor=user,
        action=Action.SPEND_CREATE,
        obj=request,
        summary=f"Raised {pounds(amount_pence)} for {allocation.get_purpose_display()}",
        after=_snapshot(request),
    )
    return request


def _locked(request: SpendRequest) -> SpendRequest:
    return (
        SpendRequest.objects.select_for_update()
        .select_related("agreement__region", "allocation")
        .get(pk=request.pk)
    )


@transaction.atomic
def spend_request_update(
    *, user: User, request: SpendRequest, amount_pence: int, description: str, supplier: str = ""
) -> SpendRequest:
    """Change a draft request."""
    request = _locked(request)
    if request.status != SpendStatus.DRAFT:
        raise FundsError("Only a draft request can be changed.")
    if amount_pence <= 0:
        raise FundsError("The amount must be more than 0.")
    before = {**_snapshot(request), "description": request.description}
    request.amount_pence, request.description, request.supplier = (
        amount_pence,
        description.strip(),
        supplier.strip(),
    )
    request.save(update_fields=["amount_pence", "description", "supplier"])
    audit_record(
        actor=user,
        action=Action.SPEND_UPDATE,
        obj=request,
        summary="Changed a draft spend request",
        before=before,
        after={**_snapshot(request), "description": request.description},
    )
    return request


def _require_status(request: SpendRequest, allowed: tuple[str, ...], refusal: str) -> None:
    """Refuse a step from the wrong state, saying what state the request is in."""
    if request.status not in allowed:
        raise FundsError(f"The request is {request.get_status_display().lower()}: {refusal}")


def _move(
    *,
    user: User,
    request: SpendRequest,
    status: str,
    action: str,
    summary: str,
    fields: dict[str, Any],
    after: dict[str, Any] | None = None,
) -> SpendRequest:
    """Move a (locked) request to a new status with its fields, and audit the change."""
    before = _snapshot(request)
    request.status = status
    for name, value in fields.items():
        setattr(request, name, value)
    request.save(update_fields=["status", *fields])
    audit_record(
        actor=user,
        action=action,
        obj=request,
        summary=summary,
        before=before,
        after={**_snapshot(request), **(after or {})},
    )
    return request


@transaction.atomic
def spend_request_submit(*, user: User, request: SpendRequest) -> SpendRequest:
    request = _locked(request)
    _require_status(request, (SpendStatus.DRAFT,), "it cannot be submitted.")
    return _move(
        user=user,
        request=request,
        status=SpendStatus.SUBMITTED,
        action=Action.SPEND_SUBMIT,
        summary=f"Submitted {pounds(request.amount_pence)} for approval",
        fields={"submitted_at": timezone.now()},
    )


@transaction.atomic
def spend_request_withdraw(*, user: User, request: SpendRequest) -> SpendRequest:
    """Withdraw a draft or submitted request (before it is approved)."""
    request = _locked(request)
    _require_status(
        request,
        (SpendStatus.DRAFT, SpendStatus.SUBMITTED),
        "only a request not yet approved can be withdrawn.",
    )
    return _move(
        user=user,
        request=request,
        status=SpendStatus.WITHDRAWN,
        action=Action.SPEND_WITHDRAW,
        summary="Withdrew a spend request",
        fields={"withdrawn_at": timezone.now()},
    )


def approvals_needed(request: SpendRequest) -> int:
    """Two different leads above the agreement's threshold, one otherwise."""
    return 2 if request.amount_pence > request.agreement.second_approval_threshold_pence else 1


def _check_approver(user: User, request: SpendRequest) -> None:
    if request.raised_by_id == user.pk:
        raise FundsError("You raised this request: another regional lead must decide on it.")
    if not permissions.can_approve_spend(user, request.agreement.region_id):
        raise FundsError("Only a regional lead of the region can decide on its spend.")


@transaction.atomic
def spend_request_approve(*, user: User, request: SpendRequest) -> SpendRequest:
    """A regional lead's approval. When it is the last one needed, the amount is added to
    the allocation's approved total, only if it fits (else FundsError, nothing changes)."""
    request = _locked(request)
    _check_approver(user, request)
    _require_status(request, (SpendStatus.SUBMITTED,), "only a submitted request can be approved.")
    try:
        with transaction.atomic():
            SpendApproval.objects.create(
                request=request, approver=user, raised_by=request.raised_by
            )
    except IntegrityError as exc:
        raise FundsError("You have already approved this request: it needs another lead.") from exc
    count = request.approvals.count()
    needed = approvals_needed(request)
    if count < needed:
        audit_record(
            actor=user,
            action=Action.SPEND_FIRST_APPROVAL,
            obj=request,
            summary=f"First of two approvals for {pounds(request.amount_pence)}",
            before={**_snapshot(request), "approvals": count - 1},
            after={**_snapshot(request), "approvals": count},
        )
        return request
    allocation = request.allocation
    added = Allocation.objects.filter(
        pk=allocation.pk, approved_pence__lte=F("amount_pence") - request.amount_pence
    ).update(approved_pence=F("approved_pence") + request.amount_pence)
    if not added:
        allocation.refresh_from_db()
        raise FundsError(
            f"Approving {pounds(request.amount_pence)} would overspend "
            f"{allocation.get_purpose_display()}: {pounds(allocation.remaining_pence)} of "
            f"{pounds(allocation.amount_pence)} remains."
        )
    return _move(
        user=user,
        request=request,
        status=SpendStatus.APPROVED,
        action=Action.SPEND_APPROVE,
        summary=f"Approved {pounds(request.amount_pence)} for {allocation.get_purpose_display()}",
        fields={"approved_at": timezone.now()},
        after={"approvals": count},
    )


@transaction.atomic
def spend_request_reject(*, user: User, request: SpendRequest, reason: str) -> SpendRequest:
    request = _locked(request)
    _check_approver(user, request)
    _require_status(request, (SpendStatus.SUBMITTED,), "only a submitted request can be rejected.")
    if not reason.strip():
        raise FundsError("Give the reason for rejecting the request.")
    return _move(
        user=user,
        request=request,
        status=SpendStatus.REJECTED,
        action=Action.SPEND_REJECT,
        summary=f"Rejected {pounds(request.amount_pence)}",
        fields={
            "rejected_at": timezone.now(),
            "rejected_by": user,
            "rejection_reason": reason.strip(),
        },
        after={"reason": reason.strip()},
    )


@transaction.atomic
def spend_request_mark_paid(
    *, user: User, request: SpendRequest, payment_reference: str, paid_on: Any = None
) -> SpendRequest:
    """Record payment of an approved request (with evidence attached separately)."""
    request = _locked(request)
    if request.status != SpendStatus.APPROVED:
        raise FundsError("Only an approved request can be marked as paid.")
    if not payment_reference.strip():
        raise FundsError("Give the payment reference (for example the invoice number).")
    if not request.evidence.filter(kind="payment").exists():
        raise FundsError("Attach the evidence of payment first.")
    Allocation.objects.filter(pk=request.allocation_id).update(
        paid_pence=F("paid_pence") + request.amount_pence
    )
    return _move(
        user=user,
        request=request,
        status=SpendStatus.PAID,
        action=Action.SPEND_PAID,
        summary=f"Paid {pounds(request.amount_pence)}",
        fields={
            "paid_at": paid_on or timezone.now(),
            "paid_by": user,
            "payment_reference": payment_reference.strip(),
        },
        after={"payment_reference": payment_reference.strip()},
    )


@transaction.atomic
def spend_evidence_add(
    *, user: User, request: SpendRequest, kind: str, title: str, upload: Any, content_type: str
) -> SpendEvidence:
    """Attach a checked file to a request: supporting it (draft or submitted) or proving its
    payment (approved)."""
    from ..models import EvidenceKind

    request = _locked(request)
    allowed: dict[str, tuple[str, ...]] = {
        EvidenceKind.REQUEST: (SpendStatus.DRAFT, SpendStatus.SUBMITTED),
        EvidenceKind.PAYMENT: (SpendStatus.APPROVED,),
    }
    if request.status not in allowed.get(kind, ()):
        raise FundsError(
            f"The request is {request.get_status_display().lower()}: no more files can be added."
        )
    evidence = SpendEvidence(
        request=request,
        kind=kind,
        title=title,
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
    )
    evidence.file.save(upload.name, upload, save=False)
    evidence.save()
    audit_record(
        actor=user,
        action=Action.SPEND_EVIDENCE_ADD,
        obj=request,
        summary=f"Added {evidence.get_kind_display().lower()}: {evidence.title}",
        after={"evidence": evidence.pk, "kind": kind, "size": evidence.size},
    )
    return evidence
