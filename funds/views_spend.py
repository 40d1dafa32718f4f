"""Spend request pages: the list, raising and changing a draft, the request's page with its
history and evidence, and the actions on it (submit, withdraw, approve, reject, mark paid),
each behind a confirmation page.

Access: anyone who may see a region's funds sees its requests (others get a 404); only the
region's programme manager raises, changes, submits, withdraws, uploads evidence and marks
paid, and only its regional leads approve or reject (others who may see get a 403). The
services keep the rules about state and money (FundsError), shown in an error summary.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from audit.models import AuditEvent
from cib_portal import access
from cib_portal.downloads import content_disposition
from regions.models import Region

from . import forms_spend as f
from . import notifications, services
from .evidence import download_name
from .models import (
    EvidenceKind,
    FundingAgreement,
    SpendEvidence,
    SpendRequest,
    SpendStatus,
)

PAGE_SIZE = 25
SORTS = {
    "": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "amount_desc": ("-amount_pence", "-pk"),
    "amount": ("amount_pence", "pk"),
}
DETAIL = "funds:request_detail"


# --- Helpers ---------------------------------------------------------------------------------


def _forbid_unless(allowed: bool) -> None:
    """A 403 for someone who may see the request but not make this change."""
    if not allowed:
        raise PermissionDenied


def _spend_for(request: HttpRequest, pk: int) -> SpendRequest:
    """The request, or a 404 for anyone who may not see its region's funds."""
    spend = get_object_or_404(
        SpendRequest.objects.select_related(
            "agreement__region", "allocation", "raised_by", "rejected_by", "paid_by"
        ),
        pk=pk,
    )
    access.require(access.can_view_funds(request.user, spend.agreement.region_id))
    return spend


def _may_raise(request: HttpRequest, spend: SpendRequest) -> bool:
    return access.can_raise_spend(request.user, spend.agreement.region_id)


def _may_decide(request: HttpRequest, spend: SpendRequest) -> bool:
    return access.can_approve_spend(request.user, spend.agreement.region_id)


