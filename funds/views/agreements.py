"""Funding agreements: the national view (every region's allocation, spend and returns for a
year), a region's agreements, recording and changing an agreement (the CIB administrator) and
the signed document. An agreement's budget page is in views/budget.py.

A region's funds the user may not see are a 404; a page they may see but not change is a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from cib_portal import access
from cib_portal.csv_export import csv_response, safe_cell
from cib_portal.downloads import content_disposition

from .. import permissions, selectors
from ..forms.agreements import (
    ALLOCATION_FIELDS,
    AgreementCreateForm,
    AgreementEditForm,
)
from ..models import FundingAgreement, ReturnStatus, financial_year_label
from ..services import (
    FundsError,
    agreement_create,
    agreement_update,
    allocation_set,
    pence_text,
    pounds,
)

RETURN_TAGS = {
    ReturnStatus.DRAFT: "govuk-tag--grey",
    ReturnStatus.SIGNED_OFF: "govuk-tag--blue",
    ReturnStatus.SUBMITTED: "govuk-tag--light-blue",
    ReturnStatus.ACCEPTED: "govuk-tag--green",
    ReturnStatus.RETURNED: "govuk-tag--orange",
}


def request_list_url(agreement: FundingAgreement) -> str:
    return f"{reverse('funds:request_list')}?agreement={agreement.pk}"


def return_url(return_id: int) -> str:
    return reverse("funds:return_detail", kwargs={"pk": return_id})


def agreement_for(user: Any, pk: int) -> FundingAgreement:
    """The agreement if the user may see its region's funds; a 404 otherwise."""
    return get_object_or_404(selectors.agreements_visible(user=user), pk=pk)


# --- /funds/: the national view, or a region's agreements -------------------------------------


@dataclass
class ReturnCell:
    label: str
    tag: str
    url: str | None
    overdue: bool


def _year_from(request: HttpRequest) -> int:
    text = request.GET.get("year", "").strip()
    if text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    return selectors.current_financial_year()


def _return_cells(row: selectors.NationalRow, today) -> list[ReturnCell | None]:
    cells: list[ReturnCell | None] = []
    for ret in row.returns:
        if ret is None:
            cells.append(None)
            continue
        overdue = ret.due_on < today and ret.status in (
            ReturnStatus.DRAFT,
            ReturnStatus.SIGNED_OFF,
            ReturnStatus.RETURNED,
        )
        cells.append(
            ReturnCell(
                label=ret.get_status_display(),
                tag="govuk-tag--red" if overdue else RETURN_TAGS[ret.status],
                url=return_url(ret.pk),
                overdue=overdue,
            )
        )
    return cells


def _national_csv(year: int, rows: list[selectors.NationalRow]) -> HttpResponse:
    response, writer = csv_response(f"devolved-funds-{financial_year_label(year)}.csv")
    writer.writerow(
        [
            "Region code",
            "Region",
            "Financial year",
            "Agreement",
            "Allocated (£)",
            "Approved (£)",
            "Paid (£)",
            "Remaining (£)",
            "% used",
            "Q1 return",
            "Q2 return",
            "Q3 return",
            "Q4 return",
            "Missing governance leads",
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.region.gss_code,
                safe_cell(row.region.name),
                financial_year_label(year),
                "Yes" if row.agreement else "No agreement",
                pence_text(row.allocated),
                pence_text(row.approved),
                pence_text(row.paid),
                pence_text(row.remaining),
                row.percent_used,
                *(ret.get_status_display() if ret else "" for ret in row.returns),
                safe_cell("; ".join(row.missing_leads)),
            ]
        )
    totals = selectors.national_totals(rows)
    writer.writerow(
        [
            "",
            "Total",
            financial_year_label(year),
            "",
            pence_text(totals["allocated"]),
            pence_text(totals["approved"]),
            pence_text(totals["paid"]),
            pence_text(totals["remaining"]),
            totals["percent_used"],
            "",
            "",
            "",
            "",
            "",
        ]
    )
    return response


