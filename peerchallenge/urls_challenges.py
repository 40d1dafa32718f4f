"""A challenge's workspace, under /challenges/ (the date poll is in urls_scheduling)."""

from django.urls import path

from . import views_challenges as v

urlpatterns = [
    path("", v.challenge_list, name="challenge_list"),
    path("<int:pk>/", v.challenge_detail, name="challenge_detail"),
    path(
        "<int:pk>/self-assessment/", v.challenge_self_assessment, name="challenge_self_assessment"
    ),
    path(
        "<int:pk>/self-assessment/share/",
        v.challenge_self_assessment_share,
        name="challenge_self_assessment_share",
    ),
    path("<int:pk>/documents/", v.challenge_documents, name="challenge_documents"),
    path(
        "<int:pk>/documents/<int:document_pk>/download/",
        v.challenge_document_download,
        name="challenge_document_download",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/delete/",
        v.challenge_document_delete,
        name="challenge_document_delete",
    ),
    path("<int:pk>/lines-of-enquiry/", v.challenge_lines, name="challenge_lines"),
    path(
        "<int:pk>/lines-of-enquiry/<int:line_pk>/",
        v.challenge_line_edit,
        name="challenge_line_edit",
    ),
    path(
        "<int:pk>/lines-of-enquiry/<int:line_pk>/delete/",
        v.challenge_line_delete,
        name="challenge_line_delete",
    ),
    path("<int:pk>/arrangements/", v.challenge_arrangements, name="challenge_arrangements"),
    path(
        "<int:pk>/arrangements/on-site-dates/",
        v.challenge_onsite_dates,
        name="challenge_onsite_dates",
    ),
    path(
        "<int:pk>/arrangements/attendees/new/",
        v.challenge_attendee_form,
        name="challenge_attendee_add",
    ),
    path(
        "<int:pk>/arrangements/attendees/<int:attendee_pk>/",
        v.challenge_attendee_form,
        name="challenge_attendee_edit",
    ),
    path(
        "<int:pk>/arrangements/attendees/<int:attendee_pk>/delete/",
        v.challenge_attendee_delete,
        name="challenge_attendee_delete",
    ),
    path("<int:pk>/feedback-letter/", v.challenge_feedback, name="challenge_feedback"),
    path(
        "<int:pk>/feedback-letter/issue/",
        v.challenge_feedback_issue,
        name="challenge_feedback_issue",
    ),
    path("<int:pk>/feedback-letter/pdf/", v.challenge_feedback_pdf, name="challenge_feedback_pdf"),
    path("<int:pk>/actions/", v.challenge_actions, name="challenge_actions"),
    path("<int:pk>/actions/new/", v.challenge_action_form, name="challenge_action_add"),
    path(
        "<int:pk>/actions/<int:action_pk>/", v.challenge_action_form, name="challenge_action_edit"
    ),
    path(
        "<int:pk>/actions/<int:action_pk>/delete/",
        v.challenge_action_delete,
        name="challenge_action_delete",
    ),
    path(
        "<int:pk>/actions/<int:action_pk>/evidence/",
        v.challenge_action_evidence,
        name="challenge_action_evidence",
    ),
    path("<int:pk>/follow-up/", v.challenge_follow_up, name="challenge_follow_up"),
]
