"""Shared pieces of the API: permissions that ask the access layer."""

from rest_framework.permissions import BasePermission

from cib_portal import access


class MemberPermission(BasePermission):
    """Signed in with a membership in force (objects are then filtered by the selectors)."""

    message = "You need a current role in an organisation to use the API."

    def has_permission(self, request, view) -> bool:
        return bool(
            request.user and request.user.is_authenticated and access.is_member(request.user)
        )
