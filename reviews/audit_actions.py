"""Reviews' audit action names, in the one style `<thing>.<what_happened>`: bookings and their
entitlement, the reports, the reviewer register, review teams and the pipeline's capacity."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    BOOKING_REQUEST = "booking.request"
    BOOKING_STATUS = "booking.status"
    BOOKING_RESCHEDULE = "booking.reschedule"
    BOOKING_CANCEL = "booking.cancel"
    BOOKING_OVERRIDE_FREE = "booking.override_free"
    BOOKING_IMPORT_HISTORY = "booking.import_history"
    REVIEW_REPORT_SAVE = "review_report.save"
    REVIEW_REPORT_PUBLISH = "review_report.publish"
    REVIEWER_CREATE = "reviewer.create"
    REVIEWER_UPDATE = "reviewer.update"
    REVIEWER_IMPORT = "reviewer.import"
    REVIEWER_ACCREDITATION_ADD = "reviewer.accreditation_add"
    REVIEWER_CONFLICT_DECLARE = "reviewer.conflict_declare"
    REVIEWER_ACCREDITATION_REMOVE = "reviewer.accreditation_remove"
    REVIEWER_CONFLICT_REMOVE = "reviewer.conflict_remove"
    REVIEWER_EMPLOYMENT_REMOVE = "reviewer.employment_remove"
    REVIEWER_FEED_ROTATE = "reviewer.feed_rotate"
    REVIEWER_FEED_REVOKE = "reviewer.feed_revoke"
    TEAM_ASSIGN = "team.assign"
    TEAM_REMOVE = "team.remove"
    CAPACITY_SET = "capacity.set"
