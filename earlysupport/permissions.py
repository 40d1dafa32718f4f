"""Who may see and triage a council's risk flags, open the risk dashboards and the backtest, and
edit the facts and rules the flags come from.

Every rule reads the user's grants (cib_portal.access.Grants, one query a request) and answers
with an access.Decision: truthy when allowed, with a reason a person can read when it is not
(the 403 page and the API's `detail` show it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from cib_portal import access
from cib_portal.access import Decision
from regions.models import ADVISER_ROLES, COUNCIL_SENIOR_ROLES, REGIONAL_LEAD_ROLES, Council

if TYPE_CHECKING:
    from cib_portal.access import UserOrAnonymous

FLAG_REGION_ROLES = frozenset(REGIONAL_LEAD_ROLES | ADVISER_ROLES)

NOT_A_VIEWER = (
    "A council's risk flags are for its senior leaders, its region's leads and the LGA "
    "advisers covering it."
)
NOT_A_TRIAGER = "Only advisers covering the council and its region's leads can do this."
NOT_AN_EDITOR = "Only national staff edit the risk rules, interventions and DCS history."
NO_DASHBOARD = "Early support is for councils' senior leaders, regional leads and the LGA advisers."
NOT_THE_REGIONS_DASHBOARD = (
    "The risk dashboard of a region is for its leads and the advisers covering it; England's "
    "is for the advisers covering every region."
)
NO_BACKTEST = "The backtest of the risk rules is for LGA advisers."


# --- Who sees what on the dashboard --------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    """kind: "adviser" (national or regional), "regional" (a regional lead) or "council"."""

    kind: str
    # None = every region (national advisers).
    region_ids: frozenset[int] | None = None
    council_ids: frozenset[int] = frozenset()

    @property
    def is_national(self) -> bool:
        return self.region_ids is None


def dashboard_audience(user: UserOrAnonymous | None) -> Audience | None:
    """Which dashboard the user gets, or None (404): from the grants alone, no query."""
    grants = access.grants_for(user)
    if not grants.any:
        return None
    if grants.is_superuser or grants.national_roles & ADVISER_ROLES:
        return Audience(kind="adviser")
    advised = grants.regions_with(ADVISER_ROLES)
    led = grants.regions_with(REGIONAL_LEAD_ROLES)
    if advised:
        return Audience(kind="adviser", region_ids=frozenset(advised | led))
    if led:
        return Audience(kind="regional", region_ids=frozenset(led))
    senior = grants.councils_with(COUNCIL_SENIOR_ROLES)
    if senior:
        return Audience(kind="council", council_ids=frozenset(senior))
    return None


def may_see_any_flags(user: UserOrAnonymous | None) -> Decision:
    """Whether early support (the dashboard, the flags list) is offered at all: exactly those
    the dashboard opens for, so a link in the navigation never answers 404."""
    return access.allow_if(dashboard_audience(user) is not None, NO_DASHBOARD)


# --- A council's flags ---------------------------------------------------------------------


def can_view_flags(user: UserOrAnonymous, council: Council) -> Decision:
    """A council's risk flags: its senior leaders (DCS, lead member, chief executive), its
    region's leads and the LGA advisers covering it. Not its other officers."""
    grants = access.grants_for(user)
    if grants.is_superuser or grants.national_roles & ADVISER_ROLES:
        return access.ALLOWED
    if council.pk in grants.councils_with(COUNCIL_SENIOR_ROLES):
        return access.ALLOWED
    held = grants.region_roles.get(council.region_id, frozenset())
    return access.allow_if(bool(held & FLAG_REGION_ROLES), NOT_A_VIEWER)


def can_triage_flags(user: UserOrAnonymous, council: Council) -> Decision:
    """Raising and triaging flags: advisers covering the council and its region's leads."""
    grants = access.grants_for(user)
    if grants.is_superuser or grants.national_roles & ADVISER_ROLES:
        return access.ALLOWED
    held = grants.region_roles.get(council.region_id, frozenset())
    return access.allow_if(bool(held & FLAG_REGION_ROLES), NOT_A_TRIAGER)


def flags_visible_filter(user: UserOrAnonymous, prefix: str = "council__") -> Q:
    """A Q over a model with a council (Flag by default) selecting what the user may see."""
    grants = access.grants_for(user)
    if not grants.any:
        return Q(pk__in=[])
    if grants.is_superuser or grants.national_roles & ADVISER_ROLES:
        return Q()
    regions = list(grants.regions_with(FLAG_REGION_ROLES))
    councils = list(grants.councils_with(COUNCIL_SENIOR_ROLES))
    return Q(**{f"{prefix}id__in": councils}) | Q(**{f"{prefix}region_id__in": regions})


def triage_region_ids(user: UserOrAnonymous) -> frozenset[int] | None:
    """The regions whose councils the user may raise flags on; None for every region."""
    grants = access.grants_for(user)
    if grants.is_superuser or grants.national_roles & ADVISER_ROLES:
        return None
    return grants.regions_with(FLAG_REGION_ROLES)


# --- Dashboards, the backtest, facts and rules ----------------------------------------------


def can_view_risk_dashboard(user: UserOrAnonymous, region_id: int | None) -> Decision:
    """The risk dashboard of every region (region_id None): the advisers covering every region;
    of one region: its leads and the advisers covering it."""
    grants = access.grants_for(user)
    if grants.is_superuser or grants.national_roles & ADVISER_ROLES:
        return access.ALLOWED
    if region_id is None:
        return access.deny(NOT_THE_REGIONS_DASHBOARD)
    held = grants.region_roles.get(region_id, frozenset())
    return access.allow_if(bool(held & FLAG_REGION_ROLES), NOT_THE_REGIONS_DASHBOARD)


def may_see_backtest(user: UserOrAnonymous) -> Decision:
    """Advisers only (principal or improvement advisers, national or in a region)."""
    if not user.is_authenticated:
        return access.deny(NO_BACKTEST)
    regions = access.adviser_region_ids(user)
    holds = bool(access.grants_for(user).all_roles & ADVISER_ROLES)
    return access.allow_if(holds and (regions is None or bool(regions)), NO_BACKTEST)


def can_edit_risk_facts(user: UserOrAnonymous) -> Decision:
    """Rules, interventions and DCS history are edited by national staff."""
    return access.allow_if(access.is_national_staff(user), NOT_AN_EDITOR)


def may_see_rules(user: UserOrAnonymous) -> Decision:
    """The rules are shown to everyone who may see flags, and to national staff (who edit
    them)."""
    return access.allow_if(bool(may_see_any_flags(user) or can_edit_risk_facts(user)), NO_DASHBOARD)
