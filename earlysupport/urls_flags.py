"""Risk flags and their triage, under /early-support/flags/."""

from django.urls import path

from . import views_flags as v

urlpatterns: list = [
    path("", v.flag_list, name="flag_list"),
    path("new/", v.flag_raise, name="flag_raise"),
    path("<int:pk>/", v.flag_detail, name="flag_detail"),
    path("<int:pk>/owner/", v.flag_assign, name="flag_assign"),
    path("<int:pk>/note/", v.flag_note, name="flag_note"),
    # acknowledge, support, monitoring, close
    path("<int:pk>/<slug:step>/", v.flag_step, name="flag_step"),
]
