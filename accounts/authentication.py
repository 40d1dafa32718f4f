"""How the API knows who is calling: a session, or an API token that expires.

Both ask the same second-factor rule as the pages (accounts.mfa). RequireMFAMiddleware cannot
see a token: DRF reads it only when the view runs, after every middleware has passed it by.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from . import mfa, services
from .models import ApiToken, api_token_digest


def refuse_without_second_factor(user: Any) -> None:
    """403 for someone whose role needs a second factor they have not set up."""
    if mfa.must_set_up_second_factor(user):
        raise exceptions.PermissionDenied(mfa.SET_UP_MESSAGE)


class PortalSessionAuthentication(SessionAuthentication):
    """The portal's sign-in, with the second-factor rule (also applied by the middleware)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            refuse_without_second_factor(result[0])
        return result


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token KEY`: refused once expired, or while the holder's role needs a
    second factor they have not set up (or set up only after the token was made)."""

    model = ApiToken

    def authenticate_credentials(self, key: str):
        token = ApiToken.objects.select_related("user").filter(digest=api_token_digest(key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid token.")
        now = timezone.now()
        page = reverse("accounts:api_token")
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(
                f"This API token expired on {timezone.localtime(token.expires_at):%-d %B %Y}. "
                f"Make a new one at {page}."
            )
        user = token.user
        refuse_without_second_factor(user)
        set_up_at = mfa.totp_set_up_at(user)
        if mfa.must_use_second_factor(user) and set_up_at and token.created_at < set_up_at:
            raise exceptions.PermissionDenied(
                "This API token was made before you set up two-factor authentication, which "
                f"your role needs. Make a new one at {page}."
            )
        services.api_token_record_use(token=token, now=now)
        return user, token
