from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("council/<str:gss_code>/", views.council_profile_request, name="council_profile_request"),
    path("<str:job_id>/", views.job_detail, name="job_detail"),
    path("<str:job_id>/status/", views.job_status, name="job_status"),
    path("<str:job_id>/download/", views.job_download, name="job_download"),
    path("<str:job_id>/retry/", views.job_retry, name="job_retry"),
]
