"""The reciprocity ledger, under /peer-challenge/ledger/."""

from django.urls import path

from . import views_ledger

urlpatterns = [
    path("", views_ledger.ledger, name="ledger"),
    path("export.csv", views_ledger.ledger_export, name="ledger_export"),
]
