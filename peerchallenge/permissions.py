"""Who may see and change peer challenge's programmes, challenges and the reciprocity ledger
(the core is cib_portal.access).

Each "may" rule answers with an access.Decision: truthy when allowed, else with the reason a
person can read (the 403 page and the API's `detail` show it). Seeing a programme, a challenge
or a region's ledger is asked with access.require (a 404 for what the person may not see); the
changes with access.require_permission (a 403 with the reason).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.db.models import Q, QuerySet

from cib_portal import access
from regions.models import (
    ADVISER_ROLES,
    COUNCIL_SENIOR_ROLES,
    REGIONAL_LEAD_ROLES,
    Council,
    Region,
    Role,
)

from .models import Challenge, DeclaredConflict, Programme

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    UserOrAnonymous: TypeAlias = User | AnonymousUser

REGION_PROGRAMME_ROLES = frozenset(REGIONAL_LEAD_ROLES | {Role.REGIONAL_PROGRAMME_MANAGER})

ONLY_PREPARERS = "Only the region's leads and programme manager can do this."
ONLY_PUBLISHERS = "Only the region's leads can publish the pairings."
NOT_VISIBLE_PROGRAMME = "This programme is not one you may see."
NOT_VISIBLE_CHALLENGE = (
    "This challenge is confidential to its host, its challengers and the region."
)
ONLY_HOST_SIDE = (
    "Only the host council's staff and the region's leads and programme manager change the "
    "host's side of the challenge."
)
ONLY_CHALLENGER_SIDE = (
    "Only the assigned challengers and the region's leads change the challengers' side of the "
    "challenge."
)
ONLY_EITHER_SIDE = (
    "Only the host council's staff, the assigned challengers and the region's leads can do this."
)
ONLY_LEDGER_NATIONAL = "The national ledger is for advisers and national staff."
ONLY_LEDGER_REGION = (
    "A region's ledger is for its leads, programme manager and the advisers covering it."
)


def _covers_region_as_adviser(grants: access.Grants, region_id: int) -> bool:
    if grants.is_superuser or grants.national_roles & ADVISER_ROLES:
        return True
    return bool(grants.region_roles.get(region_id, frozenset()) & ADVISER_ROLES)


# --- Programmes ------------------------------------------------------------------------------


def can_prepare_programme(user: UserOrAnonymous, region_id: int) -> access.Decision:
    """Create a region's programme, make and edit its pairings: its leads and programme
    manager."""
    grants = access.grants_for(user)
    return access.allow_if(
        grants.is_superuser
        or bool(grants.region_roles.get(region_id, frozenset()) & REGION_PROGRAMME_ROLES),
        ONLY_PREPARERS,
    )


def regions_user_may_prepare(user: UserOrAnonymous) -> QuerySet[Region]:
    """Regions whose programmes the user may prepare (leads and programme managers)."""
    grants = access.grants_for(user)
    if grants.is_superuser:
        return Region.objects.order_by("name")
    ids = grants.regions_with(REGION_PROGRAMME_ROLES)
    return Region.objects.filter(pk__in=list(ids)).order_by("name")


def councils_user_may_declare_for(user: UserOrAnonymous) -> QuerySet[Council]:
    """A council's senior leaders declare for their council; a region's leads and programme
    manager for the councils of their region."""
    grants = access.grants_for(user)
    if grants.is_superuser:
        return Council.objects.order_by("name")
    own = grants.councils_with(COUNCIL_SENIOR_ROLES)
    regions = grants.regions_with(REGION_PROGRAMME_ROLES)
    return Council.objects.filter(Q(pk__in=list(own)) | Q(region_id__in=list(regions))).order_by(
        "name"
    )


def conflicts_visible(user: UserOrAnonymous) -> QuerySet[DeclaredConflict]:
    """Conflicts involving the user's councils or the councils of regions they prepare or
    advise on; national staff and advisers see them all."""
    grants = access.grants_for(user)
    rows = DeclaredConflict.objects.select_related(
        "council_a__region", "council_b__region", "declared_by"
    ).order_by("council_a__name", "council_b__name")
    if grants.is_national_staff or grants.national_roles & ADVISER_ROLES:
        return rows
    regions = list(grants.regions_with(REGION_PROGRAMME_ROLES | ADVISER_ROLES))
    councils = list(grants.council_roles)
    return rows.filter(
        Q(council_a_id__in=councils)
        | Q(council_b_id__in=councils)
        | Q(council_a__region_id__in=regions)
        | Q(council_b__region_id__in=regions)
    )


def can_publish_programme(user: UserOrAnonymous, programme: Programme) -> access.Decision:
    """Publishing (which tells the councils) is for the region's leads only."""
    grants = access.grants_for(user)
    return access.allow_if(
        grants.is_superuser or programme.region_id in grants.regions_with(REGIONAL_LEAD_ROLES),
        ONLY_PUBLISHERS,
    )


