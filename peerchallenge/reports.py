"""A peer challenge's feedback letter as a PDF (ReportKind.FEEDBACK_LETTER)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from peerchallenge import permissions
from reports import registry
from reports.registry import ReportJob, ReportKind
from reports.services import report_request

from .models import Challenge, FeedbackLetter

if TYPE_CHECKING:
    from accounts.models import User


def report_request_feedback_letter(*, user: User, challenge: Challenge) -> ReportJob:
    """Ask for a peer challenge's feedback letter as a PDF: access to it follows access to the
    challenge (permissions.can_view_challenge)."""
    return report_request(
        user=user,
        kind=ReportKind.FEEDBACK_LETTER,
        subject_council=challenge.host,
        is_confidential=True,
        params={"challenge_id": challenge.pk},
    )


def _render_feedback_letter(job: ReportJob) -> dict[str, Any]:
    challenge = Challenge.objects.select_related("host__region", "programme__region").get(
        pk=job.params["challenge_id"]
    )
    letter = FeedbackLetter.objects.select_related("issued_by").get(challenge=challenge)
    challengers = list(challenge.challengers.select_related("council", "person"))
    return {"challenge": challenge, "letter": letter, "challengers": challengers}


def _may_view_feedback_letter(user: User, job: ReportJob) -> bool:
    challenge = Challenge.objects.filter(pk=job.params.get("challenge_id")).first()
    return challenge is not None and bool(permissions.can_view_challenge(user, challenge))


FEEDBACK_LETTER = registry.ReportKindSpec(
    kind=ReportKind.FEEDBACK_LETTER,
    template="reports/pdf/feedback_letter.html",
    render=_render_feedback_letter,
    may_view=_may_view_feedback_letter,
)


def register() -> None:
    registry.register(FEEDBACK_LETTER)
