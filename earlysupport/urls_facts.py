"""Filled in by the early support views."""

urlpatterns: list = []
