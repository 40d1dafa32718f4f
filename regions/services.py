"""Writes for regions, councils and memberships."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_record

from .audit_actions import Action
from .models import ROLES_BY_KIND, Membership, Organisation, Role

if TYPE_CHECKING:
    from accounts.models import User


class MembershipError(Exception):
    """A membership cannot be made as asked; the message says why."""


def organisation_by_code(code: str) -> Organisation:
    """The organisation named by a GSS code or "national", or a MembershipError."""
    try:
        return Organisation.objects.select_related("council", "region").get(code=code.strip())
    except Organisation.DoesNotExist:
        raise MembershipError(
            f"There is no organisation with code {code!r}. Use a council's or region's GSS code "
            "(for example E08000025 or E12000005) or 'national'."
        ) from None


def role_check(*, organisation: Organisation, role: str) -> None:
    """Raise MembershipError unless the role exists and may be held in the organisation."""
    if role not in Role.values:
        raise MembershipError(
            f"There is no role {role!r}. Roles are: {', '.join(sorted(Role.values))}."
        )
    allowed = ROLES_BY_KIND[organisation.kind]
    if role not in allowed:
        raise MembershipError(
            f"The role {role!r} cannot be held in {organisation.name} (a "
            f"{organisation.get_kind_display().lower()}). Roles there are: "
            f"{', '.join(sorted(allowed))}."
        )


@transaction.atomic
def membership_add(
    *,
    user: User,
    organisation: Organisation,
    role: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
    added_by: User | None = None,
) -> tuple[Membership, bool]:
    """Give a user a role in an organisation; returns (membership, created).

    An active membership with the same role is kept as it is (so provisioning is idempotent).
    """
    role_check(organisation=organisation, role=role)
    today = timezone.localdate()
    existing = (
        Membership.objects.active(starts_on or today)
        .filter(user=user, organisation=organisation, role=role)
        .first()
    )
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user,
                organisation=organisation,
                role=role,
                starts_on=starts_on or today,
                ends_on=ends_on,
                created_by=added_by,
            )
    except IntegrityError as exc:
        raise MembershipError(
            f"{user.email} already holds {role} in {organisation.name} for part of those dates."
        ) from exc
    audit_record(
        actor=added_by,
        action=Action.MEMBERSHIP_CREATE,
        obj=membership,
        summary=f"{user.email} became {membership.get_role_display()} of {organisation.name}",
        after={
            "user": user.email,
            "organisation": organisation.code,
            "role": role,
            "starts_on": str(membership.starts_on),
            "ends_on": str(ends_on) if ends_on else None,
        },
    )
    return membership, True


@transaction.atomic
def membership_end(
    *, membership: Membership, ends_on: date | None = None, ended_by: User | None = None
) -> Membership:
    """End a membership on a day (today by default); from the day after it grants nothing."""
    day = ends_on or timezone.localdate()
    if day < membership.starts_on:
        raise MembershipError("A membership cannot end before it starts.")
    before = {"ends_on": str(membership.ends_on) if membership.ends_on else None}
    membership.ends_on = day
    membership.save(update_fields=["ends_on"])
    audit_record(
        actor=ended_by,
        action=Action.MEMBERSHIP_END,
        obj=membership,
        summary=f"{membership.user.email} stopped being {membership.get_role_display()} of "
        f"{membership.organisation.name}",
        before=before,
        after={"ends_on": str(day)},
    )
    return membership


@transaction.atomic
def member_provision(
    *,
    email: str,
    organisation_code: str,
    role: str,
    full_name: str = "",
    added_by: User | None = None,
) -> tuple[User, Membership, bool, bool]:
    """Create the user if needed and give them the role: (user, membership, user_created,
    membership_created). Used by `manage.py add_member` and the demo data."""
    organisation = organisation_by_code(organisation_code)
    role_check(organisation=organisation, role=role)
    User = get_user_model()
    email = User.objects.normalize_email(email.strip()).lower()
    if not email or "@" not in email:
        raise MembershipError(f"{email!r} is not an email address.")
    user, user_created = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
    if user_created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    membership, created = membership_add(
        user=user, organisation=organisation, role=role, added_by=added_by
    )
    return user, membership, user_created, created


# --- Memberships changed in the admin (cib_portal.admin.AuditedMembershipsMixin) -------------


def membership_facts(membership: Membership) -> dict:
    """What the audit trail keeps of a membership."""
    return {
        "user": membership.user.email,
        "organisation": membership.organisation.code or membership.organisation.name,
        "role": membership.role,
        "starts_on": str(membership.starts_on) if membership.starts_on else None,
        "ends_on": str(membership.ends_on) if membership.ends_on else None,
    }


def membership_admin_audit(
    *, actor: User, membership: Membership, before: dict | None, after: dict | None
) -> None:
    """Record a membership added (no `before`), changed or deleted (no `after`) in the admin,
    as the portal's own services record theirs: a role is what grants access."""
    if before == after:
        return
    facts = after or before
    assert facts is not None  # one of them is set: a change, an addition or a deletion
    role = Membership(role=facts["role"]).get_role_display()
    where = membership.organisation.name
    if before is None:
        action, summary = Action.MEMBERSHIP_CREATE, f"{facts['user']} became {role} of {where}"
    elif after is None:
        action = Action.MEMBERSHIP_DELETE
        summary = f"{facts['user']} is no longer {role} of {where}"
    else:
        action, summary = Action.MEMBERSHIP_CHANGE, f"{facts['user']}'s {role} of {where} changed"
    audit_record(
        actor=actor,
        action=action,
        obj=membership,
        summary=f"In the admin: {summary}",
        before=before,
        after=after,
    )


def membership_stored_facts(membership: Membership) -> dict | None:
    if membership.pk is None:
        return None
    stored = Membership.objects.select_related("user", "organisation").filter(pk=membership.pk)
    found = stored.first()
    return membership_facts(found) if found else None
