"""Filled in by the funds views."""

urlpatterns: list = []
