"""Filled in by the peer challenge views."""

urlpatterns: list = []
