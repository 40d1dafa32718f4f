"""Memberships: roles by organisation, dates, and `manage.py add_member`."""

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from cib_portal import access
from regions.models import Membership, Organisation
from tests.factories import MembershipFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


def test_add_member_creates_the_user_and_the_membership_and_is_idempotent(reference_data, capsys):
    call_command(
        "add_member", "New.Admin@Example.org", "national", "cib_admin", "--name", "New Admin"
    )
    user = User.objects.get(email="new.admin@example.org")
    assert user.full_name == "New Admin"
    assert not user.has_usable_password()
    assert [(m.organisation.code, m.role) for m in user.memberships.all()] == [
        ("national", "cib_admin")
    ]
    assert "Created user new.admin@example.org; added CIB administrator" in capsys.readouterr().out
    call_command("add_member", "new.admin@example.org", "national", "cib_admin")
    assert "Found user new.admin@example.org; already had" in capsys.readouterr().out
    assert Membership.objects.filter(user=user).count() == 1
    assert AuditEvent.objects.filter(
        action="membership.create", object_id=str(user.memberships.get().pk)
    ).exists()


def test_add_member_refuses_an_unknown_organisation(reference_data):
    with pytest.raises(CommandError, match="There is no organisation with code 'E99999999'"):
        call_command("add_member", "a@example.org", "E99999999", "council_officer")
    assert not User.objects.filter(email="a@example.org").exists()


def test_add_member_refuses_an_unknown_role(reference_data):
    with pytest.raises(CommandError, match="There is no role 'chief_bottle_washer'"):
        call_command("add_member", "a@example.org", "E08000035", "chief_bottle_washer")
    assert not User.objects.filter(email="a@example.org").exists()


def test_add_member_refuses_a_role_the_organisation_cannot_hold(reference_data):
    with pytest.raises(CommandError, match="cannot be held in Leeds"):
        call_command("add_member", "a@example.org", "E08000035", "cib_admin")


def test_an_ended_membership_grants_nothing(no_role_user, client_for):
    assert not access.is_member(no_role_user)
    assert client_for(no_role_user).get("/councils/").status_code == 404
    assert client_for(no_role_user).get("/home/").status_code == 403


def test_a_future_membership_grants_nothing_yet(reference_data):
    user = make_member(
        "E08000035", "council_officer", starts_on=timezone.localdate() + timezone.timedelta(days=3)
    )
    assert not access.is_member(user)


def test_the_database_refuses_overlapping_memberships_with_the_same_role(reference_data):
    user = UserFactory()
    leeds = Organisation.objects.get(code="E08000035")
    today = timezone.localdate()
    MembershipFactory(
        user=user,
        organisation=leeds,
        role="dcs",
        starts_on=today,
        ends_on=today + timezone.timedelta(days=100),
    )
    with pytest.raises(IntegrityError):
        MembershipFactory(
            user=user, organisation=leeds, role="dcs", starts_on=today + timezone.timedelta(days=50)
        )


def test_successive_memberships_with_the_same_role_are_allowed(reference_data):
    user = UserFactory()
    leeds = Organisation.objects.get(code="E08000035")
    today = timezone.localdate()
    MembershipFactory(
        user=user,
        organisation=leeds,
        role="dcs",
        starts_on=today - timezone.timedelta(days=100),
        ends_on=today - timezone.timedelta(days=1),
    )
    MembershipFactory(user=user, organisation=leeds, role="dcs", starts_on=today)
    assert Membership.objects.active().filter(user=user).count() == 1
