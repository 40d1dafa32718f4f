"""Peer challenge's audit action names, in the one style `<thing>.<what_happened>`: programmes
and their pairings, declared conflicts, and each challenge's workspace and scheduling.

Names once in three parts (`challenge.action.status`) were renamed; migration 0003 renames the
events already recorded."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    PROGRAMME_CREATE = "programme.create"
    PROGRAMME_PARTICIPANT_ADD = "programme.participant_add"
    PROGRAMME_PARTICIPANT_REMOVE = "programme.participant_remove"
    PROGRAMME_EXCLUSION_ADD = "programme.exclusion_add"
    PROGRAMME_EXCLUSION_REMOVE = "programme.exclusion_remove"
    PROGRAMME_GENERATE = "programme.generate"
    PROGRAMME_PUBLISH = "programme.publish"
    CONFLICT_DECLARE = "conflict.declare"
    CHALLENGE_CHALLENGERS_SET = "challenge.challengers_set"
    CHALLENGE_LOCK = "challenge.lock"
    CHALLENGE_UNLOCK = "challenge.unlock"
    CHALLENGE_STATUS = "challenge.status"
    CHALLENGE_DATES = "challenge.dates"
    CHALLENGE_DATES_AGREED = "challenge.dates_agreed"
    SELF_ASSESSMENT_SHARE = "challenge.self_assessment_share"
    DOCUMENT_UPLOAD = "challenge.document_upload"
    DOCUMENT_DELETE = "challenge.document_delete"
    FEEDBACK_ISSUE = "challenge.feedback_issue"
    # An action of the host's plan: added or its status changed; other fields changed; deleted.
    ACTION_STATUS = "challenge.action_status"
    ACTION_CHANGE = "challenge.action_change"
    ACTION_DELETE = "challenge.action_delete"
    ACTION_OVERDUE_REMINDER = "challenge.action_overdue_reminder"
