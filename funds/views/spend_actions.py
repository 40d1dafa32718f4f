"""The actions on a spend request, each behind a confirmation page: submit, withdraw,
approve, reject and mark paid.

Only the region's programme manager submits, withdraws and marks paid, and only its regional
leads approve or reject (others who may see the request get a 403 with the reason); the
services keep the rules about state and money (FundsError), shown in an error summary.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from cib_portal import access

from .. import notifications, services
from ..forms import spend as f
from ..models import EvidenceKind, SpendRequest, SpendStatus
from .spend import DETAIL, may_decide, may_raise, page, spend_for

# --- Actions, each behind a confirmation page ------------------------------------------------


class ConfirmForm(forms.Form):
    """No fields: carries a refusal from the services to the error summary."""


def _confirm(
    request: HttpRequest,
    spend: SpendRequest,
    *,
    title: str,
    button: str,
    act,
    form: forms.Form | None = None,
    success: str,
    warning: bool = False,
    notes: list[str] | None = None,
    after=None,
    **extra: Any,
) -> HttpResponse:
    """GET: the confirmation page. POST: validate the form, act, and show a refusal."""
    form = form or ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            changed = act(form.cleaned_data)
        except services.FundsError as error:
            form.add_error(None, str(error))
        else:
            if after:
                after(changed)
            messages.success(request, success)
            return redirect(DETAIL, pk=spend.pk)
    return page(
        request,
        "confirm.html",
        spend=spend,
        amount=services.pounds(spend.amount_pence),
        form=form,
        title=title,
        button=button,
        warning=warning,
        notes=notes or [],
        cancel_url=reverse(DETAIL, kwargs={"pk": spend.pk}),
        **extra,
    )


@login_required
def request_submit(request: HttpRequest, pk: int) -> HttpResponse:
    spend = spend_for(request, pk)
    access.require_permission(may_raise(request, spend))
    needed = services.approvals_needed(spend)
    return _confirm(
        request,
        spend,
        title="Submit the request for approval",
        button="Submit for approval",
        act=lambda _data: services.spend_request_submit(user=request.user, request=spend),
        after=notifications.notify_submitted,
        success="The request was submitted. The region's leads have been told by email.",
        notes=[
            "You cannot change the request once it is submitted.",
            "It needs the approval of two different regional leads, as it is over "
            f"{services.pounds(spend.agreement.second_approval_threshold_pence)}."
            if needed == 2
            else "It needs the approval of one regional lead.",
        ],
    )


@login_required
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    spend = spend_for(request, pk)
    access.require_permission(may_raise(request, spend))
    return _confirm(
        request,
        spend,
        title="Withdraw the request",
        button="Withdraw the request",
        warning=True,
        act=lambda _data: services.spend_request_withdraw(user=request.user, request=spend),
        success="The request was withdrawn.",
        notes=["A withdrawn request cannot be submitted again: raise a new one instead."],
    )


@login_required
def request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    spend = spend_for(request, pk)
    access.require_permission(may_decide(request, spend))
    needed = services.approvals_needed(spend)
    so_far = spend.approvals.count()
    notes = [
        f"{services.pounds(spend.allocation.remaining_pence)} of the "
        f"{spend.allocation.get_purpose_display()} allocation remains.",
    ]
    if needed == 2 and so_far == 0:
        notes.append(
            "This request is over "
            f"{services.pounds(spend.agreement.second_approval_threshold_pence)}: after your "
            "approval, a second regional lead’s approval will still be needed."
        )
    elif needed == 2:
        notes.append(
            "Another regional lead has already approved it: yours is the second approval, "
            "and the money will be committed."
        )
    else:
        notes.append("Your approval commits the money.")

    def _after(changed: SpendRequest) -> None:
        notifications.notify_approved(changed, request.user)

    return _confirm(
        request,
        spend,
        title="Approve the request",
        button="Approve the request",
        act=lambda _data: services.spend_request_approve(user=request.user, request=spend),
        after=_after,
        success="You approved the request.",
        notes=notes,
    )


@login_required
def request_reject(request: HttpRequest, pk: int) -> HttpResponse:
    spend = spend_for(request, pk)
    access.require_permission(may_decide(request, spend))
    form = f.RejectForm(request.POST if request.method == "POST" else None)
    return _confirm(
        request,
        spend,
        title="Reject the request",
        button="Reject the request",
        warning=True,
        form=form,
        act=lambda data: services.spend_request_reject(
            user=request.user, request=spend, reason=data["reason"]
        ),
        after=lambda changed: notifications.notify_rejected(changed, request.user),
        success="You rejected the request. The programme manager has been told by email.",
    )


@login_required
def request_mark_paid(request: HttpRequest, pk: int) -> HttpResponse:
    spend = spend_for(request, pk)
    access.require_permission(may_raise(request, spend))
    form = f.MarkPaidForm(request.POST if request.method == "POST" else None)
    needs_evidence = (
        spend.status == SpendStatus.APPROVED
        and not spend.evidence.filter(kind=EvidenceKind.PAYMENT).exists()
    )
    return _confirm(
        request,
        spend,
        title="Mark the request as paid",
        button="Mark as paid",
        form=form,
        act=lambda data: services.spend_request_mark_paid(
            user=request.user, request=spend, payment_reference=data["payment_reference"]
        ),
        success="The request was marked as paid.",
        notes=[f"This records that {services.pounds(spend.amount_pence)} has been paid."],
        needs_evidence=needs_evidence,
        evidence_url=reverse("funds:request_evidence_add", kwargs={"pk": spend.pk}),
    )
