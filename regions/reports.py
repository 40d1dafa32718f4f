"""The council summary PDF (ReportKind.COUNCIL_PROFILE): the council page, on paper."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reports import registry
from reports.permissions import may_view_council_subject
from reports.registry import ReportJob, ReportKind
from reports.services import report_request

from .models import Council
from .selectors import council_detail

if TYPE_CHECKING:
    from accounts.models import User


def report_request_council_profile(*, user: User, council: Council) -> ReportJob:
    """Ask for a council's summary as a PDF; the job is queued when the transaction commits."""
    return report_request(user=user, kind=ReportKind.COUNCIL_PROFILE, subject_council=council)


def _render_council_profile(job: ReportJob) -> dict[str, Any]:
    if job.subject_council is None:
        raise ValueError("a council summary is of one council, and this job names none")
    council = council_detail(user=job.requested_by, gss_code=job.subject_council.gss_code)
    return {
        "council": council,
        "neighbours": list(council.neighbour_links.all()),
        "inspections": list(council.inspections.all()),
    }


COUNCIL_PROFILE = registry.ReportKindSpec(
    kind=ReportKind.COUNCIL_PROFILE,
    template="reports/pdf/council_profile.html",
    render=_render_council_profile,
    may_view=may_view_council_subject,
)


def register() -> None:
    registry.register(COUNCIL_PROFILE)
