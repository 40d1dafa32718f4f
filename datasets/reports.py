"""The data profile PDF (ReportKind.DATA_PROFILE): the same partials, figures and charts as
the council's data profile page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cib_portal import access
from regions.models import Council
from reports import registry
from reports.registry import ReportJob, ReportKind
from reports.services import report_request

from . import permissions

if TYPE_CHECKING:
    from accounts.models import User


def report_request_data_profile(
    *, user: User, council: Council, include_local: bool = False
) -> ReportJob:
    """Ask for a council's data profile as a PDF. It is published data unless the council's
    local indicators are included, and then access to it follows access to the council's
    local indicators (permissions.can_view_local_indicators)."""
    return report_request(
        user=user,
        kind=ReportKind.DATA_PROFILE,
        subject_council=council,
        is_confidential=include_local,
        params={"include_local": include_local},
    )


def _render_data_profile(job: ReportJob) -> dict[str, Any]:
    from . import selectors

    council = job.subject_council
    if council is None:
        raise ValueError("a data profile is of one council, and this job names none")
    context = selectors.data_profile(council=council)
    local_rows: list[dict] = []
    if job.params.get("include_local") and permissions.can_view_local_indicators(
        job.requested_by, council
    ):
        local_rows = selectors.local_profile_rows(user=job.requested_by, council=council)
    return {
        **context,
        "local_rows": local_rows,
        "include_local": bool(local_rows),
        "for_pdf": True,
    }


def _may_view_data_profile(user: User, job: ReportJob) -> bool:
    # A data profile is confidential only for the local indicators it carries.
    if job.subject_council is not None and job.is_confidential:
        return bool(permissions.can_view_local_indicators(user, job.subject_council))
    return access.can_view_published(user)


DATA_PROFILE = registry.ReportKindSpec(
    kind=ReportKind.DATA_PROFILE,
    template="reports/pdf/data_profile.html",
    render=_render_data_profile,
    may_view=_may_view_data_profile,
)


def register() -> None:
    registry.register(DATA_PROFILE)
