"""Reads of spend for the home pages (selectors): the spend requests submitted and waiting
for a regional lead's decision. One query, whatever the number of requests."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef

from cib_portal import access

from .models import FundingAgreement, SpendApproval, SpendRequest, SpendStatus
from .services import approvals_needed, pounds


def spend_requests_awaiting_decision(*, user: Any) -> list[SpendRequest]:
    """Submitted requests in the regions whose funds the user may see, oldest first, each
    with `approvals` (how many leads have approved), `needed` (how many must) and
    `for_me` (the user is a lead of its region, did not raise it and has not approved it)."""
    region_ids = access.funds_region_ids(user)
    if region_ids is not None and not region_ids:
        return []
    requests = SpendRequest.objects.filter(status=SpendStatus.SUBMITTED)
    if region_ids is not None:
        requests = requests.filter(agreement__region_id__in=list(region_ids))
    led = access.led_region_ids(user)
    rows = list(
        requests.select_related("agreement__region", "allocation", "raised_by")
        .annotate(
            n_approvals=Count("approvals", distinct=True),
            approved_by_me=Exists(
                SpendApproval.objects.filter(request=OuterRef("pk"), approver_id=user.pk)
            ),
        )
        .order_by("submitted_at", "pk")
    )
    for spend in rows:
        spend.needed = approvals_needed(spend)
        spend.amount = pounds(spend.amount_pence)
        spend.for_me = (
            spend.agreement.region_id in led
            and spend.raised_by_id != user.pk
            and not spend.approved_by_me
        )
    return rows


def spend_to_raise(*, user: Any) -> dict:
    """For a region's programme manager (who drafts spend): the drafts in their regions still
    to submit, and this year's budgets, where requests are raised. Nothing for anyone else.
    Two queries."""
    from .selectors import current_financial_year

    raisable = [r for r in access.grants_for(user).region_roles if access.can_raise_spend(user, r)]
    if not raisable:
        return {"may_raise": False, "drafts": [], "budgets": []}
    drafts = list(
        SpendRequest.objects.filter(status=SpendStatus.DRAFT, agreement__region_id__in=raisable)
        .select_related("agreement__region", "allocation")
        .order_by("created_at", "pk")
    )
    for spend in drafts:
        spend.amount = pounds(spend.amount_pence)
    budgets = list(
        FundingAgreement.objects.filter(
            region_id__in=raisable, financial_year=current_financial_year()
        )
        .select_related("region")
        .order_by("region__name")
    )
    return {"may_raise": True, "drafts": drafts, "budgets": budgets}
