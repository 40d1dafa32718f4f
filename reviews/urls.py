"""Reviews' pages: bookings under /reviews/, the reviewer register, teams, calendars and the
pipeline under /reviewers/ (cib_portal/urls.py includes this module at the root)."""

from django.urls import path

from .views import bookings, calendars, pipeline, report, requests, reviewers, team

app_name = "reviews"

urlpatterns = [
    path("reviews/bookings/", bookings.booking_list, name="booking_list"),
    path("reviews/bookings/new/", requests.request_start, name="request_start"),
    path("reviews/bookings/new/check/", requests.request_check, name="request_check"),
    path("reviews/bookings/new/<slug:step>/", requests.request_step, name="request_step"),
    path("reviews/bookings/<int:pk>/", bookings.booking_detail, name="booking_detail"),
    path(
        "reviews/bookings/<int:pk>/confirmation/",
        requests.booking_confirmation,
        name="booking_confirmation",
    ),
    path("reviews/bookings/<int:pk>/advance/", bookings.booking_advance, name="booking_advance"),
    path("reviews/bookings/<int:pk>/report/", report.report_page, name="report"),
    path("reviews/bookings/<int:pk>/report/publish/", report.report_publish, name="report_publish"),
    path("reviews/bookings/<int:pk>/report/pdf/", report.report_pdf, name="report_pdf"),
    path(
        "reviews/bookings/<int:pk>/reschedule/",
        bookings.booking_reschedule_page,
        name="booking_reschedule",
    ),
    path("reviews/bookings/<int:pk>/cancel/", bookings.booking_cancel_page, name="booking_cancel"),
    path(
        "reviews/bookings/<int:pk>/override/",
        bookings.booking_override_page,
        name="booking_override",
    ),
    # The reviewer register, teams, calendars and the pipeline.
    path("reviewers/", reviewers.reviewer_list, name="reviewer_list"),
    path("reviewers/new/", reviewers.reviewer_edit, name="reviewer_create"),
    path("reviewers/me/", reviewers.reviewer_me, name="reviewer_me"),
    path("reviewers/import/", reviewers.reviewers_upload, name="reviewer_import"),
    path("reviewers/pipeline/", pipeline.pipeline_page, name="pipeline"),
    path("reviewers/<int:pk>/", reviewers.reviewer_detail, name="reviewer_detail"),
    path("reviewers/<int:pk>/edit/", reviewers.reviewer_edit, name="reviewer_edit"),
    path(
        "reviewers/<int:pk>/unavailability/add/",
        reviewers.unavailability_add,
        name="unavailability_add",
    ),
    path(
        "reviewers/<int:pk>/unavailability/<int:unavailability_pk>/remove/",
        reviewers.unavailability_remove,
        name="unavailability_remove",
    ),
    path("reviewers/<int:pk>/feed/", reviewers.feed_change, name="feed_change"),
    path(
        "reviewers/<int:pk>/<str:kind>/add/",
        reviewers.reviewer_record_add,
        name="record_add",
    ),
    path(
        "reviewers/<int:pk>/<str:kind>/<int:record_pk>/remove/",
        reviewers.reviewer_record_remove,
        name="record_remove",
    ),
    path(
        "reviewers/bookings/<int:pk>/calendar.ics",
        calendars.booking_calendar,
        name="booking_calendar",
    ),
    path("reviewers/feed/<str:token>.ics", calendars.reviewer_feed, name="reviewer_feed"),
    path("reviewers/bookings/<int:pk>/team/", team.team_page, name="team"),
    path("reviewers/bookings/<int:pk>/team/confirm/", team.team_confirm, name="team_confirm"),
    path(
        "reviewers/bookings/<int:pk>/team/<int:assignment_pk>/remove/",
        team.team_remove,
        name="team_remove",
    ),
]
