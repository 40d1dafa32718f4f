"""Peer challenge URLs: programmes and the ledger under /peer-challenge/, each challenge's
workspace and scheduling under /challenges/."""

from django.urls import include, path

app_name = "peerchallenge"

urlpatterns = [
    path("peer-challenge/ledger/", include("peerchallenge.urls_ledger")),
    path("peer-challenge/", include("peerchallenge.urls_programmes")),
    path("challenges/", include("peerchallenge.urls_challenges")),
    path("challenges/", include("peerchallenge.urls_scheduling")),
]
