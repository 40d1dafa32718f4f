"""Filled in by the early support views."""

from django.urls import path
from django.views.generic import TemplateView

urlpatterns: list = [
    path("", TemplateView.as_view(template_name="base.html"), name="dashboard"),
]
