"""Scheduling a peer challenge: proposing dates, answering the poll, agreeing the dates
(which emails every participant the calendar entry)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from peerchallenge.audit_actions import Action as Audit
from peerchallenge.ics import challenge_calendar as calendar_text
from peerchallenge.models import Challenge, ChallengeStatus, DateOption, DateVote
from regions.models import COUNCIL_SENIOR_ROLES, Membership

if TYPE_CHECKING:
    from accounts.models import User

# A challenge whose dates may still be agreed (or changed): not once feedback is given.
AGREEABLE = (ChallengeStatus.PROPOSED, ChallengeStatus.PREPARING, ChallengeStatus.SCHEDULED)


class SchedulingError(Exception):
    """A scheduling step that cannot be done, with a message a person can act on."""


def date_option_propose(
    *, challenge: Challenge, starts_on: date, ends_on: date, proposed_by: User
) -> DateOption:
    """Add a date range to the challenge's poll."""
    return DateOption.objects.create(
        challenge=challenge, starts_on=starts_on, ends_on=ends_on, proposed_by=proposed_by
    )


@transaction.atomic
def date_votes_record(*, challenge: Challenge, user: User, answers: dict[int, str]) -> int:
    """Record (or change) one person's answers to the challenge's proposed dates."""
    options = set(challenge.date_options.filter(pk__in=list(answers)).values_list("pk", flat=True))
    for option_id, answer in answers.items():
        if option_id in options:
            DateVote.objects.update_or_create(
                option_id=option_id, user=user, defaults={"answer": answer}
            )
    return len(options)


def participant_emails(challenge: Challenge) -> list[str]:
    """Who hears about the agreed dates: the host's senior leaders, the assigned challengers
    and the attendees."""
    emails = set(
        Membership.objects.active()
        .filter(organisation__council_id=challenge.host_id, role__in=COUNCIL_SENIOR_ROLES)
        .values_list("user__email", flat=True)
    )
    emails |= set(
        challenge.challengers.filter(person__isnull=False).values_list("person__email", flat=True)
    )
    emails |= set(challenge.attendees.values_list("email", flat=True))
    return sorted(e for e in emails if e)


def _send_agreed_emails(challenge_id: int) -> None:
    challenge = Challenge.objects.select_related("host").get(pk=challenge_id)
    recipients = participant_emails(challenge)
    if not recipients:
        return
    ics = calendar_text(challenge)
    subject = f"[CIB portal] Peer challenge of {challenge.host.name}: dates agreed"
    body = (
        f"The dates of the peer challenge of {challenge.host.name} are agreed: "
        f"{challenge.starts_on:%-d %B %Y} to {challenge.ends_on:%-d %B %Y}.\n\n"
        "The calendar entry is attached. See the challenge in the CIB portal under Peer "
        "challenge.\n"
    )
    messages_out = []
    for email in recipients:
        message = EmailMessage(subject, body, None, [email])
        message.attach("peer-challenge.ics", ics, "text/calendar")
        messages_out.append(message)
    get_connection(fail_silently=True).send_messages(messages_out)


@transaction.atomic
def date_option_agree(*, challenge: Challenge, option: DateOption, actor: User) -> Challenge:
    """Agree one proposed date range: it becomes the challenge's dates, and every participant
    is emailed the calendar entry."""
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if challenge.status not in AGREEABLE:
        raise SchedulingError(
            "The dates cannot change now: feedback has been given on this challenge."
        )
    if option.starts_on < timezone.localdate():
        raise SchedulingError("These dates have passed. Propose new dates and agree those.")
    before = {
        "starts_on": str(challenge.starts_on or ""),
        "ends_on": str(challenge.ends_on or ""),
        "status": challenge.status,
    }
    challenge.starts_on, challenge.ends_on = option.starts_on, option.ends_on
    challenge.status = ChallengeStatus.SCHEDULED
    challenge.save(update_fields=["starts_on", "ends_on", "status", "updated_at"])
    audit_record(
        actor=actor,
        action=Audit.CHALLENGE_DATES_AGREED,
        obj=challenge,
        summary=f"Dates agreed: {option}",
        before=before,
        after={
            "starts_on": str(option.starts_on),
            "ends_on": str(option.ends_on),
            "status": challenge.status,
        },
    )
    transaction.on_commit(lambda: _send_agreed_emails(challenge.pk))
    return challenge
