"""Shared pieces of the API: permissions that ask the access layer."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from cib_portal import access


class MemberPermission(BasePermission):
    """Signed in with a membership in force (objects are then filtered by the selectors)."""

    message = "You need a current role in an organisation to use the API."

    def has_permission(self, request, view) -> bool:
        return bool(
            request.user and request.user.is_authenticated and access.is_member(request.user)
        )


def exception_handler(exc, context):
    """DRF's handler, keeping the reason a permission rule gave (cib_portal.access.Decision):
    DRF turns Django's PermissionDenied into a 403 with a generic `detail`; the reason is
    what a caller needs to know."""
    from rest_framework import views as drf_views  # imported late: DRF's settings import us

    if isinstance(exc, DjangoPermissionDenied) and exc.args and str(exc):
        exc = exceptions.PermissionDenied(str(exc))
    return drf_views.exception_handler(exc, context)
