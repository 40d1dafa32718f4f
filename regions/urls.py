from django.urls import path

from . import views, views_governance

app_name = "regions"

urlpatterns = [
    path("councils/", views.council_list, name="council_list"),
    path("councils/<str:gss_code>/", views.council_detail, name="council_detail"),
    path("regions/", views.region_list, name="region_list"),
    path("regions/<str:gss_code>/", views.region_detail, name="region_detail"),
    path(
        "regions/<str:gss_code>/governance/",
        views_governance.region_governance,
        name="region_governance",
    ),
    path(
        "regions/<str:gss_code>/governance/appoint/",
        views_governance.region_governance_appoint,
        name="region_governance_appoint",
    ),
]
