from django.urls import path

from . import views_imports

app_name = "imports"

urlpatterns = [
    path("", views_imports.run_list, name="run_list"),
    path("new/", views_imports.upload, name="upload"),
    path("<int:pk>/", views_imports.run_detail, name="run_detail"),
    path("<int:pk>/status/", views_imports.run_status, name="run_status"),
]
