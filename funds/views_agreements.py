"""Funding agreements and budgets: the national view (every region's allocation, spend and
returns for a year), a region's agreements, recording and changing an agreement (the CIB
administrator), the signed document, and an agreement's budget with its chart of spend.

A region's funds the user may not see are a 404; a page they may see but not change is a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from cib_portal import access
from cib_portal.csv_export import csv_response, safe_cell
from cib_portal.downloads import content_disposition

from . import selectors
from .forms_agreements import (
    ALLOCATION_FIELDS,
    AgreementCreateForm,
    AgreementEditForm,
)
from .models import FundingAgreement, ReturnStatus, SpendStatus, financial_year_label
from .selectors import MonthPoint
from .services import (
    FundsError,
    agreement_create,
    agreement_update,
    allocation_set,
    budget,
    budget_total,
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


def _agreement_for(user: Any, pk: int) -> FundingAgreement:
    """The agreement if the user may see its region's funds; a 404 otherwise."""
    agreement = get_object_or_404(FundingAgreement.objects.select_related("region"), pk=pk)
    access.require(access.can_view_funds(user, agreement.region_id))
    return agreement


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
            "can_manage": access.can_manage_agreements(request.user),
            "nav_section": "funds",
        },
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if access.can_view_national_funds(user):
        return _national(request, export=request.GET.get("format") == "csv")
    access.require(access.may_see_any_funds(user))
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
    access.require(access.can_view_national_funds(request.user))
    return _national(request, export=True)


# --- Recording and changing an agreement ------------------------------------------------------


def _require_manage(user: Any) -> None:
    """Agreements are the CIB administrator's: others who see funds get a 403, the rest a 404."""
    access.require(access.may_see_any_funds(user))
    if not access.can_manage_agreements(user):
        raise PermissionDenied


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
    agreement = _agreement_for(request.user, pk)
    if not access.can_manage_agreements(request.user):
        raise PermissionDenied
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
    agreement = _agreement_for(request.user, pk)
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


# --- The budget ------------------------------------------------------------------------------

CHART_WIDTH = 720
CHART_HEIGHT = 320
PLOT_LEFT = 90
PLOT_RIGHT = 700
PLOT_TOP = 20
PLOT_BOTTOM = 270


def _nice_max(value: int) -> int:
    """A round ceiling for the chart's scale (pence)."""
    if value <= 0:
        return 100
    step = 1
    while step * 10 <= value:
        step *= 10
    for m in (1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10):
        if m * step >= value:
            return int(m * step)
    return 10 * step


