"""What the data pages share."""

from __future__ import annotations

from django.http import HttpRequest

from cib_portal import access


def require_member(request: HttpRequest) -> None:
    """Published data is open to every member (access.can_view_published); anyone else gets a
    404."""
    access.require(access.can_view_published(request.user))
