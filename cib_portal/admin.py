"""The Django admin, for national staff only, over the same data as the portal."""

from django.contrib import admin

from cib_portal import access

# Apps whose data national staff may manage in the admin. The audit trail is read-only there.
ADMIN_APP_LABELS = frozenset(
    {"accounts", "regions", "datasets", "peerchallenge", "reviews", "reports", "audit"}
)


class PortalAdminSite(admin.AdminSite):
    site_header = "CIB portal administration"
    site_title = "CIB portal admin"
    index_title = "National staff administration"

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_superuser or access.is_national_staff(user))


class NationalStaffAdminBackend:
    """Gives national staff the admin permissions on the portal's own apps.

    Portal roles, not Django groups, decide access; this keeps the admin in step with them.
    """

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if not user_obj.is_active or not access.is_national_staff(user_obj):
            return False
        app_label = perm.split(".", 1)[0]
        return app_label in ADMIN_APP_LABELS

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return (
            user_obj.is_active
            and access.is_national_staff(user_obj)
            and app_label in ADMIN_APP_LABELS
        )


def _admin_login(request, extra_context=None):
    """The admin signs people in through the portal's own sign-in (with MFA)."""
    from django.contrib.auth.views import redirect_to_login
    from django.http import Http404
    from django.urls import reverse

    if request.user.is_authenticated:
        # Signed in but not national staff: the admin does not exist for them.
        raise Http404
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect_to_login(next_url, reverse("account_login"))


PortalAdminSite.login = staticmethod(_admin_login)  # type: ignore[method-assign]