def _national(request: HttpRequest, *, export: bool) -> HttpResponse:
    year = _year_from(request)
    rows = selectors.national_rows(year=year)
    if export:
        return _national_csv(year, rows)
    today = timezone.localdate()
    current = selectors.current_financial_year()
    years = sorted(set(selectors.agreement_years()) | {current, year}, reverse=True)
    totals = selectors.national_totals(rows)
    return render(
        request,
        "funds/agreements/national.html",
        {
            "year": year,
            "year_label": financial_year_label(year),
            "years": [(y, financial_year_label(y)) for y in years],
            "rows": [
                {
                    "row": row,
                    "allocated": pounds(row.allocated),
                    "approved": pounds(row.approved),
                    "paid": pounds(row.paid),
                    "remaining": pounds(row.remaining),
                    "returns": _return_cells(row, today),
                    "missing_short": ", ".join(
                        label.removeprefix("Regional lead ") for label in row.missing_leads
                    ),
                }
                for row in rows
            ],
            "totals": {
                "allocated": pounds(totals["allocated"]),
                "approved": pounds(totals["approved"]),
                "paid": pounds(totals["paid"]),
                "remaining": pounds(totals["remaining"]),
                "percent_used": totals["percent_used"],
            },
            "missing_count": sum(1 for r in rows if r.missing_leads),
            "can_manage": bool(permissions.can_manage_agreements(request.user)),
            "nav_section": "funds",
        },
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if permissions.can_view_national_funds(user):
        return _national(request, export=request.GET.get("format") == "csv")
    access.require(permissions.may_see_any_funds(user))
    agreements = list(selectors.agreement_list(user=user))
    return render(
        request,
        "funds/agreements/regional.html",
        {
            "agreements": [
                {
                    "agreement": a,
                    "allocated": pounds(a.allocated or 0),
                    "approved": pounds(a.approved or 0),
                    "paid": pounds(a.paid or 0),
                }
                for a in agreements
            ],
            "nav_section": "funds",
        },
    )


@login_required
def home_export(request: HttpRequest) -> HttpResponse:
    access.require(permissions.can_view_national_funds(request.user))
    return _national(request, export=True)


# --- Recording and changing an agreement ------------------------------------------------------


def _require_manage(user: Any) -> None:
    """Agreements are the CIB administrator's: others who see funds get a 403, the rest a 404."""
    access.require(permissions.may_see_any_funds(user))
    access.require_permission(permissions.can_manage_agreements(user))


@login_required
def agreement_create_view(request: HttpRequest) -> HttpResponse:
    _require_manage(request.user)
    form = AgreementCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                agreement = agreement_create(
                    user=request.user,
                    region=data["region"],
                    financial_year=data["financial_year"],
                    allocations=form.allocations(),
                    terms=data["terms"],
                    second_approval_threshold_pence=data["threshold"],
                    signed_on=data["signed_on"],
                )
                if data.get("signed_document"):
                    agreement_update(
                        user=request.user,
                        agreement=agreement,
                        signed_document=data["signed_document"],
                    )
        except FundsError as exc:
            form.add_error("financial_year", str(exc))
        else:
            messages.success(
                request, f"The {agreement.label} agreement for {agreement.region} is recorded."
            )
            return redirect("funds:agreement_detail", pk=agreement.pk)
    return render(
        request,
        "funds/agreements/form.html",
        {"form": form, "agreement": None, "nav_section": "funds"},
    )


@login_required
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = agreement_for(request.user, pk)
    access.require_permission(permissions.can_manage_agreements(request.user))
    allocations = {a.purpose: a for a in agreement.allocations.all()}
    initial: dict[str, Any] = {
        "terms": agreement.terms,
        "threshold": pence_text(agreement.second_approval_threshold_pence),
        "signed_on": agreement.signed_on,
    }
    for name, purpose, _label in ALLOCATION_FIELDS:
        if purpose in allocations:
            initial[name] = pence_text(allocations[purpose].amount_pence)
    form = AgreementEditForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # All the changes or none: an allocation refused rolls back the ones before it.
        with transaction.atomic():
            failed = False
            for name, purpose, _label in ALLOCATION_FIELDS:
                allocation = allocations.get(purpose)
                if allocation is None or allocation.amount_pence == data[name]:
                    continue
                try:
                    allocation_set(
                        user=request.user, allocation=allocation, amount_pence=data[name]
                    )
                except FundsError as exc:
                    form.add_error(name, str(exc))
                    failed = True
            if failed:
                transaction.set_rollback(True)
            else:
                agreement_update(
                    user=request.user,
                    agreement=agreement,
                    terms=data["terms"],
                    second_approval_threshold_pence=data["threshold"],
                    signed_on=data["signed_on"],
                    signed_document=data.get("signed_document") or None,
                )
        if not failed:
            messages.success(request, "The agreement is changed.")
            return redirect("funds:agreement_detail", pk=agreement.pk)
    return render(
        request,
        "funds/agreements/form.html",
        {"form": form, "agreement": agreement, "nav_section": "funds"},
    )


@login_required
def agreement_document(request: HttpRequest, pk: int) -> FileResponse:
    agreement = agreement_for(request.user, pk)
    if not agreement.signed_document:
        raise Http404
    filename = f"funding-agreement-{agreement.region.gss_code}-{agreement.label}.pdf"
    response = FileResponse(
        agreement.signed_document.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
