"""Spend request pages: the list, raising and changing a draft, and the request's page with
its history and evidence. The actions on it (submit, withdraw, approve, reject, mark paid),
each behind a confirmation page, are in views/spend_actions.py.

Access: anyone who may see a region's funds sees its requests (others get a 404); only the
region's programme manager raises, changes, submits, withdraws, uploads evidence and marks
paid, and only its regional leads approve or reject (others who may see get a 403 with the
rule's reason). The
services keep the rules about state and money (FundsError), shown in an error summary.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from audit.selectors import events_for
from cib_portal import access
from cib_portal.downloads import content_disposition
from regions.models import Region

from .. import permissions, selectors, services
from ..evidence import download_name
from ..filters import filter_spend_requests
from ..forms import spend as f
from ..models import (
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


def spend_for(request: HttpRequest, pk: int) -> SpendRequest:
    """The request, or a 404 for anyone who may not see its region's funds."""
    return get_object_or_404(
        selectors.spend_requests_visible(user=request.user).select_related(
            "agreement__region", "allocation", "raised_by", "rejected_by", "paid_by"
        ),
        pk=pk,
    )


def may_raise(request: HttpRequest, spend: SpendRequest) -> access.Decision:
    return permissions.can_raise_spend(request.user, spend.agreement.region_id)


def may_decide(request: HttpRequest, spend: SpendRequest) -> access.Decision:
    return permissions.can_approve_spend(request.user, spend.agreement.region_id)


def page(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    return render(request, f"funds/spend/{template}", {"nav_section": "funds", **context})


def _purpose_labels(agreement: FundingAgreement) -> dict[str, str]:
    return {
        a.purpose: f"{a.get_purpose_display()} ({services.pounds(a.remaining_pence)} remaining)"
        for a in agreement.allocations.all()
    }


# --- The list --------------------------------------------------------------------------------


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    region_ids = permissions.funds_region_ids(user)
    access.require(region_ids is None or bool(region_ids))
    agreements = list(selectors.agreements_visible(user=user))
    region_pks = {a.region_id for a in agreements}
    regions = Region.objects.filter(pk__in=region_pks).order_by("name")
    years = sorted({a.financial_year for a in agreements}, reverse=True)
    filters = f.SpendFilterForm(
        request.GET or None, agreements=agreements, regions=regions, years=years
    )
    spends = selectors.spend_requests_visible(user=user)
    filtered = False
    sort = ""
    if filters.is_bound and filters.is_valid():
        data = filters.cleaned_data
        spends = filter_spend_requests(
            spends,
            agreement=data["agreement"],
            region=data["region"].pk if data["region"] else None,
            purpose=data["purpose"],
            status=data["status"],
            year=data["year"],
            q=data["q"],
        )
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
    raisable = [a for a in agreements if permissions.can_raise_spend(user, a.region_id)]
    if chosen:
        raisable = [a for a in raisable if a.pk == chosen] or raisable
    return page(
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
            for a in selectors.agreements_visible(user=request.user)
            if permissions.can_raise_spend(request.user, a.region_id)
        ]
        access.require(bool(raisable))
        return redirect(f"{reverse('funds:request_create')}?agreement={raisable[0].pk}")
    agreement = get_object_or_404(selectors.agreements_visible(user=request.user), pk=agreement_pk)
    access.require_permission(permissions.can_raise_spend(request.user, agreement.region_id))
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
    return page(
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
    spend = spend_for(request, pk)
    access.require_permission(may_raise(request, spend))
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
    return page(
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
    spend = spend_for(request, pk)
    approvals = list(spend.approvals.select_related("approver"))
    needed = services.approvals_needed(spend)
    history = list(events_for(spend).order_by("at", "pk"))
    evidence = list(spend.evidence.select_related("uploaded_by"))
    raiser = bool(may_raise(request, spend))
    lead = bool(may_decide(request, spend))
    status = spend.status
    return page(
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
        may_edit=raiser and status == SpendStatus.DRAFT,
        may_submit=raiser and status == SpendStatus.DRAFT,
        may_withdraw=raiser and status in (SpendStatus.DRAFT, SpendStatus.SUBMITTED),
        may_upload=raiser
        and status in (SpendStatus.DRAFT, SpendStatus.SUBMITTED, SpendStatus.APPROVED),
        may_pay=raiser and status == SpendStatus.APPROVED,
        may_decide=lead and status == SpendStatus.SUBMITTED,
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
    spend = spend_for(request, pk)
    access.require_permission(may_raise(request, spend))
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
    return page(
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
    spend = spend_for(request, pk)
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
