"""A challenge's workspace: the overview, the self-assessment, documents, key lines of
enquiry, on-site dates and attendees, the feedback letter, the action plan and the follow-up
review; and the list of challenges a user may see. One module per part; the changes
themselves are made by `peerchallenge.services.workspace`.

Confidential (DOMAIN.md): a challenge a user may not see is a 404 on every page and download;
someone who may see it but not change a part gets a 403 on the change. Who changes what:

* the host's side (self-assessment, documents, dates and attendees, the action plan):
  `permissions.can_edit_challenge_as_host`;
* the challengers' side (the feedback letter, the follow-up review):
  `permissions.can_edit_challenge_as_challenger`; key lines of enquiry: either side.

The self-assessment is seen by the assigned challengers only once the host shares it; the
feedback letter by the host only once it is issued.
"""

from .actions import (
    challenge_action_delete,
    challenge_action_evidence,
    challenge_action_form,
    challenge_actions,
)
from .arrangements import (
    challenge_arrangements,
    challenge_attendee_delete,
    challenge_attendee_form,
    challenge_onsite_dates,
)
from .documents import (
    challenge_document_delete,
    challenge_document_download,
    challenge_documents,
)
from .feedback import challenge_feedback, challenge_feedback_issue, challenge_feedback_pdf
from .follow_up import challenge_follow_up
from .lines import challenge_line_delete, challenge_line_edit, challenge_lines
from .overview import challenge_detail, challenge_list
from .self_assessment import challenge_self_assessment, challenge_self_assessment_share

__all__ = [
    "challenge_action_delete",
    "challenge_action_evidence",
    "challenge_action_form",
    "challenge_actions",
    "challenge_arrangements",
    "challenge_attendee_delete",
    "challenge_attendee_form",
    "challenge_detail",
    "challenge_document_delete",
    "challenge_document_download",
    "challenge_documents",
    "challenge_feedback",
    "challenge_feedback_issue",
    "challenge_feedback_pdf",
    "challenge_follow_up",
    "challenge_line_delete",
    "challenge_line_edit",
    "challenge_lines",
    "challenge_list",
    "challenge_onsite_dates",
    "challenge_self_assessment",
    "challenge_self_assessment_share",
]
