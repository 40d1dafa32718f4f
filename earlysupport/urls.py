"""Early support URLs under /early-support/: dashboards, flags and triage, the rules and the
facts they read, and the backtest."""

from django.urls import include, path

app_name = "earlysupport"

urlpatterns = [
    path("", include("earlysupport.urls_dashboards")),
    path("flags/", include("earlysupport.urls_flags")),
    path("", include("earlysupport.urls_facts")),
    path("backtest/", include("earlysupport.urls_backtest")),
]
