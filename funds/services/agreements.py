"""Funding agreements (the CIB administrator's): recording one with its allocations and its
four quarterly returns, changing its terms and an allocation, and its budget (allocated,
approved, paid and remaining per purpose). Each change is one transaction and one audit
event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction

from audit.services import audit_record
from regions.models import Region

from ..audit_actions import Action
from ..models import (
    Allocation,
    FundingAgreement,
    Purpose,
    QuarterlyReturn,
    financial_year_label,
    return_due_on,
)
from .common import FundsError, pounds

if TYPE_CHECKING:
    from accounts.models import User


# --- Agreements ------------------------------------------------------------------------------


@transaction.atomic
def agreement_create(
    *,
    user: User,
    region: Region,
    financial_year: int,
    allocations: dict[str, int],
    terms: str = "",
    second_approval_threshold_pence: int = 1_000_000,
    signed_on: date | None = None,
) -> FundingAgreement:
    """An agreement with its allocation per purpose (pence; purposes not given get 0)."""
    unknown = sorted(set(allocations) - set(Purpose.values))
    if unknown:
        raise FundsError(f"Unknown purpose: {', '.join(unknown)}.")
    for purpose, amount in allocations.items():
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise FundsError(
                f"The allocation for {purpose} must be a whole number of pence, 0 or more."
            )
    if second_approval_threshold_pence < 0:
        raise FundsError("The second-approval threshold cannot be negative.")
    if FundingAgreement.objects.filter(region=region, financial_year=financial_year).exists():
        raise FundsError(
            f"{region} already has an agreement for {financial_year_label(financial_year)}."
        )
    agreement = FundingAgreement.objects.create(
        region=region,
        financial_year=financial_year,
        terms=terms,
        second_approval_threshold_pence=second_approval_threshold_pence,
        signed_on=signed_on,
        created_by=user,
    )
    Allocation.objects.bulk_create(
        Allocation(agreement=agreement, purpose=p, amount_pence=allocations.get(p, 0))
        for p in Purpose.values
    )
    QuarterlyReturn.objects.bulk_create(
        QuarterlyReturn(agreement=agreement, quarter=q, due_on=return_due_on(financial_year, q))
        for q in (1, 2, 3, 4)
    )
    audit_record(
        actor=user,
        action=Action.AGREEMENT_CREATE,
        obj=agreement,
        summary=f"Created {agreement}",
        after={
            "allocations": {p: allocations.get(p, 0) for p in Purpose.values},
            "second_approval_threshold_pence": second_approval_threshold_pence,
        },
    )
    return agreement


@transaction.atomic
def allocation_set(*, user: User, allocation: Allocation, amount_pence: int) -> Allocation:
    """Change a purpose's allocation. It cannot go below what is already approved."""
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    if amount_pence < 0:
        raise FundsError("An allocation cannot be negative.")
    if amount_pence < allocation.approved_pence:
        raise FundsError(
            f"{allocation.get_purpose_display()} already has {pounds(allocation.approved_pence)} "
            f"approved: the allocation cannot be less than that."
        )
    before = allocation.amount_pence
    allocation.amount_pence = amount_pence
    allocation.save(update_fields=["amount_pence"])
    audit_record(
        actor=user,
        action=Action.ALLOCATION_SET,
        obj=allocation,
        summary=f"{allocation.get_purpose_display()} allocation of {allocation.agreement}",
        before={"amount_pence": before},
        after={"amount_pence": amount_pence},
    )
    return allocation


@transaction.atomic
def agreement_update(
    *,
    user: User,
    agreement: FundingAgreement,
    terms: str | None = None,
    second_approval_threshold_pence: int | None = None,
    signed_on: date | None = None,
    signed_document: Any = None,
) -> FundingAgreement:
    agreement = FundingAgreement.objects.select_for_update().get(pk=agreement.pk)
    before = {
        "terms": agreement.terms,
        "second_approval_threshold_pence": agreement.second_approval_threshold_pence,
        "signed_on": str(agreement.signed_on or ""),
        "signed_document": agreement.signed_document.name or "",
    }
    if terms is not None:
        agreement.terms = terms
    if second_approval_threshold_pence is not None:
        if second_approval_threshold_pence < 0:
            raise FundsError("The second-approval threshold cannot be negative.")
        agreement.second_approval_threshold_pence = second_approval_threshold_pence
    if signed_on is not None:
        agreement.signed_on = signed_on
    if signed_document is not None:
        agreement.signed_document.save(signed_document.name, signed_document, save=False)
    agreement.save()
    after = {
        "terms": agreement.terms,
        "second_approval_threshold_pence": agreement.second_approval_threshold_pence,
        "signed_on": str(agreement.signed_on or ""),
        "signed_document": agreement.signed_document.name or "",
    }
    audit_record(
        actor=user,
        action=Action.AGREEMENT_UPDATE,
        obj=agreement,
        summary=f"Changed {agreement}",
        before=before,
        after=after,
    )
    return agreement


# --- The budget ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetLine:
    purpose: str
    label: str
    allocated: int
    approved: int
    paid: int

    @property
    def remaining(self) -> int:
        return self.allocated - self.approved

    @property
    def percent_approved(self) -> int:
        return round(100 * self.approved / self.allocated) if self.allocated else 0


def budget(agreement: FundingAgreement) -> list[BudgetLine]:
    """Allocated, approved, paid and remaining per purpose (pence), in one query."""
    return [
        BudgetLine(
            a.purpose, a.get_purpose_display(), a.amount_pence, a.approved_pence, a.paid_pence
        )
        for a in agreement.allocations.order_by("purpose")
    ]


def budget_total(lines: list[BudgetLine]) -> BudgetLine:
    return BudgetLine(
        "total",
        "Total",
        sum(x.allocated for x in lines),
        sum(x.approved for x in lines),
        sum(x.paid for x in lines),
    )
