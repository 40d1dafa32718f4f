"""Who may download a report: the person who asked for it, while they may still see its
subject (the kind's own rule, from the app that declares it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cib_portal import access

from . import registry
from .models import ReportJob

if TYPE_CHECKING:
    from accounts.models import User


def can_view_report(user: User, job: ReportJob) -> bool:
    if not access.is_member(user) or job.requested_by_id != user.pk:
        return False
    return registry.get(job.kind).may_view(user, job)


def may_view_council_subject(user: User, job: ReportJob) -> bool:
    """The rule for a report about one council: confidential ones follow the council's
    confidential material, the others are published data that every member may read."""
    if job.subject_council is not None and job.is_confidential:
        return access.can_view_council_confidential(user, job.subject_council)
    return access.can_view_published(user)
