from django.urls import path

from . import views_reviewers as views

app_name = "reviewers"

urlpatterns = [
    path("", views.reviewer_list, name="list"),
    path("new/", views.reviewer_edit, name="create"),
    path("me/", views.reviewer_me, name="me"),
    path("import/", views.reviewers_upload, name="import"),
    path("pipeline/", views.pipeline_page, name="pipeline"),
    path("<int:pk>/", views.reviewer_detail, name="detail"),
    path("<int:pk>/edit/", views.reviewer_edit, name="edit"),
    path("<int:pk>/unavailability/add/", views.unavailability_add, name="unavailability_add"),
    path(
        "<int:pk>/unavailability/<int:unavailability_pk>/remove/",
        views.unavailability_remove,
        name="unavailability_remove",
    ),
    path("<int:pk>/feed/", views.feed_change, name="feed_change"),
    path(
        "<int:pk>/<str:kind>/add/",
        views.reviewer_record_add,
        name="record_add",
    ),
    path(
        "<int:pk>/<str:kind>/<int:record_pk>/remove/",
        views.reviewer_record_remove,
        name="record_remove",
    ),
    path("bookings/<int:pk>/calendar.ics", views.booking_calendar, name="booking_calendar"),
    path("feed/<str:token>.ics", views.reviewer_feed, name="feed"),
    path("bookings/<int:pk>/team/", views.team_page, name="team"),
    path("bookings/<int:pk>/team/confirm/", views.team_confirm, name="team_confirm"),
    path(
        "bookings/<int:pk>/team/<int:assignment_pk>/remove/",
        views.team_remove,
        name="team_remove",
    ),
]
