"""The daily peer challenge reminders: the follow-up review 14 days ahead (once), and overdue
actions (at most once a week per action)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import AuditEvent
from peerchallenge.models import Action
from peerchallenge.tasks import challenge_reminders_send, send_challenge_reminders

pytestmark = pytest.mark.django_db


@pytest.fixture
def after_feedback(challenge):
    """On site 2 to 3 June 2026, letter issued; follow-up 6 months later: 3 December 2026."""
    challenge.starts_on, challenge.ends_on = date(2026, 6, 2), date(2026, 6, 3)
    challenge.status = "feedback"
    challenge.save()
    return challenge


def test_the_follow_up_reminder_goes_14_days_ahead_once(
    after_feedback, dcs, officer, challenger, other_challenger
):
    assert after_feedback.follow_up_due() == date(2026, 12, 3)
    assert challenge_reminders_send(today=date(2026, 11, 18)) == 0  # 15 days ahead
    assert mail.outbox == []
    assert challenge_reminders_send(today=date(2026, 11, 19)) == 1  # 14 days ahead
    message = mail.outbox[0]
    assert "Leeds" in message.subject and "3 December 2026" in message.body
    assert set(message.to) == {dcs.email, challenger.email}  # senior leaders and challengers
    assert officer.email not in message.to and other_challenger.email not in message.to
    after_feedback.refresh_from_db()
    assert after_feedback.follow_up_reminder_sent_on == date(2026, 11, 19)
    assert challenge_reminders_send(today=date(2026, 11, 20)) == 0
    assert len(mail.outbox) == 1


def test_an_explicit_follow_up_date_is_used_and_a_completed_review_is_not_reminded(
    after_feedback, dcs
):
    after_feedback.follow_up_on = date(2027, 1, 10)
    after_feedback.save()
    assert challenge_reminders_send(today=date(2026, 11, 19)) == 0
    assert challenge_reminders_send(today=date(2026, 12, 31)) == 1
    assert "10 January 2027" in mail.outbox[0].body
    after_feedback.follow_up_reminder_sent_on = None
    after_feedback.follow_up_completed_on = date(2026, 12, 31)
    after_feedback.save()
    assert challenge_reminders_send(today=date(2026, 12, 31)) == 0


def test_a_follow_up_that_is_due_moves_the_challenge_to_follow_up(after_feedback, dcs):
    challenge_reminders_send(today=date(2026, 12, 3))
    after_feedback.refresh_from_db()
    assert after_feedback.status == "follow_up"


def test_overdue_actions_are_sent_to_the_hosts_senior_leaders_at_most_weekly(
    challenge, dcs, officer, challenger
):
    today = timezone.localdate()
    overdue = Action.objects.create(
        challenge=challenge, title="Audit supervision", owner="Head", due_on=today - timedelta(1)
    )
    Action.objects.create(
        challenge=challenge,
        title="Finished thing",
        owner="Head",
        due_on=today - timedelta(9),
        status="done",
    )
    Action.objects.create(
        challenge=challenge, title="Not yet due", owner="Head", due_on=today + timedelta(3)
    )
    assert challenge_reminders_send(today=today) == 1
    message = mail.outbox[0]
    assert message.to == [dcs.email]
    assert "Audit supervision" in message.body
    assert "Finished thing" not in message.body and "Not yet due" not in message.body
    # Not again within the week...
    assert challenge_reminders_send(today=today) == 0
    # ...but again once a week has passed.
    AuditEvent.objects.filter(object_id=str(overdue.pk)).update(
        at=timezone.now() - timedelta(days=8)
    )
    assert challenge_reminders_send(today=today) == 1
    assert len(mail.outbox) == 2


def test_actions_of_a_closed_challenge_are_not_chased(challenge, dcs):
    today = timezone.localdate()
    Action.objects.create(
        challenge=challenge, title="Old", owner="Head", due_on=today - timedelta(5)
    )
    challenge.status = "closed"
    challenge.save()
    assert challenge_reminders_send(today=today) == 0


def test_the_task_calls_the_function(challenge, dcs):
    today = timezone.localdate()
    Action.objects.create(
        challenge=challenge, title="Late", owner="Head", due_on=today - timedelta(2)
    )
    assert send_challenge_reminders.apply().get() == 1
