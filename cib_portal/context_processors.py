from django.conf import settings
from django.http import HttpRequest

from accounts import permissions as invite_permissions
from cib_portal import access, navigation


def portal(request: HttpRequest) -> dict:
    """The portal's name and what the navigation may offer the signed-in user."""
    user = getattr(request, "user", None)
    # Each app's own offers (early support's nav_can_see_flags, ...): cib_portal.navigation.
    return {
        **navigation.offers(user),
        "PORTAL_NAME": settings.PORTAL_NAME,
        "nav_is_member": access.is_member(user) if user is not None else False,
        "nav_is_national_staff": access.is_national_staff(user) if user is not None else False,
        "nav_can_invite": invite_permissions.may_invite_someone(user)
        if user is not None
        else False,
    }
