"""The one access layer: may this user see or change this thing?

Every view, API endpoint and download asks here. Answers come from the user's memberships that
are in force today (ended memberships grant nothing); access is denied by default. A view that
is told "no" for an object raises Http404 (never revealing that the object exists); for an
object the user may see but not change it answers 403.

The grants are read once per request (one query) and kept on the user object.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from regions.models import (
    ADVISER_ROLES,
    COUNCIL_SENIOR_ROLES,
    MFA_ROLES,
    REGIONAL_LEAD_ROLES,
    Council,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    # Whoever asks: the rules answer for a signed-in person and say no to anyone else.
    UserOrAnonymous: TypeAlias = User | AnonymousUser

NATIONAL_STAFF_ROLES = frozenset(ADVISER_ROLES | {Role.PROGRAMME_MANAGER, Role.CIB_ADMIN})


@dataclass(frozen=True)
class Grants:
    """What a user's active memberships give them."""

    # council id -> roles held there
    council_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    # region id -> roles held there
    region_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    national_roles: frozenset[str] = frozenset()
    is_superuser: bool = False

    @property
    def any(self) -> bool:
        return bool(
            self.council_roles or self.region_roles or self.national_roles or self.is_superuser
        )

    @property
    def all_roles(self) -> frozenset[str]:
        roles: set[str] = set(self.national_roles)
        for held in (*self.council_roles.values(), *self.region_roles.values()):
            roles |= held
        return frozenset(roles)

    @property
    def is_national_staff(self) -> bool:
        return self.is_superuser or bool(self.national_roles & NATIONAL_STAFF_ROLES)

    @property
    def covers_all_regions(self) -> bool:
        """National advisers and national staff see every region as an adviser does."""
        return self.is_national_staff

    def regions_with(self, roles: Iterable[str]) -> frozenset[int]:
        wanted = frozenset(roles)
        return frozenset(rid for rid, held in self.region_roles.items() if held & wanted)

    def councils_with(self, roles: Iterable[str]) -> frozenset[int]:
        wanted = frozenset(roles)
        return frozenset(cid for cid, held in self.council_roles.items() if held & wanted)


_ANONYMOUS = Grants()


# The attribute of the user object that keeps its grants for the rest of the request.
_GRANTS_ATTR = "_cib_grants"


