"""Joining by invitation (no open sign-up), sign-in throttling and required MFA."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts import services
from accounts.models import Invitation, User
from audit.models import AuditEvent
from regions.models import Membership, Organisation
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def _invite(client, email="new.person@leeds.example", role="council_officer", org="E08000035"):
    organisation = Organisation.objects.get(code=org)
    return client.post(
        "/people/invitations/new/", {"email": email, "organisation": organisation.pk, "role": role}
    )


def test_a_dcs_invites_a_colleague_who_accepts_and_lands_on_their_home(
    dcs, client_for, django_capture_on_commit_callbacks
):
    client = client_for(dcs)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@leeds.example"]
    link = re.search(r"http://testserver(/people/invitation/\S+/)", message.body).group(1)

    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    assert b"Join Leeds" in page.content
    response = client.post(
        link,
        {
            "full_name": "New Person",
            "password1": "a-long-pass-phrase-1",
            "password2": "a-long-pass-phrase-1",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/home/"
    user = User.objects.get(email="new.person@leeds.example")
    assert user.full_name == "New Person"
    assert EmailAddress.objects.get(user=user).verified
    membership = Membership.objects.get(user=user)
    assert (membership.organisation.code, membership.role) == ("E08000035", "council_officer")
    assert client.get("/home/").status_code == 200
    # The link works once.
    assert client_for(None).get(link).status_code == 404
    assert AuditEvent.objects.filter(action="invitation.accept").count() == 1


def test_accepting_with_mismatched_passwords_saves_nothing(dcs, client_for):
    invitation = services.invitation_create(
        invited_by=dcs,
        organisation=Organisation.objects.get(code="E08000035"),
        role="council_officer",
        email="x@leeds.example",
        base_url="http://testserver",
    )
    response = client_for(None).post(
        f"/people/invitation/{invitation.token}/",
        {"full_name": "X", "password1": "a-long-pass-phrase-1", "password2": "different-phrase-2"},
    )
    assert response.status_code == 200
    assert b"The passwords do not match" in response.content
    assert not User.objects.filter(email="x@leeds.example").exists()


def test_a_council_officer_cannot_invite(officer, client_for):
    assert _invite(client_for(officer)).status_code == 404
    assert not Invitation.objects.exists()


def test_a_dcs_cannot_invite_to_another_council(dcs, client_for):
    response = _invite(client_for(dcs), org="E08000003")
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not Invitation.objects.exists()


def test_a_regional_lead_cannot_invite_an_adviser(regional_lead, client_for):
    response = _invite(client_for(regional_lead), role="principal_adviser", org="E12000003")
    assert response.status_code == 200
    assert b"You cannot invite people to Yorkshire and The Humber as Principal adviser" in (
        response.content
    )
    assert not Invitation.objects.exists()


def test_a_second_pending_invitation_for_the_same_person_and_role_is_refused(dcs):
    leeds = Organisation.objects.get(code="E08000035")
    services.invitation_create(
        invited_by=dcs,
        organisation=leeds,
        role="council_officer",
        email="twice@leeds.example",
        base_url="http://testserver",
    )
    with pytest.raises(services.InvitationError, match="already has an invitation"):
        services.invitation_create(
            invited_by=dcs,
            organisation=leeds,
            role="council_officer",
            email="Twice@Leeds.example",
            base_url="http://testserver",
        )


def test_a_withdrawn_invitation_no_longer_works(dcs, client_for):
    invitation = services.invitation_create(
        invited_by=dcs,
        organisation=Organisation.objects.get(code="E08000035"),
        role="council_officer",
        email="gone@leeds.example",
        base_url="http://testserver",
    )
    client = client_for(dcs)
    assert client.get(f"/people/invitations/{invitation.pk}/withdraw/").status_code == 200
    assert client.post(f"/people/invitations/{invitation.pk}/withdraw/").status_code == 302
    assert client_for(None).get(f"/people/invitation/{invitation.token}/").status_code == 404


def test_there_is_no_open_sign_up(client, reference_data):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "stranger@example.org",
            "password1": "a-long-pass-phrase-1",
            "password2": "a-long-pass-phrase-1",
        },
    )
    assert not User.objects.filter(email="stranger@example.org").exists()
    assert response.status_code in (200, 302)


def test_signing_in_with_email_and_password(officer, client):
    response = client.post(
        "/accounts/login/", {"login": officer.email, "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 302
    assert client.get("/home/").status_code == 200


def test_failed_sign_ins_are_throttled(officer, client):
    from django.core.cache import cache

    cache.clear()
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": officer.email, "password": "wrong"})
        assert b"Too many failed login attempts" not in response.content
    # After five failures for one account in five minutes, even the right password is refused.
    response = client.post(
        "/accounts/login/", {"login": officer.email, "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content
    assert client.get("/home/").status_code == 302
    cache.clear()


def test_a_regional_lead_without_mfa_must_set_it_up_before_anything_else(
    client_for, reference_data
):
    lead = make_member("E12000003", "regional_lead_dcs", email="nomfa@yorks.example", mfa=False)
    client = client_for(None)
    response = client.post(
        "/accounts/login/", {"login": lead.email, "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 302
    response = client.get("/councils/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
    assert client.get("/api/v1/councils/").status_code == 403
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200


def test_a_council_officer_is_not_forced_to_use_mfa(client_for, reference_data):
    user = make_member("E08000035", "council_officer", email="plain@leeds.example", mfa=False)
    assert client_for(user).get("/councils/").status_code == 200


def test_signing_in_as_an_adviser_asks_for_the_totp_code(adviser, client):
    import time

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    response = client.post(
        "/accounts/login/", {"login": adviser.email, "password": "correct-horse-battery-staple"}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/home/").status_code == 302  # not signed in yet
    secret = decrypt(Authenticator.objects.get(user=adviser, type="totp").data["secret"])
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert client.get("/home/").status_code == 200


def test_people_who_must_use_mfa_cannot_remove_it_but_others_can(adviser, reference_data):
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    officer = make_member("E08000035", "council_officer", email="careful@leeds.example")
    TOTP.activate(officer, generate_totp_secret())
    adapter = get_adapter()
    assert not adapter.can_delete_authenticator(Authenticator.objects.get(user=adviser))
    assert adapter.can_delete_authenticator(Authenticator.objects.get(user=officer))
