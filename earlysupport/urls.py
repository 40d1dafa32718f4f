"""Early support URLs under /early-support/: dashboards, flags and triage, the rules and the
facts they read, and the backtest."""

from django.urls import path

from .views import backtest, dashboards, facts, flags

app_name = "earlysupport"

urlpatterns = [
    # The dashboards.
    path("", dashboards.dashboard, name="dashboard"),
    path("councils.csv", dashboards.dashboard_csv, name="dashboard_csv"),
    path("pdf/", dashboards.dashboard_pdf, name="dashboard_pdf"),
    # Risk flags and their triage.
    path("flags/", flags.flag_list, name="flag_list"),
    path("flags/new/", flags.flag_raise, name="flag_raise"),
    path("flags/<int:pk>/", flags.flag_detail, name="flag_detail"),
    path("flags/<int:pk>/owner/", flags.flag_assign, name="flag_assign"),
    path("flags/<int:pk>/note/", flags.flag_note, name="flag_note"),
    # acknowledge, support, monitoring, close
    path("flags/<int:pk>/<slug:step>/", flags.flag_step, name="flag_step"),
    # The facts risk rules read (interventions, DCS history, their CSV imports) and the rules.
    path("interventions/", facts.intervention_list, name="intervention_list"),
    path("interventions/add/", facts.intervention_create, name="intervention_create"),
    path("interventions/import/", facts.intervention_import, name="intervention_import"),
    path("interventions/<int:pk>/edit/", facts.intervention_edit, name="intervention_edit"),
    path("interventions/<int:pk>/delete/", facts.intervention_delete, name="intervention_delete"),
    path("dcs/", facts.dcs_list, name="dcs_list"),
    path("dcs/add/", facts.dcs_create, name="dcs_create"),
    path("dcs/import/", facts.dcs_import, name="dcs_import"),
    path("dcs/<int:pk>/edit/", facts.dcs_edit, name="dcs_edit"),
    path("dcs/<int:pk>/delete/", facts.dcs_delete, name="dcs_delete"),
    path("imports/<int:pk>/", facts.fact_import_run, name="fact_import_run"),
    path("imports/<int:pk>/status/", facts.fact_import_run_status, name="fact_import_run_status"),
    path("rules/", facts.rule_list, name="rule_list"),
    path("rules/<slug:code>/", facts.rule_detail, name="rule_detail"),
    path("rules/<slug:code>/edit/", facts.rule_edit, name="rule_edit"),
    # The backtest of the risk rules, for advisers.
    path("backtest/", backtest.backtest_page, name="backtest"),
]
