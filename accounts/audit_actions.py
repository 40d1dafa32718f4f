"""Accounts' audit action names, in the one style `<thing>.<what_happened>`: invitations, API
tokens and a person's admin privileges."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    INVITATION_CREATE = "invitation.create"
    INVITATION_ACCEPT = "invitation.accept"
    INVITATION_REVOKE = "invitation.revoke"
    API_TOKEN_CREATE = "api_token.create"
    API_TOKEN_REPLACE = "api_token.replace"
    API_TOKEN_DELETE = "api_token.delete"
    USER_PRIVILEGES = "user.privileges"
