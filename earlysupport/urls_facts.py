"""The facts risk rules read (interventions, DCS history, their CSV imports) and the rules,
under /early-support/."""

from django.urls import path

from . import views_facts as views

urlpatterns = [
    path("interventions/", views.intervention_list, name="intervention_list"),
    path("interventions/add/", views.intervention_create, name="intervention_create"),
    path("interventions/import/", views.intervention_import, name="intervention_import"),
    path("interventions/<int:pk>/edit/", views.intervention_edit, name="intervention_edit"),
    path("interventions/<int:pk>/delete/", views.intervention_delete, name="intervention_delete"),
    path("dcs/", views.dcs_list, name="dcs_list"),
    path("dcs/add/", views.dcs_create, name="dcs_create"),
    path("dcs/import/", views.dcs_import, name="dcs_import"),
    path("dcs/<int:pk>/edit/", views.dcs_edit, name="dcs_edit"),
    path("dcs/<int:pk>/delete/", views.dcs_delete, name="dcs_delete"),
    path("imports/<int:pk>/", views.fact_import_run, name="fact_import_run"),
    path("imports/<int:pk>/status/", views.fact_import_run_status, name="fact_import_run_status"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/<slug:code>/", views.rule_detail, name="rule_detail"),
    path("rules/<slug:code>/edit/", views.rule_edit, name="rule_edit"),
]
