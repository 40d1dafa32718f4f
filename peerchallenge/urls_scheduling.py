"""Scheduling a challenge: the availability poll and the calendar entry, under /challenges/."""

from django.urls import path

from . import views_scheduling

urlpatterns = [
    path("<int:pk>/dates/", views_scheduling.challenge_dates, name="challenge_dates"),
    path(
        "<int:pk>/dates/propose/",
        views_scheduling.challenge_dates_propose,
        name="challenge_dates_propose",
    ),
    path(
        "<int:pk>/dates/<int:option_pk>/agree/",
        views_scheduling.challenge_dates_agree,
        name="challenge_dates_agree",
    ),
    path("<int:pk>/calendar.ics", views_scheduling.challenge_calendar, name="challenge_calendar"),
]
