"""Who may see the support offer, ask for it, and decide and follow councils' requests.

Every rule reads the user's grants (cib_portal.access.Grants, one query a request) and answers
with an access.Decision: truthy when allowed, with a reason a person can read when it is not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cib_portal import access
from cib_portal.access import Decision
from regions.models import (
    ADVISER_ROLES,
    COUNCIL_ROLES,
    COUNCIL_SENIOR_ROLES,
    REGIONAL_LEAD_ROLES,
    Council,
    Role,
)

from .models.campaigns import Campaign, CampaignApplication
from .models.mentoring import CouncilMatch
from .models.offers import Decider, SupportOffer, SupportRequest

if TYPE_CHECKING:
    from cib_portal.access import UserOrAnonymous

# --- Offers and requests --------------------------------------------------------------------

NOT_A_MEMBER = "The support offer is for members of the portal."
NOT_A_REQUESTER = (
    "Support is asked for by the council's director of children's services, chief executive, "
    "lead member or officers, or by an LGA adviser covering the council."
)
NOT_THE_DECIDER_PA = "Only the region's principal adviser or the programme manager decides this."
NOT_THE_DECIDER_PM = "Only the national programme manager decides this."
NOT_A_CLOSER = "Only the decider or the council that asked closes a request."
NOT_A_CANCELLER = "Only the council that asked, or the decider, cancels a request."
NO_ADVISER_VIEW = "The requests waiting are for the LGA advisers and the programme manager."


def _covers_region(user: UserOrAnonymous, region_id: int) -> bool:
    regions = access.adviser_region_ids(user)
    return regions is None or region_id in regions


def can_view_catalogue(user: UserOrAnonymous) -> Decision:
    return access.allow_if(access.is_member(user), NOT_A_MEMBER)


def can_view_offer(user: UserOrAnonymous, offer: SupportOffer) -> Decision:
    return can_view_catalogue(user)


def can_request_for(user: UserOrAnonymous, council: Council) -> Decision:
    """The council's own people (any council role) or an adviser covering its region."""
    grants = access.grants_for(user)
    held = grants.council_roles.get(council.pk, frozenset())
    return access.allow_if(
        bool(held & COUNCIL_ROLES) or _covers_region(user, council.region_id), NOT_A_REQUESTER
    )


def can_view_council_requests(
    user: UserOrAnonymous, council: Council, *, confidential: bool = False
) -> Decision:
    """A council's requests: its senior leaders and officers, its region's leads and the
    advisers covering it (and national staff). A confidential offer's requests are kept to the
    council's senior leaders and the advisers."""
    grants = access.grants_for(user)
    if grants.is_national_staff or _covers_region(user, council.region_id):
        return access.ALLOWED
    held = grants.council_roles.get(council.pk, frozenset())
    region_held = grants.region_roles.get(council.region_id, frozenset())
    if confidential:
        return access.allow_if(bool(held & COUNCIL_SENIOR_ROLES), NOT_A_REQUESTER)
    return access.allow_if(
        bool(held & COUNCIL_ROLES) or bool(region_held & REGIONAL_LEAD_ROLES), NOT_A_REQUESTER
    )


def can_view_request(user: UserOrAnonymous, request: SupportRequest) -> Decision:
    if request.requested_by_id == getattr(user, "pk", None):
        return access.ALLOWED
    return can_view_council_requests(user, request.council, confidential=request.offer.confidential)


def can_decide(user: UserOrAnonymous, request: SupportRequest) -> Decision:
    """The region's principal adviser (or the programme manager) for most offers; the
    programme manager alone for the offers decided nationally."""
    if access.is_programme_manager(user):
        return access.ALLOWED
    if request.offer.decided_by == Decider.PROGRAMME_MANAGER:
        return access.deny(NOT_THE_DECIDER_PM)
    grants = access.grants_for(user)
    held = grants.region_roles.get(request.council.region_id, frozenset())
    national_pa = Role.PRINCIPAL_ADVISER in grants.national_roles
    return access.allow_if(Role.PRINCIPAL_ADVISER in held or national_pa, NOT_THE_DECIDER_PA)


