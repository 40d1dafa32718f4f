"""The early support dashboards under /early-support/."""

from django.urls import path

from . import views_dashboards as views

urlpatterns: list = [
    path("", views.dashboard, name="dashboard"),
    path("councils.csv", views.dashboard_csv, name="dashboard_csv"),
    path("pdf/", views.dashboard_pdf, name="dashboard_pdf"),
]
