"""Sign-in hooks."""

from allauth.account.signals import user_logged_in
from django.dispatch import receiver

from cib_portal import access


@receiver(user_logged_in)
def count_fresh_sign_in_as_reauthentication(sender, request, user, **kwargs):
    """Someone who must now set up MFA has just typed their password: do not ask for it again
    on the TOTP set-up page (allauth asks for reauthentication there)."""
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator

    if not access.requires_mfa(user):
        return
    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        return
    records = request.session.get(AUTHENTICATION_METHODS_SESSION_KEY)
    if isinstance(records, list) and records and records[-1].get("method") == "password":
        records[-1]["reauthenticated"] = True
        request.session[AUTHENTICATION_METHODS_SESSION_KEY] = records