def _of_the_council(user: UserOrAnonymous, request: SupportRequest) -> bool:
    held = access.grants_for(user).council_roles.get(request.council_id, frozenset())
    return request.requested_by_id == getattr(user, "pk", None) or bool(held & COUNCIL_ROLES)


def can_close(user: UserOrAnonymous, request: SupportRequest) -> Decision:
    return access.allow_if(
        bool(can_decide(user, request)) or _of_the_council(user, request), NOT_A_CLOSER
    )


def can_cancel(user: UserOrAnonymous, request: SupportRequest) -> Decision:
    return access.allow_if(
        bool(can_decide(user, request)) or _of_the_council(user, request), NOT_A_CANCELLER
    )


def can_view_waiting(user: UserOrAnonymous) -> Decision:
    grants = access.grants_for(user)
    return access.allow_if(
        grants.is_national_staff or bool(grants.regions_with(ADVISER_ROLES)), NO_ADVISER_VIEW
    )


# --- Campaigns (expressions of interest) ----------------------------------------------------

# Who decides on a campaign's applications. Campaigns are CIB's own calls (the Board "will
# oversee ... a sector led process for identifying and supporting 30 local authority
# pathfinders"), decided nationally against one cap: DOMAIN.md's CIB administrator runs CIB's
# national business and the programme manager keeps the offer's catalogue, so these two decide.
# The advisers (principal and improvement) see every application, as national staff, but do not
# decide: they are the councils' "first point of contact", who help a council apply, and their
# row in DOMAIN.md names no national decisions.
CAMPAIGN_DECIDER_ROLES = frozenset({Role.PROGRAMME_MANAGER, Role.CIB_ADMIN})

CAMPAIGNS_FOR_MEMBERS = "CIB's campaigns are for members of the portal."
ONLY_COUNCIL_APPLIES = (
    "A council applies through its director of children's services, chief executive, lead "
    "member or officers."
)
ONLY_CAMPAIGN_DECIDERS = (
    "Only the national programme manager and the CIB administrator decide on applications."
)
APPLICATIONS_FOR_NATIONAL_STAFF = (
    "A campaign's applications are seen by national staff and each by the council that applied."
)


def can_view_campaigns(user: UserOrAnonymous) -> Decision:
    """The campaigns themselves (window, cap, how to apply) are open to every member."""
    return access.allow_if(access.is_member(user), CAMPAIGNS_FOR_MEMBERS)


def can_view_all_applications(user: UserOrAnonymous) -> Decision:
    """Every council's application (and so the list by region and the CSV): national staff."""
    return access.allow_if(access.is_national_staff(user), APPLICATIONS_FOR_NATIONAL_STAFF)


def can_view_application(user: UserOrAnonymous, application: CampaignApplication) -> Decision:
    """One application: national staff and anyone holding a role at the council that applied."""
    if access.is_national_staff(user):
        return access.ALLOWED
    held = access.grants_for(user).council_roles.get(application.council_id, frozenset())
    return access.allow_if(bool(held & COUNCIL_ROLES), APPLICATIONS_FOR_NATIONAL_STAFF)


def can_apply_for(user: UserOrAnonymous, council: Council) -> Decision:
    """The council's DCS, chief executive, lead member or officers."""
    held = access.grants_for(user).council_roles.get(council.pk, frozenset())
    return access.allow_if(bool(held & COUNCIL_ROLES), ONLY_COUNCIL_APPLIES)


def campaign_council_ids(user: UserOrAnonymous) -> frozenset[int]:
    """The councils the user may apply for (and whose applications they see)."""
    return access.grants_for(user).councils_with(COUNCIL_ROLES)


def can_decide_campaign(user: UserOrAnonymous, campaign: Campaign) -> Decision:
    """Selecting, not selecting, reserving and publishing: see CAMPAIGN_DECIDER_ROLES."""
    grants = access.grants_for(user)
    return access.allow_if(
        grants.is_superuser or bool(grants.national_roles & CAMPAIGN_DECIDER_ROLES),
        ONLY_CAMPAIGN_DECIDERS,
    )


