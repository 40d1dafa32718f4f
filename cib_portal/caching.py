"""Nothing shown to a signed-in person is kept by a browser or a shared cache.

Pages, CSVs, PDFs and API responses for a signed-in person (a session, or an API token that
DRF has read by the time the response comes back) can hold a council's confidential material.
Left to their defaults, a shared proxy or the browser's disk cache may keep them, and the back
button may show them after signing out. So every such response gets
`Cache-Control: private, no-store`, unless the view chose its own caching. Static files never
reach this (WhiteNoise answers them first and they are served under STATIC_URL in any case), and
pages for people who are not signed in (sign-in, health checks) keep theirs.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

PRIVATE = "private, no-store"


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return True
    # A request carrying credentials is private even when they were refused.
    return "HTTP_AUTHORIZATION" in request.META


class PrivateNoStoreMiddleware:
    """`Cache-Control: private, no-store` on every response for a signed-in request that has
    not set its own caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.static_prefix = settings.STATIC_URL or "/static/"
        if not self.static_prefix.startswith("/"):
            self.static_prefix = f"/{self.static_prefix}"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        if request.path.startswith(self.static_prefix):
            return response
        if _signed_in(request):
            response["Cache-Control"] = PRIVATE
        return response
