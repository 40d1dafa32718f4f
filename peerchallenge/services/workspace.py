"""Changes to a challenge's workspace: the self-assessment, documents, key lines of enquiry,
on-site dates and attendees, the feedback letter, the action plan and the follow-up review.

The views check who may make a change (peerchallenge.permissions) and validate the form; these
functions make it. Each raises `WorkspaceError` with a message for the person who asked when a
rule refuses, and records the sensitive changes in the audit log.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record, fields_of
from peerchallenge.audit_actions import Action as Audit
from peerchallenge.documents import download_name
from peerchallenge.models import (
    Action,
    Attendee,
    Challenge,
    ChallengeDocument,
    ChallengeStatus,
    FeedbackLetter,
    LineOfEnquiry,
    SelfAssessment,
)

if TYPE_CHECKING:
    from accounts.models import User

SELF_ASSESSMENT_FIELDS = ("summary", "understanding", "planning", "doing", "reviewing")
ATTENDEE_FIELDS = ("name", "email", "role", "organisation")
FEEDBACK_LETTER_FIELDS = ("summary", "strengths", "areas_to_consider")
ACTION_FIELDS = ("title", "owner", "due_on", "status", "evidence")
FOLLOW_UP_FIELDS = (
    "follow_up_months",
    "follow_up_on",
    "follow_up_notes",
    "follow_up_completed_on",
)


class WorkspaceError(Exception):
    """A workspace change cannot be made; the message says why, for the person who asked."""


# --- Self-assessment -------------------------------------------------------------------------


@transaction.atomic
def self_assessment_save(*, user: User, challenge: Challenge, data: dict) -> SelfAssessment:
    """Write the host's self-assessment, creating it the first time."""
    sa = SelfAssessment.objects.select_for_update().filter(challenge=challenge).first()
    if sa is None:
        sa = SelfAssessment(challenge=challenge)
    for name in SELF_ASSESSMENT_FIELDS:
        setattr(sa, name, data[name])
    sa.updated_by = user
    sa.save()
    return sa


@transaction.atomic
def self_assessment_share(*, user: User, challenge: Challenge) -> SelfAssessment:
    """Share the self-assessment with the assigned challengers (once; sharing again is a no-op)."""
    sa = SelfAssessment.objects.select_for_update().filter(challenge=challenge).first()
    if sa is None:
        raise WorkspaceError("Write the self-assessment before sharing it.")
    if not sa.shared_at:
        sa.shared_at = timezone.now()
        sa.updated_by = user
        sa.save(update_fields=["shared_at", "updated_by", "updated_at"])
        audit_record(
            actor=user,
            action=Audit.SELF_ASSESSMENT_SHARE,
            obj=challenge,
            summary=f"Shared the self-assessment of {challenge.host} with its challengers",
        )
    return sa


# --- Documents -------------------------------------------------------------------------------


@transaction.atomic
def document_add(*, user: User, challenge: Challenge, title: str, upload: Any) -> ChallengeDocument:
    """Store an uploaded (already checked) document in the challenge's workspace."""
    document = ChallengeDocument(
        challenge=challenge,
        title=title,
        content_type=upload.checked_content_type,
        size=upload.size,
        uploaded_by=user,
    )
    document.file.save(download_name(document.title, upload.name), upload, save=False)
    document.save()
    audit_record(
        actor=user,
        action=Audit.DOCUMENT_UPLOAD,
        obj=document,
        summary=f"Uploaded “{document.title}” to the challenge of {challenge.host}",
        after={"challenge": challenge.pk, "size": document.size},
    )
    return document


@transaction.atomic
def document_delete(*, user: User, document: ChallengeDocument) -> None:
    """Delete a document; its file goes from storage once the deletion is committed."""
    challenge = document.challenge
    title = document.title
    audit_record(
        actor=user,
        action=Audit.DOCUMENT_DELETE,
        obj=document,
        summary=f"Deleted “{title}” from the challenge of {challenge.host}",
        before={"challenge": challenge.pk, "title": title, "size": document.size},
    )
    stored = document.file.name
    storage = document.file.storage
    document.delete()
    transaction.on_commit(lambda: storage.delete(stored))


