from django.urls import path

from . import views

app_name = "datasets"

urlpatterns = [
    path("indicators/", views.indicator_list, name="indicator_list"),
    path("indicators/<slug:code>/", views.indicator_detail, name="indicator_detail"),
    path("indicators/<slug:code>/csv/", views.indicator_csv, name="indicator_csv"),
    path("indicators/<slug:code>/edit/", views.indicator_edit, name="indicator_edit"),
    path("councils/<str:gss_code>/", views.profile, name="profile"),
    path("councils/<str:gss_code>/pdf/", views.profile_pdf, name="profile_pdf"),
    path("councils/<str:gss_code>/compare/", views.compare, name="compare"),
    path("councils/<str:gss_code>/neighbours/", views.neighbours_view, name="neighbours"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/delete/", views.group_delete, name="group_delete"),
]
