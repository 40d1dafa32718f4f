"""django-allauth adapters: no open sign-up, and MFA that required users cannot switch off."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter

from cib_portal import access


class PortalAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # People join by invitation only (accounts.views.invitation_accept).
        return False


class PortalMFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator) -> bool:
        if access.requires_mfa(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
