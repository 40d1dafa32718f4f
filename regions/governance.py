"""A region's governance leads: its lead member, lead chief executive and lead DCS, who take
responsibility for the devolved funds' delivery and spend. Each is a membership of the region's
organisation with a term (starts_on, ends_on); appointing a new lead ends the current one's
term the day before, so the history is kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from audit.services import audit_record
from cib_portal import access

from .audit_actions import Action
from .models import Membership, Organisation, Region, Role

GOVERNANCE_ROLES = (
    Role.REGIONAL_LEAD_MEMBER,
    Role.REGIONAL_LEAD_CHIEF_EXECUTIVE,
    Role.REGIONAL_LEAD_DCS,
)


class GovernanceError(Exception):
    """A governance change that cannot be made; the message says why."""


@dataclass
class LeadRole:
    role: str
    label: str
    current: list[Membership] = field(default_factory=list)
    upcoming: list[Membership] = field(default_factory=list)
    history: list[Membership] = field(default_factory=list)


def governance_leads(region: Region, *, today: date | None = None) -> list[LeadRole]:
    """For each of the three lead roles: the current holder(s), anyone appointed from a later
    date, and the past holders with their terms (one query)."""
    day = today or timezone.localdate()
    leads = {r: LeadRole(role=r, label=Role(r).label) for r in GOVERNANCE_ROLES}
    memberships = (
        Membership.objects.filter(organisation__region=region, role__in=GOVERNANCE_ROLES)
        .select_related("user")
        .order_by("-starts_on", "user__full_name")
    )
    for m in memberships:
        lead = leads[m.role]
        if m.ends_on is not None and m.ends_on < day:
            lead.history.append(m)
        elif m.starts_on > day:
            lead.upcoming.append(m)
        else:
            lead.current.append(m)
    return list(leads.values())


def regions_missing_leads(*, today: date | None = None) -> dict[int, list[str]]:
    """{region id: labels of the lead roles nobody holds today}, for regions missing any;
    one query."""
    day = today or timezone.localdate()
    active = Membership.objects.active(day).filter(organisation__region=OuterRef("pk"))
    rows = Region.objects.annotate(
        **{f"has_{r}": Exists(active.filter(role=r)) for r in GOVERNANCE_ROLES}
    ).values("pk", *(f"has_{r}" for r in GOVERNANCE_ROLES))
    missing: dict[int, list[str]] = {}
    for row in rows:
        lacking = [Role(r).label for r in GOVERNANCE_ROLES if not row[f"has_{r}"]]
        if lacking:
            missing[row["pk"]] = lacking
    return missing


def _term(m: Membership) -> dict[str, Any]:
    return {
        "user": m.user.email,
        "role": m.role,
        "starts_on": str(m.starts_on),
        "ends_on": str(m.ends_on) if m.ends_on else None,
    }


@transaction.atomic
def governance_lead_appoint(
    *, user: Any, region: Region, role: str, person_email: str, starts_on: date
) -> Membership:
    """Appoint a person (who must have an account) to a lead role from a date; the current
    holder's term ends the day before. Only the CIB administrator appoints."""
    if not access.is_cib_admin(user):
        raise GovernanceError("Only the CIB administrator can appoint governance leads.")
    if role not in GOVERNANCE_ROLES:
        raise GovernanceError("Choose one of the three governance lead roles.")
    User = get_user_model()
    email = (person_email or "").strip().lower()
    person = User.objects.filter(email__iexact=email).first() if email else None
    if person is None:
        raise GovernanceError(
            f"Nobody with the email address {email or '(none)'} has an account on the portal: "
            "they must have an account before they can be appointed."
        )
    organisation = Organisation.objects.select_for_update().get(region=region)
    label = Role(role).label
    holders = list(
        Membership.objects.select_for_update()
        .filter(organisation=organisation, role=role)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
        .select_related("user")
        .order_by("starts_on")
    )
    for holder in holders:
        if holder.user_id == person.pk:
            raise GovernanceError(f"{person.email} is already {label} of {region.name}.")
        if holder.starts_on >= starts_on:
            raise GovernanceError(
                f"The start date must be after {holder.starts_on:%-d %B %Y}, when the current "
                f"{label}, {holder.user.email}, started."
            )
    before = {"holders": [_term(h) for h in holders]}
    ends_on = starts_on - timedelta(days=1)
    for holder in holders:
        holder.ends_on = ends_on
        holder.save(update_fields=["ends_on"])
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=person,
                organisation=organisation,
                role=role,
                starts_on=starts_on,
                created_by=user,
            )
    except IntegrityError as exc:
        raise GovernanceError(
            f"{person.email} already holds {label} of {region.name} for part of that time."
        ) from exc
    access.forget_grants(person)
    for holder in holders:
        access.forget_grants(holder.user)
    audit_record(
        actor=user,
        action=Action.GOVERNANCE_APPOINT,
        obj=membership,
        summary=f"{person.email} appointed {label} of {region.name} from {starts_on}",
        before=before,
        after={"holders": [_term(h) for h in holders] + [_term(membership)]},
    )
    return membership


@transaction.atomic
def governance_lead_end(*, user: Any, membership: Membership, ends_on: date) -> Membership:
    """End a governance lead's term on a day (the last day they hold the role)."""
    if not access.is_cib_admin(user):
        raise GovernanceError("Only the CIB administrator can end a governance lead's term.")
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if membership.role not in GOVERNANCE_ROLES:
        raise GovernanceError("This is not a governance lead's membership.")
    if ends_on < membership.starts_on:
        raise GovernanceError(
            f"The term cannot end before it started ({membership.starts_on:%-d %B %Y})."
        )
    before = _term(membership)
    membership.ends_on = ends_on
    membership.save(update_fields=["ends_on"])
    access.forget_grants(membership.user)
    audit_record(
        actor=user,
        action=Action.GOVERNANCE_END,
        obj=membership,
        summary=f"{membership.user.email}'s term as {membership.get_role_display()} ends on "
        f"{ends_on}",
        before=before,
        after=_term(membership),
    )
    return membership
