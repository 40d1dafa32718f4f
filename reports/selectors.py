"""Reads for report jobs: a person sees only the reports they asked for and may still see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from cib_portal import access

from .models import ReportJob


def report_list(*, user: Any) -> QuerySet[ReportJob]:
    """The user's own report jobs, newest first."""
    if not access.is_member(user):
        return ReportJob.objects.none()
    return ReportJob.objects.filter(requested_by=user).select_related("subject_council")


def report_get(*, user: Any, job_id: Any) -> ReportJob:
    """One job the user may see, or Http404."""
    job = ReportJob.objects.select_related("subject_council").filter(pk=job_id).first()
    if job is None or not access.can_view_report(user, job):
        raise Http404
    return job