def can_manage_campaigns(user: UserOrAnonymous) -> Decision:
    """Opening and changing campaigns: those who decide on them (CAMPAIGN_DECIDER_ROLES)."""
    grants = access.grants_for(user)
    return access.allow_if(
        grants.is_superuser or bool(grants.national_roles & CAMPAIGN_DECIDER_ROLES),
        "Only the national programme manager and the CIB administrator open and change campaigns.",
    )


def can_view_selection(user: UserOrAnonymous, campaign: Campaign) -> Decision:
    """A published selection, with its reasons, is seen by every member; before publishing,
    only by national staff."""
    if campaign.selection_published:
        return can_view_campaigns(user)
    return can_view_all_applications(user)


# --- Mentoring and asks and offers between councils ----------------------------------------

MENTORS_FOR_STAFF = "The mentor register is for the LGA's national staff and advisers."
ONLY_ADVISER_CONFIRMS = (
    "Only an LGA adviser covering the council, or the programme manager, confirms a mentor."
)
ASKS_FOR_MEMBERS = "Asks and offers between councils are for members of the portal."
ONLY_COUNCIL_POSTS = (
    "A council's asks and offers are posted by its director of children's services, chief "
    "executive, lead member or officers, or by an LGA adviser covering it."
)
ONLY_BROKERS = "Only the LGA advisers and the regional leads of the councils broker a match."
MATCH_NOT_YOURS = "A match is seen by the two councils, their regions' leads and the advisers."


def can_view_mentors(user: UserOrAnonymous) -> Decision:
    """The register (names, experience, conflicts, loads): national staff and the advisers."""
    grants = access.grants_for(user)
    return access.allow_if(
        grants.is_national_staff or bool(grants.regions_with(ADVISER_ROLES)), MENTORS_FOR_STAFF
    )


def can_manage_mentors(user: UserOrAnonymous) -> Decision:
    """Adding and editing mentors: the same people as see the register."""
    return can_view_mentors(user)


def can_view_mentoring(user: UserOrAnonymous, request: SupportRequest) -> Decision:
    """A mentoring request's proposals and mentor follow the request's own rule."""
    return can_view_request(user, request)


def can_confirm_mentor(user: UserOrAnonymous, request: SupportRequest) -> Decision:
    """The adviser covering the council (or national staff) confirms or declines a mentor."""
    grants = access.grants_for(user)
    held = grants.region_roles.get(request.council.region_id, frozenset())
    return access.allow_if(
        grants.is_national_staff or bool(held & ADVISER_ROLES), ONLY_ADVISER_CONFIRMS
    )


def can_view_asks(user: UserOrAnonymous) -> Decision:
    return access.allow_if(access.is_member(user), ASKS_FOR_MEMBERS)


def can_post_for(user: UserOrAnonymous, council: Council) -> Decision:
    """A council's own people, or an adviser covering its region."""
    return access.allow_if(bool(can_request_for(user, council)), ONLY_COUNCIL_POSTS)


def ask_council_ids(user: UserOrAnonymous) -> frozenset[int]:
    """The councils the user posts asks and offers for as their own staff."""
    return access.grants_for(user).councils_with(COUNCIL_ROLES)


def can_broker(user: UserOrAnonymous, *councils: Council) -> Decision:
    """Advisers (covering one of the councils) and regional leads of one of the councils'
    regions."""
    grants = access.grants_for(user)
    if grants.is_national_staff:
        return access.ALLOWED
    for council in councils:
        held = grants.region_roles.get(council.region_id, frozenset())
        if held & (REGIONAL_LEAD_ROLES | ADVISER_ROLES):
            return access.ALLOWED
    return access.deny(ONLY_BROKERS)


def can_view_match(user: UserOrAnonymous, match: CouncilMatch) -> Decision:
    """The two councils' support records: as can_view_council_requests for either."""
    return access.allow_if(
        bool(can_view_council_requests(user, match.ask.council))
        or bool(can_view_council_requests(user, match.offer.council)),
        MATCH_NOT_YOURS,
    )
