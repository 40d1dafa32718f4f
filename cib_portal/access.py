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
from typing import TYPE_CHECKING, TypeAlias

from django.core.exceptions import PermissionDenied
from django.http import Http404

from regions.models import (
    ADVISER_ROLES,
    MFA_ROLES,
    REGIONAL_LEAD_ROLES,
    Council,
    Membership,
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


# --- The programme manager (reviews' rules are in reviews.permissions) ----------------------


def _is_programme_manager(grants: Grants) -> bool:
    return grants.is_superuser or Role.PROGRAMME_MANAGER in grants.national_roles


def is_programme_manager(user: UserOrAnonymous) -> bool:
    """The LGA's programme manager (national): every booking, overrides, closing."""
    return _is_programme_manager(grants_for(user))


# --- The CIB administrator (devolved funds' rules are in funds.permissions) -----------------


def is_cib_admin(user: UserOrAnonymous) -> bool:
    grants = grants_for(user)
    return grants.is_superuser or Role.CIB_ADMIN in grants.national_roles
