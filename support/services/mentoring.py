"""Writes for mentoring and asks and offers between councils, each audited (and emailed where
a person should know).

Capacity is a hard rule (support.matching): confirming a mentor locks the mentor's row and
counts this financial year's mentees under the lock, so two advisers confirming a mentor's last
place at once confirm one and are refused the other, with the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_record

from .. import matching, permissions
from ..audit_actions import Action
from ..models.mentoring import (
    AskKind,
    AssignmentStatus,
    CouncilAsk,
    CouncilMatch,
    Mentor,
    MentorAssignment,
)
from ..models.offers import RequestStatus, SupportRequest
from ..selectors import mentoring as reads
from .common import SupportError

if TYPE_CHECKING:
    import datetime

    from accounts.models import User
    from regions.models import Council

# A mentor is proposed for, and confirmed on, requests still being decided or delivered.
MENTORING_STATUSES = frozenset(
    {
        RequestStatus.REQUESTED,
        RequestStatus.WAITING,
        RequestStatus.ACCEPTED,
        RequestStatus.IN_DELIVERY,
    }
)
MENTOR_FIELDS = (
    "name",
    "email",
    "user",
    "council",
    "role_kind",
    "political_group",
    "experience",
    "tags",
    "capacity_per_year",
    "active",
)


def _email(subject: str, body: str, recipients: list[str]) -> None:
    recipients = [r for r in recipients if r]
    if recipients:
        transaction.on_commit(
            lambda: send_mail(f"[CIB portal] {subject}", body, None, recipients, fail_silently=True)
        )


def _mentor_snapshot(mentor: Mentor) -> dict[str, Any]:
    return {
        "name": mentor.name,
        "email": mentor.email,
        "user": mentor.user_id,
        "council": mentor.council_id,
        "role_kind": mentor.role_kind,
        "political_group": mentor.political_group,
        "tags": list(mentor.tags),
        "capacity_per_year": mentor.capacity_per_year,
        "active": mentor.active,
        "conflicts": sorted(c.pk for c in mentor.conflicts.all()) if mentor.pk else [],
    }


@transaction.atomic
def mentor_save(
    *,
    user: User,
    mentor: Mentor | None,
    values: dict[str, Any],
    conflicts: list[Council] | None = None,
) -> Mentor:
    """Add a mentor to the register, or change one."""
    if not permissions.can_manage_mentors(user):
        raise SupportError(permissions.MENTORS_FOR_STAFF)
    before = _mentor_snapshot(mentor) if mentor is not None else None
    mentor = mentor or Mentor()
    for name in MENTOR_FIELDS:
        if name in values:
            setattr(mentor, name, values[name])
    mentor.tags = sorted({t.strip() for t in mentor.tags if t and t.strip()})
    if not mentor.email and mentor.user is not None:
        mentor.email = mentor.user.email
    mentor.save()
    if conflicts is not None:
        mentor.conflicts.set([c for c in conflicts if c.pk != mentor.council_id])
    audit_record(
        actor=user,
        action=Action.MENTOR_SAVE,
        obj=mentor,
        summary=f"{'Changed' if before else 'Added'} mentor {mentor.name}",
        before=before,
        after=_mentor_snapshot(mentor),
    )
    return mentor


def _require_mentoring(support_request: SupportRequest) -> None:
    if not reads.is_mentoring_request(support_request):
        raise SupportError("Mentors are proposed for mentoring requests only.")
    if support_request.status not in MENTORING_STATUSES:
        raise SupportError(
            f"This request is {support_request.get_status_display().lower()}: mentors are "
            "proposed and confirmed while it is being decided or delivered."
        )


def mentor_proposals(
    support_request: SupportRequest, *, political_group: str = "", limit: int = 5
) -> list[tuple[matching.Proposal, Mentor]]:
    """The best mentors for a mentoring request, with their explanations (nothing stored)."""
    request_facts, facts, by_id = reads.proposal_facts(
        support_request, political_group=political_group
    )
    declined = set(
        MentorAssignment.objects.filter(
            support_request=support_request, status=AssignmentStatus.DECLINED
        ).values_list("mentor_id", flat=True)
    )
    facts = [f for f in facts if f.id not in declined]
    return [(p, by_id[p.mentor_id]) for p in matching.propose(request_facts, facts, limit=limit)]


@transaction.atomic
def mentor_confirm(
    *,
    user: User,
    support_request: SupportRequest,
    mentor: Mentor,
    political_group: str = "",
    started: datetime.date | None = None,
) -> MentorAssignment:
    """Confirm a mentor for a mentoring request: never one a hard rule excludes (same council,
    declared conflict, no capacity left this year, inactive). Emails the mentor and the person
    who asked."""
    support_request = (
        SupportRequest.objects.select_for_update()
        .select_related("council", "offer", "requested_by")
        .get(pk=support_request.pk)
    )
    if not permissions.can_confirm_mentor(user, support_request):
        raise SupportError(permissions.ONLY_ADVISER_CONFIRMS)
    _require_mentoring(support_request)
    # The mentor's row lock serialises confirmations against their capacity.
    mentor = Mentor.objects.select_for_update().select_related("council").get(pk=mentor.pk)
    started = started or timezone.localdate()
    request_facts, facts, _ = reads.proposal_facts(support_request, political_group=political_group)
    mine = next((f for f in facts if f.id == mentor.pk), None)
    if mine is None:
        raise SupportError(f"{mentor.name} is not active on the register.")
    load = reads.mentor_loads([mentor.pk], year=reads.financial_year_of(started)).get(mentor.pk, 0)
    mine = matching.MentorFacts(**{**mine.__dict__, "load": load})
    if why := matching.exclusion(request_facts, mine):
        raise SupportError(why)
    current = reads.confirmed_assignment(support_request)
    if current is not None:
        raise SupportError(
            f"{current.mentor.name} is already confirmed for this request: end that first."
        )
    explanation = matching.score(request_facts, mine).explanation()
    assignment, _ = MentorAssignment.objects.get_or_create(
        mentor=mentor, support_request=support_request
    )
    before = {"status": assignment.status}
    assignment.status = AssignmentStatus.CONFIRMED
    assignment.explanation = explanation
    assignment.started = started
    assignment.decided_by = user
    assignment.decided_at = timezone.now()
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as exc:  # another mentor confirmed at the same moment
        raise SupportError("Another mentor was confirmed for this request just now.") from exc
    audit_record(
        actor=user,
        action=Action.MENTOR_CONFIRM,
        obj=assignment,
        summary=f"Confirmed {mentor.name} as mentor for {support_request.council}",
        before=before,
        after={"status": assignment.status, "mentor": mentor.pk, "score": explanation["score"]},
    )
    council = support_request.council
    _email(
        f"Mentoring for {council.name}",
        f"You have been confirmed as a mentor for {council.name} from {started:%-d %B %Y}.\n\n"
        f"What they need: {support_request.need}",
        [mentor.email],
    )
    _email(
        f"A mentor for {council.name}",
        f"{mentor.name} ({mentor.council.name}) has been confirmed as mentor for your request "
        f"for {support_request.offer}.",
        [support_request.requested_by.email],
    )
    return assignment


@transaction.atomic
def mentor_decline(
    *, user: User, support_request: SupportRequest, mentor: Mentor, reason: str
) -> MentorAssignment:
    """Record that a proposed (or confirmed) mentor is not to mentor this request; they are not
    proposed for it again."""
    if not permissions.can_confirm_mentor(user, support_request):
        raise SupportError(permissions.ONLY_ADVISER_CONFIRMS)
    reason = (reason or "").strip()
    if not reason:
        raise SupportError("Enter the reason the mentor is not right for this request.")
    assignment, _ = MentorAssignment.objects.select_for_update().get_or_create(
        mentor=mentor, support_request=support_request
    )
    if assignment.status == AssignmentStatus.ENDED:
        raise SupportError("This mentoring has ended: it cannot be declined.")
    before = {"status": assignment.status}
    assignment.status = AssignmentStatus.DECLINED
    assignment.started = None
    assignment.decided_by = user
    assignment.decided_at = timezone.now()
    assignment.explanation = {**assignment.explanation, "declined_because": reason}
    assignment.save()
    audit_record(
        actor=user,
        action=Action.MENTOR_DECLINE,
        obj=assignment,
        summary=f"Declined {mentor.name} for {support_request.council}: {reason}",
        before=before,
        after={"status": assignment.status, "reason": reason},
    )
    return assignment


@transaction.atomic
def mentor_end(
    *, user: User, assignment: MentorAssignment, ended: datetime.date | None = None
) -> MentorAssignment:
    """End a confirmed mentoring (it still counts in the year it started)."""
    assignment = (
        MentorAssignment.objects.select_for_update()
        .select_related("support_request__council", "mentor")
        .get(pk=assignment.pk)
    )
    if not permissions.can_confirm_mentor(user, assignment.support_request):
        raise SupportError(permissions.ONLY_ADVISER_CONFIRMS)
    if assignment.status != AssignmentStatus.CONFIRMED:
        raise SupportError("Only a confirmed mentoring can end.")
    ended = ended or timezone.localdate()
    if assignment.started and ended < assignment.started:
        raise SupportError("A mentoring cannot end before it started.")
    assignment.status = AssignmentStatus.ENDED
    assignment.ended = ended
    assignment.save()
    audit_record(
        actor=user,
        action=Action.MENTOR_END,
        obj=assignment,
        summary=f"Ended {assignment.mentor.name}'s mentoring of "
        f"{assignment.support_request.council}",
        before={"status": AssignmentStatus.CONFIRMED},
        after={"status": assignment.status, "ended": ended.isoformat()},
    )
    return assignment


# --- Asks and offers between councils -------------------------------------------------------


@transaction.atomic
def ask_post(
    *,
    user: User,
    council: Council,
    kind: str,
    theme: str,
    title: str,
    description: str,
) -> CouncilAsk:
    if not permissions.can_post_for(user, council):
        raise SupportError(permissions.ONLY_COUNCIL_POSTS)
    title, description = (title or "").strip(), (description or "").strip()
    if kind not in AskKind.values:
        raise SupportError("Choose ask or offer.")
    if not title or not description:
        raise SupportError("Enter a title and a description.")
    ask = CouncilAsk.objects.create(
        council=council,
        kind=kind,
        theme=theme,
        title=title,
        description=description,
        posted_by=user,
    )
    audit_record(
        actor=user,
        action=Action.ASK_POST,
        obj=ask,
        summary=f"{council} posted an {kind}: {title}",
        after={"kind": kind, "theme": theme, "title": title},
    )
    return ask


@transaction.atomic
def ask_close(*, user: User, ask: CouncilAsk) -> CouncilAsk:
    ask = CouncilAsk.objects.select_for_update().select_related("council").get(pk=ask.pk)
    if not (
        permissions.can_post_for(user, ask.council) or permissions.can_broker(user, ask.council)
    ):
        raise SupportError(permissions.ONLY_COUNCIL_POSTS)
    if not ask.is_open:
        raise SupportError("This post is already closed.")
    ask.is_open = False
    ask.save(update_fields=["is_open", "updated_at"])
    audit_record(
        actor=user,
        action=Action.ASK_CLOSE,
        obj=ask,
        summary=f"Closed {ask}",
        before={"is_open": True},
        after={"is_open": False},
    )
    return ask


@transaction.atomic
def match_broker(*, user: User, ask: CouncilAsk, offer: CouncilAsk, note: str = "") -> CouncilMatch:
    """Broker a match between one council's ask and another's offer: the support record of
    the help between them. Emails both posters."""
    ask, offer = (
        CouncilAsk.objects.select_for_update().select_related("council", "posted_by").get(pk=p)
        for p in (ask.pk, offer.pk)
    )
    if ask.kind == AskKind.OFFER and offer.kind == AskKind.ASK:
        ask, offer = offer, ask
    if not permissions.can_broker(user, ask.council, offer.council):
        raise SupportError(permissions.ONLY_BROKERS)
    if ask.kind != AskKind.ASK or offer.kind != AskKind.OFFER:
        raise SupportError("A match is between one council's ask and another council's offer.")
    if ask.council_id == offer.council_id:
        raise SupportError("A match is between two councils: this ask and offer are one's.")
    if not (ask.is_open and offer.is_open):
        raise SupportError("Both the ask and the offer must be open to be matched.")
    if CouncilMatch.objects.filter(ask=ask, offer=offer).exists():
        raise SupportError("This ask and offer are already matched.")
    match = CouncilMatch.objects.create(
        ask=ask, offer=offer, note=(note or "").strip(), brokered_by=user
    )
    audit_record(
        actor=user,
        action=Action.MATCH_BROKER,
        obj=match,
        summary=f"Matched {ask.council}'s ask with {offer.council}'s offer",
        after={"ask": ask.pk, "offer": offer.pk},
    )
    body = (
        f"{ask.council.name}'s ask \"{ask.title}\" has been matched with {offer.council.name}'s "
        f'offer "{offer.title}".\n\n{match.note}'
    )
    _email("A match between councils", body, [ask.posted_by.email, offer.posted_by.email])
    return match
