"""A region's quarterly return to CIB as a PDF (ReportKind.FUNDS_RETURN)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reports import registry
from reports.registry import ReportJob, ReportKind
from reports.services import report_request

from . import permissions
from .models import QuarterlyReturn
from .services.returns import (
    FIGURE_HEADINGS,
    computed_at,
    figure_rows,
    figures_for_display,
    is_overdue,
    quarter_period,
)

if TYPE_CHECKING:
    from accounts.models import User


def report_request_funds_return(*, user: User, ret: QuarterlyReturn) -> ReportJob:
    """Ask for a region's quarterly return to CIB as a PDF: access to it follows access to the
    region's funds (permissions.can_view_funds)."""
    return report_request(
        user=user,
        kind=ReportKind.FUNDS_RETURN,
        subject_council=None,
        is_confidential=True,
        params={"return_id": ret.pk},
    )


def _render_funds_return(job: ReportJob) -> dict[str, Any]:
    ret = QuarterlyReturn.objects.select_related(
        "agreement__region", "drafted_by", "signed_off_by", "submitted_by", "reviewed_by"
    ).get(pk=job.params["return_id"])
    figures, frozen = figures_for_display(ret)
    return {
        "ret": ret,
        "agreement": ret.agreement,
        "headings": [label for _, label in FIGURE_HEADINGS],
        "rows": figure_rows(figures),
        "frozen": frozen,
        "computed_at": computed_at(figures) if frozen else None,
        "overdue": is_overdue(ret),
        "period": quarter_period(ret.agreement.financial_year, ret.quarter),
    }


def _may_view_funds_return(user: User, job: ReportJob) -> bool:
    ret = QuarterlyReturn.objects.filter(pk=job.params.get("return_id")).first()
    return ret is not None and bool(permissions.can_view_funds(user, ret.agreement.region_id))


FUNDS_RETURN = registry.ReportKindSpec(
    kind=ReportKind.FUNDS_RETURN,
    template="reports/pdf/funds_return.html",
    render=_render_funds_return,
    may_view=_may_view_funds_return,
)


def register() -> None:
    registry.register(FUNDS_RETURN)
