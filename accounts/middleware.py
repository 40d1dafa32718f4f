"""Send people whose role needs a second factor to set one up before anything else."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import mfa

# Paths that stay reachable while a second factor is being set up.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz/")


class RequireMFAMiddleware:
    """National roles and regional leads must have TOTP before they use the portal.

    This sees the session's user only; API tokens meet the same rule (accounts.mfa) in
    accounts.authentication, when DRF reads them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Decide before calling the view: a check after get_response() would be too late.
        user = getattr(request, "user", None)
        if not request.path.startswith(_ALLOWED_PREFIXES) and mfa.must_set_up_second_factor(user):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": mfa.SET_UP_MESSAGE}, status=403)
            return redirect(reverse("mfa_activate_totp") + "?next=" + request.path)
        return self.get_response(request)
