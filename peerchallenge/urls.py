"""Peer challenge URLs: programmes, declared conflicts and the reciprocity ledger under
/peer-challenge/; each challenge's workspace, its date poll and calendar entry under
/challenges/."""

from django.urls import path

from peerchallenge.views import challenges, conflicts, ledger, programmes, scheduling

app_name = "peerchallenge"

urlpatterns = [
    # The reciprocity ledger
    path("peer-challenge/ledger/", ledger.ledger, name="ledger"),
    path("peer-challenge/ledger/export.csv", ledger.ledger_export, name="ledger_export"),
    # Programmes and declared conflicts
    path("peer-challenge/", programmes.programme_list, name="programme_list"),
    path("peer-challenge/new/", programmes.programme_create, name="programme_create"),
    path("peer-challenge/conflicts/", conflicts.conflict_list, name="conflict_list"),
    path("peer-challenge/conflicts/new/", conflicts.conflict_declare, name="conflict_declare"),
    path("peer-challenge/<int:pk>/", programmes.programme_detail, name="programme_detail"),
    path(
        "peer-challenge/<int:pk>/generate/",
        programmes.programme_generate,
        name="programme_generate",
    ),
    path(
        "peer-challenge/<int:pk>/publish/", programmes.programme_publish, name="programme_publish"
    ),
    path(
        "peer-challenge/<int:pk>/councils/add/",
        programmes.participant_add,
        name="programme_participant_add",
    ),
    path(
        "peer-challenge/<int:pk>/councils/<int:council_pk>/remove/",
        programmes.participant_remove,
        name="programme_participant_remove",
    ),
    path(
        "peer-challenge/<int:pk>/apart/add/",
        programmes.exclusion_add,
        name="programme_exclusion_add",
    ),
    path(
        "peer-challenge/<int:pk>/apart/<int:exclusion_pk>/delete/",
        programmes.exclusion_delete,
        name="programme_exclusion_delete",
    ),
    path(
        "peer-challenge/<int:pk>/pairings/<int:challenge_pk>/",
        programmes.pairing_edit,
        name="programme_pairing_edit",
    ),
    path(
        "peer-challenge/<int:pk>/pairings/<int:challenge_pk>/lock/",
        programmes.pairing_lock,
        name="programme_pairing_lock",
    ),
    # A challenge's workspace
    path("challenges/", challenges.challenge_list, name="challenge_list"),
    path("challenges/<int:pk>/", challenges.challenge_detail, name="challenge_detail"),
    path(
        "challenges/<int:pk>/self-assessment/",
        challenges.challenge_self_assessment,
        name="challenge_self_assessment",
    ),
    path(
        "challenges/<int:pk>/self-assessment/share/",
        challenges.challenge_self_assessment_share,
        name="challenge_self_assessment_share",
    ),
    path(
        "challenges/<int:pk>/documents/", challenges.challenge_documents, name="challenge_documents"
    ),
    path(
        "challenges/<int:pk>/documents/<int:document_pk>/download/",
        challenges.challenge_document_download,
        name="challenge_document_download",
    ),
    path(
        "challenges/<int:pk>/documents/<int:document_pk>/delete/",
        challenges.challenge_document_delete,
        name="challenge_document_delete",
    ),
    path(
        "challenges/<int:pk>/lines-of-enquiry/", challenges.challenge_lines, name="challenge_lines"
    ),
    path(
        "challenges/<int:pk>/lines-of-enquiry/<int:line_pk>/",
        challenges.challenge_line_edit,
        name="challenge_line_edit",
    ),
    path(
        "challenges/<int:pk>/lines-of-enquiry/<int:line_pk>/delete/",
        challenges.challenge_line_delete,
        name="challenge_line_delete",
    ),
    path(
        "challenges/<int:pk>/arrangements/",
        challenges.challenge_arrangements,
        name="challenge_arrangements",
    ),
    path(
        "challenges/<int:pk>/arrangements/on-site-dates/",
        challenges.challenge_onsite_dates,
        name="challenge_onsite_dates",
    ),
    path(
        "challenges/<int:pk>/arrangements/attendees/new/",
        challenges.challenge_attendee_form,
        name="challenge_attendee_add",
    ),
    path(
        "challenges/<int:pk>/arrangements/attendees/<int:attendee_pk>/",
        challenges.challenge_attendee_form,
        name="challenge_attendee_edit",
    ),
    path(
        "challenges/<int:pk>/arrangements/attendees/<int:attendee_pk>/delete/",
        challenges.challenge_attendee_delete,
        name="challenge_attendee_delete",
    ),
    path(
        "challenges/<int:pk>/feedback-letter/",
        challenges.challenge_feedback,
        name="challenge_feedback",
    ),
    path(
        "challenges/<int:pk>/feedback-letter/issue/",
        challenges.challenge_feedback_issue,
        name="challenge_feedback_issue",
    ),
    path(
        "challenges/<int:pk>/feedback-letter/pdf/",
        challenges.challenge_feedback_pdf,
        name="challenge_feedback_pdf",
    ),
    path("challenges/<int:pk>/actions/", challenges.challenge_actions, name="challenge_actions"),
    path(
        "challenges/<int:pk>/actions/new/",
        challenges.challenge_action_form,
        name="challenge_action_add",
    ),
    path(
        "challenges/<int:pk>/actions/<int:action_pk>/",
        challenges.challenge_action_form,
        name="challenge_action_edit",
    ),
    path(
        "challenges/<int:pk>/actions/<int:action_pk>/delete/",
        challenges.challenge_action_delete,
        name="challenge_action_delete",
    ),
    path(
        "challenges/<int:pk>/actions/<int:action_pk>/evidence/",
        challenges.challenge_action_evidence,
        name="challenge_action_evidence",
    ),
    path(
        "challenges/<int:pk>/follow-up/", challenges.challenge_follow_up, name="challenge_follow_up"
    ),
    # Scheduling a challenge: the date poll and the calendar entry
    path("challenges/<int:pk>/dates/", scheduling.challenge_dates, name="challenge_dates"),
    path(
        "challenges/<int:pk>/dates/propose/",
        scheduling.challenge_dates_propose,
        name="challenge_dates_propose",
    ),
    path(
        "challenges/<int:pk>/dates/<int:option_pk>/agree/",
        scheduling.challenge_dates_agree,
        name="challenge_dates_agree",
    ),
    path(
        "challenges/<int:pk>/calendar.ics", scheduling.challenge_calendar, name="challenge_calendar"
    ),
]
