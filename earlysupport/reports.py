"""The early support dashboard as a PDF (ReportKind.RISK_DASHBOARD): England, or one region."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from regions.models import Region
from reports import registry
from reports.registry import ReportJob, ReportKind
from reports.services import report_request

from . import permissions

if TYPE_CHECKING:
    from accounts.models import User


def report_request_risk_dashboard(*, user: User, region: Region | None = None) -> ReportJob:
    """Ask for the early support dashboard (England, or one region) as a PDF: confidential, so
    access to it follows permissions.can_view_risk_dashboard for params["region_id"]."""
    return report_request(
        user=user,
        kind=ReportKind.RISK_DASHBOARD,
        subject_council=None,
        is_confidential=True,
        params={"region_id": region.pk if region is not None else None},
    )


def _render_risk_dashboard(job: ReportJob) -> dict[str, Any]:
    from .selectors.dashboards import audience_for_pdf, dashboard_picture

    region_id = job.params.get("region_id")
    picture = dashboard_picture(audience_for_pdf(region_id))
    return {
        "picture": picture,
        "region": picture.regions[0] if region_id is not None and picture.regions else None,
        "flagged": [r for r in picture.rows if r.open_flags],
    }


def _may_view_risk_dashboard(user: User, job: ReportJob) -> bool:
    return bool(permissions.can_view_risk_dashboard(user, job.params.get("region_id")))


RISK_DASHBOARD = registry.ReportKindSpec(
    kind=ReportKind.RISK_DASHBOARD,
    template="reports/pdf/risk_dashboard.html",
    render=_render_risk_dashboard,
    may_view=_may_view_risk_dashboard,
)


def register() -> None:
    registry.register(RISK_DASHBOARD)
