"""Funding agreements and budgets under /funds/: the national view (or a region's agreements),
recording and changing an agreement, its signed document, and its budget."""

from django.urls import path

from . import views_agreements as v

urlpatterns: list = [
    path("", v.home, name="home"),
    path("export/", v.home_export, name="home_export"),
    path("agreements/new/", v.agreement_create_view, name="agreement_create"),
    path("agreements/<int:pk>/", v.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", v.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/document/", v.agreement_document, name="agreement_document"),
    path("agreements/<int:pk>/export/", v.agreement_export, name="agreement_export"),
]
