"""factory_boy factories and helpers for people with roles."""

from __future__ import annotations

import factory
from django.utils import timezone

from accounts.models import User
from regions.models import Membership, Organisation

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password(PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.LazyFunction(lambda: Organisation.objects.get(code="national"))
    role = "principal_adviser"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=30))


def make_member(
    org_code: str,
    role: str,
    *,
    email: str | None = None,
    mfa: bool = True,
    verified: bool = True,
    **membership,
) -> User:
    """A user holding `role` in the organisation `org_code`, with TOTP set up when the role
    needs it (so tests reach the page rather than the MFA set-up), and a verified email."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from cib_portal import access

    user = UserFactory(**({"email": email} if email else {}))
    MembershipFactory(
        user=user, organisation=Organisation.objects.get(code=org_code), role=role, **membership
    )
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": verified, "primary": True}
    )
    access.forget_grants(user)
    if mfa and access.requires_mfa(user) and not Authenticator.objects.filter(user=user).exists():
        TOTP.activate(user, generate_totp_secret())
    return user