def grants_for(user: UserOrAnonymous | None) -> Grants:
    """The user's grants from memberships in force today, read once per user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return _ANONYMOUS
    cached = getattr(user, _GRANTS_ATTR, None)
    if cached is not None:
        return cached
    council_roles: dict[int, set[str]] = {}
    region_roles: dict[int, set[str]] = {}
    national_roles: set[str] = set()
    rows = (
        Membership.objects.active()
        .filter(user=user)
        .values_list(
            "role", "organisation__kind", "organisation__council_id", "organisation__region_id"
        )
    )
    for role, kind, council_id, region_id in rows:
        if kind == OrganisationKind.COUNCIL:
            council_roles.setdefault(council_id, set()).add(role)
        elif kind == OrganisationKind.REGION:
            region_roles.setdefault(region_id, set()).add(role)
        else:
            national_roles.add(role)
    grants = Grants(
        council_roles={k: frozenset(v) for k, v in council_roles.items()},
        region_roles={k: frozenset(v) for k, v in region_roles.items()},
        national_roles=frozenset(national_roles),
        is_superuser=bool(user.is_superuser),
    )
    setattr(user, _GRANTS_ATTR, grants)
    return grants


def forget_grants(user: UserOrAnonymous) -> None:
    """Drop the grants kept on a user object (after its memberships change)."""
    if hasattr(user, _GRANTS_ATTR):
        delattr(user, _GRANTS_ATTR)


# --- Who may use the portal at all ---------------------------------------------------------


def is_member(user: UserOrAnonymous) -> bool:
    """Anyone with a membership in force may use the portal and see published data."""
    return grants_for(user).any


def is_national_staff(user: UserOrAnonymous) -> bool:
    return grants_for(user).is_national_staff


def requires_mfa(user: UserOrAnonymous) -> bool:
    """National roles and regional leads must sign in with a second factor."""
    return bool(grants_for(user).all_roles & MFA_ROLES)


def home_kind(user: UserOrAnonymous) -> str | None:
    """Which home page fits the user: "adviser", "programme_manager", "regional", "council",
    "reviewer", or None. The national programme manager, who is no adviser, gets the review
    pipeline rather than the Ofsted picture."""
    grants = grants_for(user)
    if (
        Role.PROGRAMME_MANAGER in grants.national_roles
        and not grants.all_roles & ADVISER_ROLES
        and not grants.is_superuser
    ):
        return "programme_manager"
    if grants.is_national_staff or grants.regions_with(ADVISER_ROLES):
        return "adviser"
    if grants.region_roles:
        return "regional"
    if grants.council_roles:
        return "council"
    if Role.PEER_REVIEWER in grants.national_roles:
        return "reviewer"
    return None


# --- Regions and councils -------------------------------------------------------------------


def adviser_region_ids(user: UserOrAnonymous) -> frozenset[int] | None:
    """Regions the user advises on; None means every region."""
    grants = grants_for(user)
    if grants.covers_all_regions:
        return None
    return grants.regions_with(ADVISER_ROLES)


def led_region_ids(user: UserOrAnonymous) -> frozenset[int]:
    """Regions where the user is a regional lead."""
    return grants_for(user).regions_with(REGIONAL_LEAD_ROLES)


def can_view_published(user: UserOrAnonymous) -> bool:
    """Published data (councils, regions, Ofsted, the data set) is open to every member."""
    return is_member(user)


def can_view_council_confidential(user: UserOrAnonymous, council: Council) -> bool:
    """A council's confidential material: its own staff, its region's leads and programme
    manager, and the advisers covering its region."""
    grants = grants_for(user)
    if grants.is_national_staff:
        return True
    if council.pk in grants.council_roles:
        return True
    held = grants.region_roles.get(council.region_id, frozenset())
    return bool(held & (REGIONAL_LEAD_ROLES | ADVISER_ROLES | {Role.REGIONAL_PROGRAMME_MANAGER}))


# --- Invitations and memberships ------------------------------------------------------------


def roles_user_may_grant(user: UserOrAnonymous, organisation: Organisation) -> frozenset[str]:
    """The roles the user may invite people to in an organisation (none means no inviting)."""
    from regions.models import ROLES_BY_KIND

    grants = grants_for(user)
    allowed = ROLES_BY_KIND[organisation.kind]
    if grants.is_superuser or Role.CIB_ADMIN in grants.national_roles:
        return allowed
    if organisation.kind == OrganisationKind.COUNCIL:
        if organisation.council_id in grants.councils_with(COUNCIL_SENIOR_ROLES):
            return allowed
        # A council's organisation: its council is set.
        region_id = cast(Council, organisation.council).region_id
        if region_id in grants.regions_with(REGIONAL_LEAD_ROLES):
            return allowed
        return frozenset()
    if organisation.kind == OrganisationKind.REGION:
        if organisation.region_id in grants.regions_with(REGIONAL_LEAD_ROLES):
            # Regional leads name their fellow leads and programme manager; advisers are the
            # LGA's to assign.
            return frozenset(REGIONAL_LEAD_ROLES | {Role.REGIONAL_PROGRAMME_MANAGER})
        return frozenset()
    return frozenset()


def may_invite_someone(user: UserOrAnonymous) -> bool:
    """Whether the user may invite anyone at all (from grants alone: no query)."""
    grants = grants_for(user)
    return bool(
        grants.is_superuser
        or Role.CIB_ADMIN in grants.national_roles
        or grants.councils_with(COUNCIL_SENIOR_ROLES)
        or grants.regions_with(REGIONAL_LEAD_ROLES)
    )


def organisations_user_may_invite_to(user: UserOrAnonymous) -> QuerySet[Organisation]:
    """Organisations where the user may invite someone to at least one role."""
    grants = grants_for(user)
    if grants.is_superuser or Role.CIB_ADMIN in grants.national_roles:
        return Organisation.objects.all()
    senior_councils = grants.councils_with(COUNCIL_SENIOR_ROLES)
    lead_regions = grants.regions_with(REGIONAL_LEAD_ROLES)
    return Organisation.objects.filter(
        Q(council_id__in=senior_councils)
        | Q(council__region_id__in=lead_regions)
        | Q(region_id__in=lead_regions)
    )


# --- Reports --------------------------------------------------------------------------------


def can_view_report(user: User, job: Any) -> bool:
    """A report is for the person who asked for it, while they may still see its subject (the
    rule of the report's kind, declared by the app that owns it: reports.permissions)."""
    from reports.permissions import can_view_report as report_rule

    return report_rule(user, job)


# --- Helpers for views ----------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """An answer to "may this person do this?" with the reason a person can read when it is no
    (shown on the 403 page and in the API's `detail`). Truthy when allowed, so a rule that
    returns a Decision reads like one that returns a bool."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


def deny(reason: str) -> Decision:
    return Decision(False, reason)


def allow_if(condition: bool, reason: str) -> Decision:
    """ALLOWED when the condition holds, else a refusal with the reason."""
    return ALLOWED if condition else Decision(False, reason)


def require(allowed: bool | Decision) -> None:
    """Raise Http404 unless allowed: objects a user may not see do not exist for them."""
    if not allowed:
        raise Http404


def require_permission(decision: bool | Decision, reason: str = "") -> None:
    """Raise PermissionDenied (403) with the decision's reason unless allowed: for what the
    person may see but may not do. The page and the API both show the reason."""
    if not decision:
        raise PermissionDenied(getattr(decision, "reason", "") or reason)


# --- Reviews and diagnostics: bookings ------------------------------------------------------


def _is_programme_manager(grants: Grants) -> bool:
    return grants.is_superuser or Role.PROGRAMME_MANAGER in grants.national_roles


def is_programme_manager(user: UserOrAnonymous) -> bool:
    """The LGA's programme manager (national): every booking, overrides, closing."""
    return _is_programme_manager(grants_for(user))


def can_manage_bookings(user: UserOrAnonymous) -> bool:
    """Programme managers and advisers (of any region) manage review bookings."""
    grants = grants_for(user)
    return (
        _is_programme_manager(grants)
        or bool(grants.national_roles & ADVISER_ROLES)
        or bool(grants.regions_with(ADVISER_ROLES))
    )


def can_manage_booking(user: UserOrAnonymous, booking: Any) -> bool:
    """A programme manager, or an adviser covering the booking's council's region."""
    grants = grants_for(user)
    if _is_programme_manager(grants) or grants.national_roles & ADVISER_ROLES:
        return True
    return booking.council.region_id in grants.regions_with(ADVISER_ROLES)


def councils_user_may_book_for(user: UserOrAnonymous) -> QuerySet[Council]:
    """Councils where the user is on the staff (any council role): they may book for them."""
    return Council.objects.filter(pk__in=grants_for(user).council_roles).order_by("name")


def _on_booking_team(user: UserOrAnonymous, booking: Any) -> bool:
    return booking.team.filter(is_active=True, reviewer__user_id=user.pk).exists()


def can_view_booking(user: UserOrAnonymous, booking: Any) -> bool:
    """The council's staff, its region's leads, the advisers covering it, programme managers,
    and the reviewers on its team while they are on it."""
    grants = grants_for(user)
    if not grants.any:
        return False
    if _is_programme_manager(grants) or grants.national_roles & ADVISER_ROLES:
        return True
    council = booking.council
    if council.pk in grants.council_roles:
        return True
    held = grants.region_roles.get(council.region_id, frozenset())
    if held & (REGIONAL_LEAD_ROLES | ADVISER_ROLES):
        return True
    return _on_booking_team(user, booking)


def can_change_booking(user: UserOrAnonymous, booking: Any) -> bool:
    """Reschedule or cancel: the council's staff, or whoever manages the booking."""
    return booking.council_id in grants_for(user).council_roles or can_manage_booking(user, booking)


def bookings_visible_filter(user: User) -> Q:
    """A Q over Booking selecting the bookings the user may see (nothing when none)."""
    grants = grants_for(user)
    if not grants.any:
        return Q(pk__in=[])
    if _is_programme_manager(grants) or grants.national_roles & ADVISER_ROLES:
        return Q()
    from reviews.models import TeamAssignment

    regions = grants.regions_with(REGIONAL_LEAD_ROLES | ADVISER_ROLES)
    on_team = TeamAssignment.objects.filter(is_active=True, reviewer__user_id=user.pk).values(
        "booking_id"
    )
    return (
        Q(council_id__in=list(grants.council_roles))
        | Q(council__region_id__in=list(regions))
        | Q(pk__in=on_team)
    )


# --- Reviewer register, teams, calendars and the review pipeline -----------------------------


def can_manage_reviewers(user: UserOrAnonymous) -> bool:
    """The reviewer register and review teams are the programme manager's."""
    grants = grants_for(user)
    return grants.is_superuser or Role.PROGRAMME_MANAGER in grants.national_roles


def can_view_review_pipeline(user: UserOrAnonymous) -> bool:
    """The pipeline of reviews: programme managers and the LGA's advisers."""
    grants = grants_for(user)
    return can_manage_reviewers(user) or bool(grants.all_roles & ADVISER_ROLES)


def reviewer_for(user: User) -> Any | None:
    """The register entry linked to this user, if any (and they may use the portal)."""
    if not is_member(user):
        return None
    from reviews.models import Reviewer

    return Reviewer.objects.filter(user=user, is_active=True).first()


def can_manage_reviewer_availability(user: UserOrAnonymous, reviewer: Any) -> bool:
    """A reviewer keeps their own availability and calendar feed; the programme manager any."""
    if can_manage_reviewers(user):
        return True
    return is_member(user) and reviewer.user_id is not None and reviewer.user_id == user.pk


# --- The CIB administrator (devolved funds' rules are in funds.permissions) -----------------


def is_cib_admin(user: UserOrAnonymous) -> bool:
    grants = grants_for(user)
    return grants.is_superuser or Role.CIB_ADMIN in grants.national_roles