# --- Key lines of enquiry --------------------------------------------------------------------


def line_add(*, user: User, challenge: Challenge, data: dict) -> LineOfEnquiry:
    """Add a key line of enquiry at the given position."""
    return LineOfEnquiry.objects.create(
        challenge=challenge, text=data["text"], position=data["position"]
    )


def line_update(*, user: User, line: LineOfEnquiry, data: dict) -> LineOfEnquiry:
    """Change a key line of enquiry's text and position."""
    line.text, line.position = data["text"], data["position"]
    line.save(update_fields=["text", "position"])
    return line


def line_delete(*, user: User, line: LineOfEnquiry) -> None:
    """Delete a key line of enquiry."""
    line.delete()


# --- On-site dates and attendees -------------------------------------------------------------


@transaction.atomic
def onsite_dates_set(
    *, user: User, challenge: Challenge, starts_on: date, ends_on: date
) -> Challenge:
    """Set the on-site days; a challenge not yet scheduled becomes scheduled."""
    before = {"starts_on": str(challenge.starts_on), "ends_on": str(challenge.ends_on)}
    challenge.starts_on = starts_on
    challenge.ends_on = ends_on
    fields = ["starts_on", "ends_on", "updated_at"]
    if challenge.status in (ChallengeStatus.PROPOSED, ChallengeStatus.PREPARING):
        challenge.status = ChallengeStatus.SCHEDULED
        fields.append("status")
    challenge.save(update_fields=fields)
    audit_record(
        actor=user,
        action=Audit.CHALLENGE_DATES,
        obj=challenge,
        summary=f"Set the on-site days of the challenge of {challenge.host}",
        before=before,
        after={"starts_on": str(challenge.starts_on), "ends_on": str(challenge.ends_on)},
    )
    return challenge


def attendee_add(*, user: User, challenge: Challenge, data: dict) -> Attendee:
    """Add someone who will attend the on-site days."""
    attendee = Attendee(challenge=challenge)
    for name in ATTENDEE_FIELDS:
        setattr(attendee, name, data[name])
    attendee.save()
    return attendee


def attendee_update(*, user: User, attendee: Attendee, data: dict) -> Attendee:
    """Change an attendee's details."""
    for name in ATTENDEE_FIELDS:
        setattr(attendee, name, data[name])
    attendee.save()
    return attendee


def attendee_delete(*, user: User, attendee: Attendee) -> None:
    """Remove an attendee."""
    attendee.delete()


# --- The feedback letter ---------------------------------------------------------------------


@transaction.atomic
def feedback_letter_save(*, user: User, challenge: Challenge, data: dict) -> FeedbackLetter:
    """Write the challengers' draft feedback letter, creating it the first time."""
    letter = FeedbackLetter.objects.select_for_update().filter(challenge=challenge).first()
    if letter is None:
        letter = FeedbackLetter(challenge=challenge)
    elif letter.issued_at:
        raise WorkspaceError("The letter has already been issued.")
    for name in FEEDBACK_LETTER_FIELDS:
        setattr(letter, name, data[name])
    letter.updated_by = user
    letter.save()
    return letter


@transaction.atomic
def feedback_letter_issue(*, user: User, challenge: Challenge) -> FeedbackLetter:
    """Issue the letter to the host; the challenge moves to feedback."""
    letter = FeedbackLetter.objects.select_for_update().filter(challenge=challenge).first()
    if letter is None:
        raise WorkspaceError("Write the feedback letter before issuing it.")
    if letter.issued_at:
        raise WorkspaceError("The letter has already been issued.")
    letter.issued_at = timezone.now()
    letter.issued_by = user
    letter.save(update_fields=["issued_at", "issued_by"])
    before = challenge.status
    challenge.status = ChallengeStatus.FEEDBACK
    challenge.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=user,
        action=Audit.FEEDBACK_ISSUE,
        obj=challenge,
        summary=f"Issued the feedback letter to {challenge.host}",
        before={"status": before},
        after={"status": challenge.status},
    )
    return letter


