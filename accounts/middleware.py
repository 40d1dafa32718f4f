"""Send people whose role needs a second factor to set one up before anything else."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from cib_portal import access

# Paths that stay reachable while a second factor is being set up.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz/")


class RequireMFAMiddleware:
    """National roles and regional leads must have TOTP before they use the portal."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Decide before calling the view: a check after get_response() would be too late.
        user = getattr(request, "user", None)
        if (
            settings.MFA_REQUIRED
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and access.requires_mfa(user)
            and not _has_totp(user)
        ):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse(
                    {"detail": "Set up two-factor authentication in the portal to use the API."},
                    status=403,
                )
            return redirect(reverse("mfa_activate_totp") + "?next=" + request.path)
        return self.get_response(request)


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    cached = getattr(user, "_cib_has_totp", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._cib_has_totp = cached
    return cached
