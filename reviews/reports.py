"""The published review report as a PDF (ReportKind.REVIEW_REPORT)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reports import registry
from reports.registry import ReportJob, ReportKind
from reports.services import report_request

from .models import Booking
from .permissions import can_download_report

if TYPE_CHECKING:
    from accounts.models import User


def report_request_review_report(*, user: User, booking: Booking) -> ReportJob:
    """Ask for a published review report as a PDF: confidential to those who may see the
    council's confidential material."""
    return report_request(
        user=user,
        kind=ReportKind.REVIEW_REPORT,
        subject_council=booking.council,
        is_confidential=True,
        params={"booking_id": booking.pk},
    )


def _render_review_report(job: ReportJob) -> dict[str, Any]:
    booking = Booking.objects.select_related("council__region", "product", "report").get(
        pk=job.params["booking_id"]
    )
    team = list(booking.team.filter(is_active=True).select_related("reviewer"))
    return {"booking": booking, "report": booking.report, "team": team}


def _may_view_review_report(user: User, job: ReportJob) -> bool:
    # The PDF follows the report's own rule (the published report: whoever sees the booking,
    # its team included), not the council-confidential rule.
    found = Booking.objects.select_related("council").filter(pk=job.params.get("booking_id"))
    booking = found.first()
    return booking is not None and bool(can_download_report(user, booking))


REVIEW_REPORT = registry.ReportKindSpec(
    kind=ReportKind.REVIEW_REPORT,
    template="reports/pdf/review_report.html",
    render=_render_review_report,
    may_view=_may_view_review_report,
)


def register() -> None:
    registry.register(REVIEW_REPORT)
