from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("batches/new/", views.batch_create, name="batch_create"),
    path("batches/<str:batch_id>/", views.batch_detail, name="batch_detail"),
    path("batches/<str:batch_id>/status/", views.batch_status, name="batch_status"),
    path("batches/<str:batch_id>/zip/", views.batch_zip, name="batch_zip"),
    path("batches/<str:batch_id>/retry/", views.batch_retry, name="batch_retry"),
    path("council/<str:gss_code>/", views.council_profile_request, name="council_profile_request"),
    path("<str:job_id>/", views.job_detail, name="job_detail"),
    path("<str:job_id>/status/", views.job_status, name="job_status"),
    path("<str:job_id>/download/", views.job_download, name="job_download"),
    path("<str:job_id>/retry/", views.job_retry, name="job_retry"),
]
