"""Devolved funds URLs under /funds/: agreements and budgets, spend requests, returns."""

from django.urls import include, path

app_name = "funds"

urlpatterns = [
    path("", include("funds.urls_agreements")),
    path("requests/", include("funds.urls_spend")),
    path("returns/", include("funds.urls_returns")),
]
