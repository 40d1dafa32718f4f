"""Who may see and change a region's devolved funds (the core is cib_portal.access).

Each rule answers with an access.Decision: truthy when allowed, else with the reason a person
can read (the 403 page and the API's `detail` show it). Seeing a region's funds is asked
with access.require (a 404 for what the person may not see); the rest with
access.require_permission (a 403 with the reason).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from cib_portal import access
from regions.models import ADVISER_ROLES, REGIONAL_LEAD_ROLES, Role

from .models import QuarterlyReturn

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    UserOrAnonymous: TypeAlias = User | AnonymousUser

# Who sees every region's funds: the CIB administrator and the LGA's national advisers.
NATIONAL_FUNDS_ROLES = frozenset(ADVISER_ROLES | {Role.CIB_ADMIN})
# Who sees one region's funds: its leads and programme manager, and the advisers covering it.
REGION_FUNDS_ROLES = frozenset(
    REGIONAL_LEAD_ROLES | {Role.REGIONAL_PROGRAMME_MANAGER} | ADVISER_ROLES
)

ONLY_ADMIN = "Only the CIB administrator records and changes funding agreements."
ONLY_RAISER = "Only the region's programme manager raises and acts on its spend requests."
ONLY_LEAD = "Only a regional lead of the region decides on its spend."
ONLY_RETURN_EDITOR = "Only the region's programme manager edits its returns."
ONLY_RETURN_SIGNER = "Only a regional lead of the region signs off its returns."
ONLY_RETURN_SUBMITTER = (
    "Only the region's programme manager or a regional lead submits its returns."
)
ONLY_RETURN_REVIEWER = "Only the CIB administrator accepts returns or sends them back."


def can_manage_agreements(user: UserOrAnonymous) -> access.Decision:
    """Funding agreements, allocations and the acceptance of returns: the CIB administrator."""
    return access.allow_if(access.is_cib_admin(user), ONLY_ADMIN)


def can_view_national_funds(user: UserOrAnonymous) -> access.Decision:
    """Every region's funds: the CIB administrator, whose row in DOMAIN.md is the funding
    agreements and returns, and the LGA's national advisers, whose national view shows each
    region's use of its funds. Not the national programme manager: their row (products,
    bookings, the reviewer register) names no funds."""
    grants = access.grants_for(user)
    return access.allow_if(
        grants.is_superuser or bool(grants.national_roles & NATIONAL_FUNDS_ROLES),
        "Only the CIB administrator and the national advisers see every region's funds.",
    )


def can_view_funds(user: UserOrAnonymous, region_id: int) -> access.Decision:
    """A region's agreements, spend and returns: its leads and programme manager, the
    advisers covering it, and those who see every region's funds (can_view_national_funds)."""
    if can_view_national_funds(user):
        return access.ALLOWED
    held = access.grants_for(user).region_roles.get(region_id, frozenset())
    return access.allow_if(
        bool(held & REGION_FUNDS_ROLES),
        "Only the region's leads, its programme manager and the advisers covering it see "
        "its funds.",
    )


def funds_region_ids(user: UserOrAnonymous) -> frozenset[int] | None:
    """Regions whose funds the user may see; None means every region."""
    if can_view_national_funds(user):
        return None
    return access.grants_for(user).regions_with(REGION_FUNDS_ROLES)


def can_raise_spend(user: UserOrAnonymous, region_id: int) -> access.Decision:
    """Spend requests and returns are drafted by the region's programme manager."""
    grants = access.grants_for(user)
    return access.allow_if(
        grants.is_superuser
        or Role.REGIONAL_PROGRAMME_MANAGER in grants.region_roles.get(region_id, frozenset()),
        ONLY_RAISER,
    )


def can_approve_spend(user: UserOrAnonymous, region_id: int) -> access.Decision:
    """Spend is approved or rejected, and returns signed off, by the region's leads only."""
    return access.allow_if(
        region_id in access.grants_for(user).regions_with(REGIONAL_LEAD_ROLES), ONLY_LEAD
    )


def may_see_any_funds(user: UserOrAnonymous) -> access.Decision:
    """Whether the navigation offers Funds (from grants alone: no query)."""
    return access.allow_if(
        bool(can_view_national_funds(user))
        or bool(access.grants_for(user).regions_with(REGION_FUNDS_ROLES)),
        "Only the regions' leads, programme managers, advisers and the CIB administrator "
        "see devolved funds.",
    )


# --- A quarterly return's steps ---------------------------------------------------------------


def can_edit_return(user: UserOrAnonymous, ret: QuarterlyReturn) -> access.Decision:
    """The narrative and outcomes: the region's programme manager."""
    return access.allow_if(bool(can_raise_spend(user, ret.agreement.region_id)), ONLY_RETURN_EDITOR)


def can_sign_off_return(user: UserOrAnonymous, ret: QuarterlyReturn) -> access.Decision:
    """Signing off: a regional lead of the region."""
    return access.allow_if(
        bool(can_approve_spend(user, ret.agreement.region_id)), ONLY_RETURN_SIGNER
    )


def can_submit_return(user: UserOrAnonymous, ret: QuarterlyReturn) -> access.Decision:
    """Submitting to CIB: the region's programme manager or a regional lead."""
    region_id = ret.agreement.region_id
    return access.allow_if(
        bool(can_raise_spend(user, region_id) or can_approve_spend(user, region_id)),
        ONLY_RETURN_SUBMITTER,
    )


def can_review_return(user: UserOrAnonymous, ret: QuarterlyReturn) -> access.Decision:
    """Accepting a submitted return or sending it back: the CIB administrator."""
    return access.allow_if(access.is_cib_admin(user), ONLY_RETURN_REVIEWER)