def _page(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    return render(request, f"funds/spend/{template}", {"nav_section": "funds", **context})


def _visible_requests(user) -> Any:
    region_ids = access.funds_region_ids(user)
    requests = SpendRequest.objects.all()
    if region_ids is not None:
        requests = requests.filter(agreement__region_id__in=region_ids)
    return requests


def _visible_agreements(user) -> Any:
    region_ids = access.funds_region_ids(user)
    agreements = FundingAgreement.objects.select_related("region")
    if region_ids is not None:
        agreements = agreements.filter(region_id__in=region_ids)
    return agreements.order_by("-financial_year", "region__name")


def _purpose_labels(agreement: FundingAgreement) -> dict[str, str]:
    return {
        a.purpose: f"{a.get_purpose_display()} ({services.pounds(a.remaining_pence)} remaining)"
        for a in agreement.allocations.all()
    }


# --- The list --------------------------------------------------------------------------------


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    region_ids = access.funds_region_ids(user)
    access.require(region_ids is None or bool(region_ids))
    agreements = list(_visible_agreements(user))
    region_pks = {a.region_id for a in agreements}
    regions = Region.objects.filter(pk__in=region_pks).order_by("name")
    years = sorted({a.financial_year for a in agreements}, reverse=True)
    filters = f.SpendFilterForm(
        request.GET or None, agreements=agreements, regions=regions, years=years
    )
    spends = _visible_requests(user)
    filtered = False
    sort = ""
    if filters.is_bound and filters.is_valid():
        data = filters.cleaned_data
        if data["agreement"]:
            spends = spends.filter(agreement_id=data["agreement"])
        if data["region"]:
            spends = spends.filter(agreement__region=data["region"])
        if data["purpose"]:
            spends = spends.filter(allocation__purpose=data["purpose"])
        if data["status"]:
            spends = spends.filter(status=data["status"])
        if data["year"]:
            spends = spends.filter(agreement__financial_year=data["year"])
        if data["q"].strip():
            q = data["q"].strip()
            spends = spends.filter(Q(description__icontains=q) | Q(supplier__icontains=q))
        sort = data["sort"] or ""
        filtered = any(v for k, v in data.items() if k != "sort")
    totals = spends.aggregate(
        count=Count("pk"),
        total=Sum("amount_pence"),
        approved=Sum("amount_pence", filter=Q(status__in=[SpendStatus.APPROVED, SpendStatus.PAID])),
        paid=Sum("amount_pence", filter=Q(status=SpendStatus.PAID)),
    )
    spends = spends.select_related("agreement__region", "allocation", "raised_by").order_by(
        *SORTS.get(sort, SORTS[""])
    )
    page_obj = Paginator(spends, PAGE_SIZE).get_page(request.GET.get("page"))
    page_obj.object_list = list(page_obj.object_list)
    for spend in page_obj.object_list:
        spend.amount = services.pounds(spend.amount_pence)
    chosen = (
        filters.cleaned_data.get("agreement") if filters.is_bound and filters.is_valid() else None
    )
    raisable = [a for a in agreements if access.can_raise_spend(user, a.region_id)]
    if chosen:
        raisable = [a for a in raisable if a.pk == chosen] or raisable
    return _page(
        request,
        "list.html",
        filters=filters,
        filtered=filtered,
        page_obj=page_obj,
        totals={
            "count": totals["count"],
            "total": services.pounds(totals["total"] or 0),
            "approved": services.pounds(totals["approved"] or 0),
            "paid": services.pounds(totals["paid"] or 0),
        },
        raisable=raisable,
    )


# --- Raising and changing a draft ------------------------------------------------------------


@login_required
def request_create(request: HttpRequest) -> HttpResponse:
    try:
        agreement_pk = int(request.GET.get("agreement", ""))
    except ValueError:
        agreement_pk = None
    if agreement_pk is None:
        raisable = [
            a
            for a in _visible_agreements(request.user)
            if access.can_raise_spend(request.user, a.region_id)
        ]
        access.require(bool(raisable))
        return redirect(f"{reverse('funds:request_create')}?agreement={raisable[0].pk}")
    agreement = get_object_or_404(
        FundingAgreement.objects.select_related("region"), pk=agreement_pk
    )
    access.require(access.can_view_funds(request.user, agreement.region_id))
    _forbid_unless(access.can_raise_spend(request.user, agreement.region_id))
    form = f.SpendRequestForm(
        request.POST if request.method == "POST" else None,
        purpose_labels=_purpose_labels(agreement),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            spend = services.spend_request_create(
                user=request.user,
                agreement=agreement,
                purpose=data["purpose"],
                amount_pence=data["amount"],
                description=data["description"],
                supplier=data["supplier"],
            )
        except services.FundsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your request was saved as a draft. Submit it when ready.")
            return redirect(DETAIL, pk=spend.pk)
    return _page(
        request,
        "form.html",
        form=form,
        agreement=agreement,
        title=f"Raise a spend request: {agreement.region.name} {agreement.label}",
        button="Save as a draft",
        cancel_url=reverse("funds:request_list"),
    )


@login_required
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    spend = _spend_for(request, pk)
    _forbid_unless(_may_raise(request, spend))
    if spend.status != SpendStatus.DRAFT:
        messages.error(request, "Only a draft request can be changed.")
        return redirect(DETAIL, pk=spend.pk)
    form = f.SpendRequestEditForm(
        request.POST if request.method == "POST" else None,
        initial={
            "amount": services.pence_text(spend.amount_pence),
            "description": spend.description,
            "supplier": spend.supplier,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.spend_request_update(
                user=request.user,
                request=spend,
                amount_pence=data["amount"],
                description=data["description"],
                supplier=data["supplier"],
            )
        except services.FundsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your changes were saved.")
            return redirect(DETAIL, pk=spend.pk)
    return _page(
        request,
        "form.html",
        form=form,
        agreement=spend.agreement,
        spend=spend,
        remaining=services.pounds(spend.allocation.remaining_pence),
        title="Change the draft request",
        button="Save the changes",
        cancel_url=reverse(DETAIL, kwargs={"pk": spend.pk}),
    )


# --- The request's page ----------------------------------------------------------------------


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    spend = _spend_for(request, pk)
    approvals = list(spend.approvals.select_related("approver"))
    needed = services.approvals_needed(spend)
    history = list(
        AuditEvent.objects.filter(object_type="funds.spendrequest", object_id=str(spend.pk))
        .select_related("actor")
        .order_by("at", "pk")
    )
    evidence = list(spend.evidence.select_related("uploaded_by"))
    may_raise = _may_raise(request, spend)
    may_decide = _may_decide(request, spend)
    status = spend.status
    return _page(
        request,
        "detail.html",
        spend=spend,
        amount=services.pounds(spend.amount_pence),
        remaining=services.pounds(spend.allocation.remaining_pence),
        allocated=services.pounds(spend.allocation.amount_pence),
        threshold=services.pounds(spend.agreement.second_approval_threshold_pence),
        approvals=approvals,
        needed=needed,
        history=history,
        request_evidence=[e for e in evidence if e.kind == EvidenceKind.REQUEST],
        payment_evidence=[e for e in evidence if e.kind == EvidenceKind.PAYMENT],
        may_edit=may_raise and status == SpendStatus.DRAFT,
        may_submit=may_raise and status == SpendStatus.DRAFT,
        may_withdraw=may_raise and status in (SpendStatus.DRAFT, SpendStatus.SUBMITTED),
        may_upload=may_raise
        and status in (SpendStatus.DRAFT, SpendStatus.SUBMITTED, SpendStatus.APPROVED),
        may_pay=may_raise and status == SpendStatus.APPROVED,
        may_decide=may_decide and status == SpendStatus.SUBMITTED,
    )


# --- Evidence --------------------------------------------------------------------------------


def _evidence_kind(spend: SpendRequest) -> str | None:
    if spend.status in (SpendStatus.DRAFT, SpendStatus.SUBMITTED):
        return EvidenceKind.REQUEST
    if spend.status == SpendStatus.APPROVED:
        return EvidenceKind.PAYMENT
    return None


@login_required
def request_evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    spend = _spend_for(request, pk)
    _forbid_unless(_may_raise(request, spend))
    kind = _evidence_kind(spend)
    if kind is None:
        messages.error(
            request,
            f"The request is {spend.get_status_display().lower()}: no more files can be added.",
        )
        return redirect(DETAIL, pk=spend.pk)
    form = f.EvidenceForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            evidence = services.spend_evidence_add(
                user=request.user,
                request=spend,
                kind=kind,
                title=form.cleaned_data["title"],
                upload=upload,
                content_type=upload.checked_content_type,
            )
        except services.FundsError as exc:
            messages.error(request, str(exc))
            return redirect(DETAIL, pk=spend.pk)
        messages.success(request, f"“{evidence.title}” was uploaded.")
        return redirect(DETAIL, pk=spend.pk)
    payment = kind == EvidenceKind.PAYMENT
    return _page(
        request,
        "evidence_form.html",
        spend=spend,
        form=form,
        title="Upload evidence of payment" if payment else "Upload a supporting file",
        intro=(
            "For example the paid invoice or a receipt. You need it before you mark the "
            "request as paid."
            if payment
            else "For example a quote, a proposal or a breakdown of the costs."
        ),
    )


@login_required
def request_evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    spend = _spend_for(request, pk)
    evidence = get_object_or_404(SpendEvidence, pk=evidence_pk, request=spend)
    filename = download_name(evidence.title, evidence.file.name)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=evidence.content_type,
    )
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


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
    return _page(
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
    spend = _spend_for(request, pk)
    _forbid_unless(_may_raise(request, spend))
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
    spend = _spend_for(request, pk)
    _forbid_unless(_may_raise(request, spend))
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
    spend = _spend_for(request, pk)
    _forbid_unless(_may_decide(request, spend))
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
    spend = _spend_for(request, pk)
    _forbid_unless(_may_decide(request, spend))
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
    spend = _spend_for(request, pk)
    _forbid_unless(_may_raise(request, spend))
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
