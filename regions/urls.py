from django.urls import path

from .views import councils, governance

app_name = "regions"

urlpatterns = [
    path("councils/", councils.council_list, name="council_list"),
    path("councils/<str:gss_code>/", councils.council_detail, name="council_detail"),
    path("regions/", councils.region_list, name="region_list"),
    path("regions/<str:gss_code>/", councils.region_detail, name="region_detail"),
    path(
        "regions/<str:gss_code>/governance/",
        governance.region_governance,
        name="region_governance",
    ),
    path(
        "regions/<str:gss_code>/governance/appoint/",
        governance.region_governance_appoint,
        name="region_governance_appoint",
    ),
]
