"""An agreement's budget page: allocated, approved, awaiting, paid and remaining per purpose,
the chart of cumulative spend by month, its returns, and the same as CSV.

A region's funds the user may not see are a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cib_portal.csv_export import csv_response, safe_cell

from .. import permissions, selectors
from ..models import FundingAgreement, SpendStatus
from ..selectors import MonthPoint
from ..services import budget, budget_total, pence_text, pounds
from .agreements import RETURN_TAGS, agreement_for, request_list_url, return_url

# --- The chart ------------------------------------------------------------------------------

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
    agreement = agreement_for(request.user, pk)
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
            "can_manage": bool(permissions.can_manage_agreements(request.user)),
            "nav_section": "funds",
        },
    )


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _budget(request, pk, export=request.GET.get("format") == "csv")


@login_required
def agreement_export(request: HttpRequest, pk: int) -> HttpResponse:
    return _budget(request, pk, export=True)
