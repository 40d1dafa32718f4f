"""The one second-factor rule, asked by the pages (RequireMFAMiddleware) and by the API's
authentication (accounts.authentication), so that the two can never disagree."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings

from cib_portal import access

SET_UP_MESSAGE = "Set up two-factor authentication in the portal to use the API."

_UNSET = object()


def totp_set_up_at(user: Any) -> datetime | None:
    """When the user's TOTP authenticator was set up (None: it is not), read once per user."""
    from allauth.mfa.models import Authenticator

    cached = getattr(user, "_cib_totp_set_up_at", _UNSET)
    if cached is _UNSET:
        cached = (
            Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP)
            .values_list("created_at", flat=True)
            .first()
        )
        user._cib_totp_set_up_at = cached
    return cached  # type: ignore[return-value]


def must_use_second_factor(user: Any) -> bool:
    """A role the user holds today needs a second factor (national roles, regional leads)."""
    return bool(
        settings.MFA_REQUIRED
        and user is not None
        and user.is_authenticated
        and access.requires_mfa(user)
    )


def must_set_up_second_factor(user: Any) -> bool:
    """A role held today needs a second factor and the user has none yet."""
    return must_use_second_factor(user) and totp_set_up_at(user) is None
