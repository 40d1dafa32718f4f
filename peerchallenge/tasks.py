"""Peer challenge reminders, sent by Celery beat once a day.

* 14 days (or fewer) before a follow-up review is due: the host's senior leaders and the
  assigned challengers, once per challenge (`Challenge.follow_up_reminder_sent_on`). A review
  that has become due moves the challenge to "follow-up due".
* Overdue actions (not done or dropped): the host's senior leaders, one email per challenge
  listing them, at most once a week per action. Without a field on Action, each reminder is
  recorded as an audit event on the action, and an action reminded in the last 7 days is left
  out.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from audit import selectors as audit_selectors
from audit.services import audit_record
from cib_portal.tasks import reliable_task
from peerchallenge.audit_actions import Action as Audit
from regions.models import COUNCIL_SENIOR_ROLES, Membership

from .models import Action, ActionStatus, Challenge, ChallengeStatus

FOLLOW_UP_NOTICE_DAYS = 14
ACTION_REMINDER_EVERY_DAYS = 7
ACTION_REMINDER_EVENT = Audit.ACTION_OVERDUE_REMINDER
FOLLOW_UP_STATUSES = (
    ChallengeStatus.SCHEDULED,
    ChallengeStatus.FEEDBACK,
    ChallengeStatus.FOLLOW_UP,
)


def _senior_leader_emails(council_ids: set[int], today: date) -> dict[int, set[str]]:
    emails: dict[int, set[str]] = {}
    for council_id, email in (
        Membership.objects.active(on=today)
        .filter(organisation__council_id__in=council_ids, role__in=list(COUNCIL_SENIOR_ROLES))
        .values_list("organisation__council_id", "user__email")
    ):
        if email:
            emails.setdefault(council_id, set()).add(email)
    return emails


def _follow_up_reminders(today: date) -> list[tuple[str, str, list[str]]]:
    challenges = [
        ch
        for ch in Challenge.objects.filter(
            status__in=FOLLOW_UP_STATUSES,
            follow_up_completed_on__isnull=True,
        )
        .select_related("host", "programme__region")
        .prefetch_related("challengers__person")
        if ch.follow_up_due() is not None
    ]
    leaders = _senior_leader_emails({ch.host_id for ch in challenges}, today)
    messages = []
    for ch in challenges:
        due = ch.follow_up_due()
        if due <= today and ch.status == ChallengeStatus.FEEDBACK:
            Challenge.objects.filter(pk=ch.pk).update(status=ChallengeStatus.FOLLOW_UP)
            audit_record(
                actor=None,
                action=Audit.CHALLENGE_STATUS,
                obj=ch,
                summary=f"The follow-up review of {ch.host} is due",
                before={"status": ch.status},
                after={"status": ChallengeStatus.FOLLOW_UP},
            )
        if ch.follow_up_reminder_sent_on or not today <= due <= today + timedelta(
            days=FOLLOW_UP_NOTICE_DAYS
        ):
            continue
        challengers = {x.person.email for x in ch.challengers.all() if x.person and x.person.email}
        to = sorted(leaders.get(ch.host_id, set()) | challengers)
        Challenge.objects.filter(pk=ch.pk).update(follow_up_reminder_sent_on=today)
        if not to:
            continue
        body = (
            f"The follow-up review of the peer challenge of {ch.host.name} "
            f"({ch.programme.region.name} {ch.programme.year}) is due on {due:%-d %B %Y}.\n\n"
            "Sign in to the CIB portal to record the review under the challenge's "
            "“Follow-up review”."
        )
        messages.append(
            (f"[CIB portal] Follow-up review of {ch.host.name} due {due:%-d %B %Y}", body, to)
        )
    return messages


def _overdue_action_reminders(today: date) -> list[tuple[str, str, list[str]]]:
    overdue = list(
        Action.objects.filter(
            due_on__lt=today,
            status__in=[ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS],
        )
        .exclude(challenge__status=ChallengeStatus.CLOSED)
        .select_related("challenge__host")
        .order_by("challenge_id", "due_on", "pk")
    )
    since = timezone.now() - timedelta(days=ACTION_REMINDER_EVERY_DAYS)
    reminded = audit_selectors.objects_with_event_since(
        model=Action,
        object_ids=[a.pk for a in overdue],
        action=ACTION_REMINDER_EVENT,
        since=since,
    )
    by_challenge: dict[int, list[Action]] = {}
    for action in overdue:
        if str(action.pk) not in reminded:
            by_challenge.setdefault(action.challenge_id, []).append(action)
    leaders = _senior_leader_emails(
        {actions[0].challenge.host_id for actions in by_challenge.values()}, today
    )
    messages = []
    for actions in by_challenge.values():
        challenge = actions[0].challenge
        to = sorted(leaders.get(challenge.host_id, set()))
        if not to:
            continue
        lines = "\n".join(
            f"- {a.title} (owner: {a.owner}; due {a.due_on:%-d %B %Y}; "
            f"{a.get_status_display().lower()})"
            for a in actions
        )
        body = (
            f"These actions of {challenge.host.name}'s peer challenge action plan are overdue:\n\n"
            f"{lines}\n\nSign in to the CIB portal to update them under the challenge's "
            "“Action plan”."
        )
        for a in actions:
            audit_record(
                actor=None,
                action=ACTION_REMINDER_EVENT,
                obj=a,
                summary=f"Reminded {challenge.host.name} that “{a.title}” is overdue",
            )
        count = len(actions)
        messages.append(
            (
                f"[CIB portal] {count} overdue action{'s' if count != 1 else ''} "
                f"in {challenge.host.name}'s plan",
                body,
                to,
            )
        )
    return messages


@transaction.atomic
def challenge_reminders_send(today: date | None = None) -> int:
    """Send the day's follow-up and overdue-action reminders; return how many emails."""
    today = today or timezone.localdate()
    messages = _follow_up_reminders(today) + _overdue_action_reminders(today)
    for subject, body, to in messages:
        send_mail(subject, body, None, to, fail_silently=False)
    return len(messages)


@reliable_task
def send_challenge_reminders(self) -> int:
    """Celery beat, daily: the peer challenge reminders."""
    return challenge_reminders_send()