# --- The action plan -------------------------------------------------------------------------


def _action_save(*, user: User, action: Action, data: dict) -> Action:
    """Save an action: a new one from every field, or the fields given of one (the page's form
    gives them all, the API's PATCH some). Its status set or changed is audited as
    ACTION_STATUS, a change to its other fields as ACTION_CHANGE (with the changed fields
    before and after); a replaced evidence file is removed from storage."""
    is_new = action.pk is None
    before = {} if is_new else fields_of(action, ACTION_FIELDS)
    for name in ACTION_FIELDS:
        if name in data:
            setattr(action, name, data[name])
    upload = data.get("evidence_file")
    old_file = action.evidence_file.name if action.evidence_file else ""
    if upload:
        action.evidence_file.save(download_name(action.title, upload.name), upload, save=False)
    elif data.get("remove_evidence_file"):
        action.evidence_file = ""
    action.save()
    after = fields_of(action, ACTION_FIELDS)
    if is_new:
        audit_record(
            actor=user,
            action=Audit.ACTION_STATUS,
            obj=action,
            summary=f"“{action.title}” is {action.get_status_display().lower()}",
            before={"status": None},
            after={"status": action.status},
        )
    else:
        changed = [name for name in ACTION_FIELDS if before[name] != after[name]]
        if changed:
            audit_record(
                actor=user,
                action=Audit.ACTION_STATUS if "status" in changed else Audit.ACTION_CHANGE,
                obj=action,
                summary=(
                    f"“{action.title}” is {action.get_status_display().lower()}"
                    if "status" in changed
                    else f"Changed the action “{action.title}” of {action.challenge.host}"
                ),
                before={name: before[name] for name in changed},
                after={name: after[name] for name in changed},
            )
    if old_file and old_file != (action.evidence_file.name or ""):
        storage = action.evidence_file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return action


@transaction.atomic
def action_add(*, user: User, challenge: Challenge, data: dict) -> Action:
    """Add an action to the host's action plan."""
    return _action_save(user=user, action=Action(challenge=challenge), data=data)


@transaction.atomic
def action_update(*, user: User, action: Action, data: dict) -> Action:
    """Change an action of the host's action plan."""
    return _action_save(user=user, action=action, data=data)


@transaction.atomic
def action_delete(*, user: User, action: Action) -> None:
    """Delete an action; its evidence file goes from storage once the deletion is committed."""
    challenge = action.challenge
    title, stored = action.title, action.evidence_file.name if action.evidence_file else ""
    audit_record(
        actor=user,
        action=Audit.ACTION_DELETE,
        obj=action,
        summary=f"Deleted the action “{title}” of the challenge of {challenge.host}",
        before={"status": action.status},
    )
    storage = action.evidence_file.storage
    action.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


# --- The follow-up review --------------------------------------------------------------------


@transaction.atomic
def follow_up_save(
    *, user: User, challenge: Challenge, data: dict, today: date | None = None
) -> Challenge:
    """Record the follow-up review; completing it closes the challenge, a due one is marked."""
    today = today or timezone.localdate()
    before = challenge.status
    for name in FOLLOW_UP_FIELDS:
        setattr(challenge, name, data[name])
    if challenge.follow_up_completed_on:
        challenge.status = ChallengeStatus.CLOSED
    else:
        due = challenge.follow_up_due()
        if challenge.status == ChallengeStatus.CLOSED:
            challenge.status = ChallengeStatus.FEEDBACK
        if challenge.status == ChallengeStatus.FEEDBACK and due and due <= today:
            challenge.status = ChallengeStatus.FOLLOW_UP
    challenge.save()
    if before != challenge.status:
        audit_record(
            actor=user,
            action=Audit.CHALLENGE_STATUS,
            obj=challenge,
            summary=f"The challenge of {challenge.host} is "
            f"{challenge.get_status_display().lower()}",
            before={"status": before},
            after={"status": challenge.status},
        )
    return challenge