def can_view_programme(user: UserOrAnonymous, programme: Programme) -> access.Decision:
    """A programme and its pairings: the region's leads and programme manager, the advisers
    covering it, national staff; once published, the staff of the councils taking part.

    A draft is seen only by those preparing it (the region's leads and programme manager), as
    its challenges are: its pairings are not decided until it is published."""
    grants = access.grants_for(user)
    if not grants.any:
        return access.deny(NOT_VISIBLE_PROGRAMME)
    if not programme.is_published:
        return access.allow_if(
            bool(can_prepare_programme(user, programme.region_id)), NOT_VISIBLE_PROGRAMME
        )
    if grants.is_national_staff or _covers_region_as_adviser(grants, programme.region_id):
        return access.ALLOWED
    if grants.region_roles.get(programme.region_id, frozenset()) & REGION_PROGRAMME_ROLES:
        return access.ALLOWED
    return access.allow_if(
        programme.participants.filter(council_id__in=list(grants.council_roles)).exists(),
        NOT_VISIBLE_PROGRAMME,
    )


def programmes_visible_filter(user: UserOrAnonymous) -> Q:
    """A Q over Programme selecting the programmes the user may see."""
    grants = access.grants_for(user)
    if not grants.any:
        return Q(pk__in=[])
    if grants.is_superuser:
        return Q()
    # Drafts (as can_view_programme): only the region's leads and programme manager.
    preparing = Q(region_id__in=list(grants.regions_with(REGION_PROGRAMME_ROLES)))
    published = Q(status="published")
    if grants.is_national_staff or grants.national_roles & ADVISER_ROLES:
        return preparing | published
    regions = grants.regions_with(REGION_PROGRAMME_ROLES | ADVISER_ROLES)
    return preparing | (
        published
        & (
            Q(region_id__in=list(regions))
            | Q(participants__council_id__in=list(grants.council_roles))
        )
    )


# --- Challenges ------------------------------------------------------------------------------


def is_challenge_host_staff(user: UserOrAnonymous, challenge: Challenge) -> bool:
    return challenge.host_id in access.grants_for(user).council_roles


def is_assigned_challenger(user: UserOrAnonymous, challenge: Challenge) -> bool:
    """Assigned to this challenge (for this challenge only)."""
    if not access.is_member(user):
        return False
    # Asked several times per page (seeing, then each side's changes): one query per challenge.
    known: dict[int | None, bool] = challenge.__dict__.setdefault("_cib_assigned", {})
    pk = user.pk
    if pk not in known:
        # A page that lists challenges prefetches their challengers: no query per challenge.
        prefetched = getattr(challenge, "_prefetched_objects_cache", {}).get("challengers")
        if prefetched is not None:
            known[pk] = any(c.person_id == pk for c in prefetched)
        else:
            known[pk] = challenge.challengers.filter(person_id=pk).exists()
    return known[pk]


def _leads_challenge_region(
    grants: access.Grants, challenge: Challenge, roles: frozenset[str]
) -> bool:
    region_ids = {challenge.programme.region_id, challenge.host.region_id}
    return any(grants.region_roles.get(rid, frozenset()) & roles for rid in region_ids)


def _may_view_challenge(user: UserOrAnonymous, challenge: Challenge) -> bool:
    grants = access.grants_for(user)
    if not grants.any:
        return False
    if not challenge.programme.is_published:
        return bool(can_prepare_programme(user, challenge.programme.region_id))
    if grants.is_superuser or grants.national_roles & ADVISER_ROLES:
        return True
    if challenge.host_id in grants.council_roles:
        return True
    if _leads_challenge_region(grants, challenge, REGION_PROGRAMME_ROLES | ADVISER_ROLES):
        return True
    return is_assigned_challenger(user, challenge)


