"""Support pages under /support/."""

from django.urls import path

from .views import campaigns as campaign_views

app_name = "support"

urlpatterns: list = [
    # Campaigns (views/campaigns.py)
    path("campaigns/", campaign_views.campaign_list, name="campaign_list"),
    path("campaigns/<slug:code>/", campaign_views.campaign_detail, name="campaign_detail"),
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
]
