from django.urls import path

from . import views_local

app_name = "local"

urlpatterns = [
    path("", views_local.local_list, name="list"),
    path("new/", views_local.local_create, name="create"),
    path("<int:pk>/", views_local.local_detail, name="detail"),
    path("<int:pk>/edit/", views_local.local_edit, name="edit"),
    path("<int:pk>/values/new/", views_local.local_value_add, name="value_add"),
    path("<int:pk>/values/upload/", views_local.local_values_upload, name="values_upload"),
    path("<int:pk>/share/", views_local.local_share, name="share"),
    path("<int:pk>/delete/", views_local.local_delete, name="delete"),
]