def chart(series: list[MonthPoint], allocated: int) -> dict[str, Any]:
    """Coordinates for the SVG chart of cumulative approved and paid spend by month: the axis
    has every month of the year, the lines only the months that have begun."""
    begun = [p for p in series if p.started]
    top = _nice_max(
        max([allocated] + [p.approved or 0 for p in begun] + [p.paid or 0 for p in begun])
    )
    width = PLOT_RIGHT - PLOT_LEFT
    height = PLOT_BOTTOM - PLOT_TOP
    step = width / (len(series) - 1) if len(series) > 1 else width

    def x(i: int) -> float:
        return round(PLOT_LEFT + i * step, 1)

    def y(pence: int) -> float:
        return round(PLOT_BOTTOM - height * pence / top, 1)

    ticks = [
        {"y": y(top * i // 4), "label": pounds(top * i // 4).removesuffix(".00")} for i in range(5)
    ]
    drawn = list(enumerate(begun))  # months that have begun come first in the year
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": PLOT_LEFT,
        "right": PLOT_RIGHT,
        "top": PLOT_TOP,
        "bottom": PLOT_BOTTOM,
        "ticks": ticks,
        "months": [{"x": x(i), "label": p.short} for i, p in enumerate(series)],
        "label_y": PLOT_BOTTOM + 20,
        "allocation_y": y(allocated),
        "months_begun": len(begun),
        "approved_points": " ".join(f"{x(i)},{y(p.approved)}" for i, p in drawn),
        "paid_points": " ".join(f"{x(i)},{y(p.paid)}" for i, p in drawn),
        "approved_dots": [{"x": x(i), "y": y(p.approved)} for i, p in drawn],
        "paid_dots": [{"x": round(x(i) - 4, 1), "y": round(y(p.paid) - 4, 1)} for i, p in drawn],
    }


def _budget_csv(agreement: FundingAgreement, lines, total, series) -> HttpResponse:
    response, writer = csv_response(f"budget-{agreement.region.gss_code}-{agreement.label}.csv")
    writer.writerow(
        [
            "Purpose",
            "Allocated (£)",
            "Approved spend (£)",
            "Paid (£)",
            "Remaining (£)",
            "Share of allocation approved (%)",
        ]
    )
    for line in [*lines, total]:
        writer.writerow(
            [
                safe_cell(line.label),
                pence_text(line.allocated),
                pence_text(line.approved),
                pence_text(line.paid),
                pence_text(line.remaining),
                line.percent_approved,
            ]
        )
    writer.writerow([])
    writer.writerow(["Month", "Approved to date (£)", "Paid to date (£)", "Allocation (£)"])
    for point in series:
        # A month that has not begun has no figures yet (empty cells, not zeros).
        writer.writerow(
            [
                point.month,
                pence_text(point.approved) if point.started else "",
                pence_text(point.paid) if point.started else "",
                pence_text(total.allocated),
            ]
        )
    return response


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _due_text(due: selectors.ReturnDue) -> str:
    # Beside the return's status tag, on a line of its own: "Overdue: 126 days" once, not a
    # second tag that runs into the status ("Draft Overdue 126 days overdue").
    if due.overdue:
        return f"Overdue: {_days(due.days)}"
    return "Due today" if due.days == 0 else f"Due in {_days(due.days)}"


def _awaiting_cell(awaiting: selectors.Awaiting, url: str) -> dict[str, Any]:
    count = awaiting.count
    return {
        "amount": pounds(awaiting.amount),
        "count": count,
        "label": f"{count} request" if count == 1 else f"{count} requests",
        "url": url if count else None,
    }


def _budget(request: HttpRequest, pk: int, *, export: bool) -> HttpResponse:
    agreement = _agreement_for(request.user, pk)
    lines = budget(agreement)
    total = budget_total(lines)
    today = timezone.localdate()
    series = selectors.monthly_series(agreement, today=today)
    if export:
        return _budget_csv(agreement, lines, total, series)
    returns = list(agreement.returns.order_by("quarter"))
    due = {
        d.ret.pk: d
        for d in selectors.returns_due_or_overdue(user=request.user, today=today)
        if d.ret.agreement_id == agreement.pk
    }
    awaiting = selectors.awaiting_decision(agreement)
    awaiting_url = f"{request_list_url(agreement)}&status={SpendStatus.SUBMITTED}"
    return render(
        request,
        "funds/agreements/detail.html",
        {
            "agreement": agreement,
            "lines": [
                {
                    "line": line,
                    "allocated": pounds(line.allocated),
                    "approved": pounds(line.approved),
                    "awaiting": _awaiting_cell(
                        awaiting.get(line.purpose, selectors.Awaiting()),
                        awaiting_url
                        if line.purpose == "total"
                        else f"{awaiting_url}&purpose={line.purpose}",
                    ),
                    "paid": pounds(line.paid),
                    "remaining": pounds(line.remaining),
                }
                for line in [*lines, total]
            ],
            "awaiting": _awaiting_cell(awaiting["total"], awaiting_url),
            "threshold": pounds(agreement.second_approval_threshold_pence),
            "series": [
                {"month": p.month, "approved": pounds(p.approved), "paid": pounds(p.paid)}
                for p in series
                if p.started
            ],
            "months_to_come": sum(1 for p in series if not p.started),
            "series_to": next((p.month for p in reversed(series) if p.started), ""),
            "total_allocated": pounds(total.allocated),
            "chart": chart(series, total.allocated),
            "returns": [
                {
                    "ret": r,
                    "url": return_url(r.pk),
                    "tag": RETURN_TAGS[r.status],
                    "overdue": due[r.pk].overdue if r.pk in due else False,
                    "due_soon": r.pk in due and not due[r.pk].overdue,
                    "due_text": _due_text(due[r.pk]) if r.pk in due else "",
                }
                for r in returns
            ],
            "overdue_returns": [
                {"ret": d.ret, "url": return_url(d.ret.pk), "days": _days(d.days)}
                for d in due.values()
                if d.overdue
            ],
            "requests_url": request_list_url(agreement),
            "can_manage": access.can_manage_agreements(request.user),
            "nav_section": "funds",
        },
    )


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _budget(request, pk, export=request.GET.get("format") == "csv")


@login_required
def agreement_export(request: HttpRequest, pk: int) -> HttpResponse:
    return _budget(request, pk, export=True)
