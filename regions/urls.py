from django.urls import path

from . import views

app_name = "regions"

urlpatterns = [
    path("councils/", views.council_list, name="council_list"),
    path("councils/<str:gss_code>/", views.council_detail, name="council_detail"),
    path("regions/", views.region_list, name="region_list"),
    path("regions/<str:gss_code>/", views.region_detail, name="region_detail"),
]