def can_view_challenge(user: UserOrAnonymous, challenge: Challenge) -> access.Decision:
    """Confidential to the host council, the challengers assigned to it, the region's leads
    (and programme manager) and the advisers covering it. Nobody else: not other councils,
    not challengers of other challenges, not national staff who are not advisers.

    Until its programme is published a challenge is a draft of the pairings: only those
    preparing the programme (the region's leads and programme manager) see it; the host and
    the challengers the optimiser placed learn of it when it is published."""
    return access.allow_if(_may_view_challenge(user, challenge), NOT_VISIBLE_CHALLENGE)


def challenges_visible_filter(user: UserOrAnonymous) -> Q:
    """A Q over Challenge selecting the challenges the user may see."""
    grants = access.grants_for(user)
    if not grants.any:
        return Q(pk__in=[])
    if grants.is_superuser:
        return Q()
    # Drafts (as can_view_challenge): only the programme region's leads and programme manager.
    preparing = Q(programme__region_id__in=list(grants.regions_with(REGION_PROGRAMME_ROLES)))
    published = Q(programme__status="published")
    if grants.national_roles & ADVISER_ROLES:
        return published | preparing
    regions = list(grants.regions_with(REGION_PROGRAMME_ROLES | ADVISER_ROLES))
    return preparing | (
        published
        & (
            Q(host_id__in=list(grants.council_roles))
            | Q(programme__region_id__in=regions)
            | Q(host__region_id__in=regions)
            | Q(challengers__person_id=user.pk)
        )
    )


def can_edit_challenge_as_host(user: UserOrAnonymous, challenge: Challenge) -> access.Decision:
    """The host's side (self-assessment, documents, attendees, the action plan): the host's
    staff and the region's leads and programme manager (of a draft: only those preparing it)."""
    if not _may_view_challenge(user, challenge):
        return access.deny(NOT_VISIBLE_CHALLENGE)
    grants = access.grants_for(user)
    return access.allow_if(
        grants.is_superuser
        or challenge.host_id in grants.council_roles
        or _leads_challenge_region(grants, challenge, REGION_PROGRAMME_ROLES),
        ONLY_HOST_SIDE,
    )


def can_edit_challenge_as_challenger(
    user: UserOrAnonymous, challenge: Challenge
) -> access.Decision:
    """The challengers' side (lines of enquiry, the feedback letter, the follow-up): the
    assigned challengers and the region's leads (of a draft: only the leads)."""
    if not _may_view_challenge(user, challenge):
        return access.deny(NOT_VISIBLE_CHALLENGE)
    grants = access.grants_for(user)
    return access.allow_if(
        grants.is_superuser
        or _leads_challenge_region(grants, challenge, REGIONAL_LEAD_ROLES)
        or is_assigned_challenger(user, challenge),
        ONLY_CHALLENGER_SIDE,
    )


def can_edit_challenge_either_side(user: UserOrAnonymous, challenge: Challenge) -> access.Decision:
    """What either side does (key lines of enquiry, proposing and answering dates): the host's
    side or the challengers' side."""
    return access.allow_if(
        bool(can_edit_challenge_as_host(user, challenge))
        or bool(can_edit_challenge_as_challenger(user, challenge)),
        ONLY_EITHER_SIDE,
    )


# --- The reciprocity ledger ------------------------------------------------------------------


def can_view_ledger(user: UserOrAnonymous, region_id: int | None) -> access.Decision:
    """The reciprocity ledger: a region's for its leads, programme manager and advisers; the
    national one (region_id None) for advisers and national staff."""
    grants = access.grants_for(user)
    if grants.is_national_staff or grants.national_roles & ADVISER_ROLES:
        return access.ALLOWED
    if region_id is None:
        return access.deny(ONLY_LEDGER_NATIONAL)
    return access.allow_if(
        bool(
            grants.region_roles.get(region_id, frozenset())
            & (REGION_PROGRAMME_ROLES | ADVISER_ROLES)
        ),
        ONLY_LEDGER_REGION,
    )


def can_open_ledger(user: UserOrAnonymous) -> access.Decision:
    """Whether the ledger page opens for the user at all: the national ledger, or the ledger of
    a region they hold a role in (links to it are drawn only then)."""
    grants = access.grants_for(user)
    return access.allow_if(
        bool(can_view_ledger(user, None))
        or any(can_view_ledger(user, region_id) for region_id in grants.region_roles),
        ONLY_LEDGER_REGION,
    )
