"""Invitations (how people join the portal: there is no open sign-up) and API tokens."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.services import audit_record
from cib_portal import access
from regions.models import Membership, Organisation, Role
from regions.services import membership_add

from . import permissions
from .audit_actions import Action
from .models import ApiToken, Invitation, api_token_digest

if TYPE_CHECKING:
    from .models import User


class InvitationError(Exception):
    """An invitation cannot be made or accepted; the message says why."""


@transaction.atomic
def invitation_create(
    *, invited_by: User, organisation: Organisation, role: str, email: str, base_url: str
) -> Invitation:
    """Invite a person to an organisation with a role, and email them the link."""
    if role not in permissions.roles_user_may_grant(invited_by, organisation):
        raise InvitationError(
            f"You cannot invite people to {organisation.name} as {Role(role).label}."
            if role in Role.values
            else f"There is no role {role!r}."
        )
    email = get_user_model().objects.normalize_email(email.strip()).lower()
    User = get_user_model()
    existing = User.objects.filter(email=email).first()
    if (
        existing
        and Membership.objects.active()
        .filter(user=existing, organisation=organisation, role=role)
        .exists()
    ):
        raise InvitationError(f"{email} is already {Role(role).label} of {organisation.name}.")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                email=email, organisation=organisation, role=role, invited_by=invited_by
            )
    except IntegrityError:
        raise InvitationError(
            f"{email} already has an invitation to {organisation.name} as {Role(role).label} "
            "waiting to be accepted."
        ) from None
    audit_record(
        actor=invited_by,
        action=Action.INVITATION_CREATE,
        obj=invitation,
        summary=f"{invited_by.email} invited {email} to {organisation.name} as {role}",
        after={"email": email, "organisation": organisation.code, "role": role},
    )
    link = base_url + reverse("accounts:invitation_accept", args=[invitation.token])
    context = {"invitation": invitation, "link": link, "role_label": Role(role).label}
    transaction.on_commit(
        lambda: send_mail(
            subject=f"[CIB portal] You are invited to join {organisation.name}",
            message=render_to_string("accounts/email/invitation.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email],
        )
    )
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The pending invitation with this token, or None if it is unknown, used or expired."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by").filter(token=token).first()
    )
    if invitation is None or not invitation.is_pending:
        return None
    return invitation


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, full_name: str, password: str | None, user: User | None = None
) -> User:
    """Accept an invitation: create the account (or use the signed-in one) and the membership.

    The invitation link went to the email address, so that address counts as verified.
    """
    from allauth.account.models import EmailAddress

    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise InvitationError("This invitation has already been used, withdrawn or has expired.")
    User = get_user_model()
    if user is None:
        user = User.objects.filter(email__iexact=invitation.email).first()
        if user is not None:
            raise InvitationError(
                "You already have an account. Sign in, then open the invitation link again."
            )
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name
        )
    elif user.email.lower() != invitation.email.lower():
        raise InvitationError(
            f"This invitation is for {invitation.email}; you are signed in as {user.email}."
        )
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    membership_add(
        user=user,
        organisation=invitation.organisation,
        role=invitation.role,
        added_by=invitation.invited_by,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        actor=user,
        action=Action.INVITATION_ACCEPT,
        obj=invitation,
        summary=f"{user.email} accepted the invitation to {invitation.organisation.name}",
    )
    access.forget_grants(user)
    return user


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, revoked_by: User) -> Invitation:
    """Withdraw a pending invitation."""
    if not invitation.is_pending:
        raise InvitationError("Only a pending invitation can be withdrawn.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        actor=revoked_by,
        action=Action.INVITATION_REVOKE,
        obj=invitation,
        summary=f"{revoked_by.email} withdrew the invitation of {invitation.email}",
    )
    return invitation


# --- API tokens -----------------------------------------------------------------------------

# A token's last use is written at most this often: one UPDATE a minute, not one a request.
API_TOKEN_LAST_USED_EVERY = timedelta(minutes=1)


@transaction.atomic
def api_token_create(*, user: User) -> tuple[ApiToken, str]:
    """Give the user a new API token (replacing any other); returns it and its key, which is
    shown once and never stored."""
    key = secrets.token_hex(20)
    replaced, _ = ApiToken.objects.filter(user=user).delete()
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        digest=api_token_digest(key),
        created_at=now,
        expires_at=now + timedelta(days=settings.API_TOKEN_LIFETIME_DAYS),
    )
    audit_record(
        actor=user,
        action=Action.API_TOKEN_REPLACE if replaced else Action.API_TOKEN_CREATE,
        obj=token,
        summary=f"{user.email} made an API token, expiring {token.expires_at:%-d %B %Y}",
        after={"expires_at": token.expires_at.isoformat()},
    )
    return token, key


@transaction.atomic
def api_token_delete(*, user: User) -> bool:
    """Delete the user's API token; False if they had none."""
    token = ApiToken.objects.filter(user=user).first()
    if token is None:
        return False
    audit_record(
        actor=user,
        action=Action.API_TOKEN_DELETE,
        obj=token,
        summary=f"{user.email} deleted their API token",
    )
    token.delete()
    return True


def api_token_record_use(*, token: ApiToken, now: datetime) -> None:
    """Note that the token was used now, unless that was already noted within the minute."""
    if token.last_used_at is not None and now - token.last_used_at < API_TOKEN_LAST_USED_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
