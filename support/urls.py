"""Support pages under /support/."""

from django.urls import path

from .views import campaigns as campaign_views
from .views import mentoring as mentoring_views
from .views import offers as offer_views
from .views import requests as request_views

app_name = "support"

urlpatterns: list = [
    # The offer and requests (views/offers.py, views/requests.py)
    path("", offer_views.catalogue, name="catalogue"),
    path("offers/<slug:code>/", offer_views.offer_detail, name="offer_detail"),
    path("offers/<slug:code>/request/", offer_views.request_create, name="request_create"),
    path("requests/waiting/", request_views.waiting, name="waiting"),
    path("requests/<int:pk>/", request_views.request_detail, name="request_detail"),
    path("requests/<int:pk>/<slug:action>/", request_views.request_action, name="request_action"),
    path("councils/<str:gss_code>/", request_views.council_support, name="council"),
    # Campaigns (views/campaigns.py)
    path("campaigns/", campaign_views.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaign_views.campaign_create, name="campaign_create"),
    path("campaigns/<slug:code>/", campaign_views.campaign_detail, name="campaign_detail"),
    path("campaigns/<slug:code>/edit/", campaign_views.campaign_edit, name="campaign_edit"),
    path("campaigns/<slug:code>/apply/", campaign_views.campaign_apply, name="campaign_apply"),
    path(
        "campaigns/<slug:code>/publish/", campaign_views.campaign_publish, name="campaign_publish"
    ),
    path(
        "campaigns/<slug:code>/applications.csv",
        campaign_views.applications_csv,
        name="campaign_csv",
    ),
    path(
        "campaigns/<slug:code>/applications/<int:pk>/",
        campaign_views.application_detail,
        name="campaign_application",
    ),
    path(
        "campaigns/<slug:code>/applications/<int:pk>/decide/",
        campaign_views.application_decide,
        name="campaign_decide",
    ),
    # Mentoring and asks and offers between councils (views/mentoring.py)
    path("mentors/", mentoring_views.mentor_list, name="mentor_list"),
    path("mentors/new/", mentoring_views.mentor_create, name="mentor_create"),
    path("mentors/<int:pk>/", mentoring_views.mentor_detail, name="mentor_detail"),
    path("mentors/<int:pk>/edit/", mentoring_views.mentor_edit, name="mentor_edit"),
    path(
        "mentoring/requests/<int:pk>/",
        mentoring_views.mentor_proposals,
        name="mentor_proposals",
    ),
    path("asks/", mentoring_views.ask_list, name="ask_list"),
    path("asks/new/", mentoring_views.ask_create, name="ask_create"),
    path("asks/<int:pk>/", mentoring_views.ask_detail, name="ask_detail"),
    path("asks/<int:pk>/broker/", mentoring_views.ask_broker, name="ask_broker"),
    path("asks/<int:pk>/close/", mentoring_views.ask_close, name="ask_close"),
]
