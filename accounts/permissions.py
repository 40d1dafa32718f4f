"""Who may invite people, and to which organisations and roles (the core is cib_portal.access).

Invitations are accounts'; the roles they grant and the organisations they are to are the
foundation's (regions.models). A council's senior leaders invite to their council, a region's
leads to their region and its councils, the CIB administrator anywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias, cast

from django.db.models import Q, QuerySet

from cib_portal import access
from regions.models import (
    COUNCIL_SENIOR_ROLES,
    REGIONAL_LEAD_ROLES,
    ROLES_BY_KIND,
    Council,
    Organisation,
    OrganisationKind,
    Role,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    UserOrAnonymous: TypeAlias = User | AnonymousUser

ONLY_INVITERS = (
    "Only a council's senior leaders, a region's leads and the CIB administrator invite people."
)


def roles_user_may_grant(user: UserOrAnonymous, organisation: Organisation) -> frozenset[str]:
    """The roles the user may invite people to in an organisation (none means no inviting)."""
    grants = access.grants_for(user)
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


def may_invite_someone(user: UserOrAnonymous) -> access.Decision:
    """Whether the user may invite anyone at all (from grants alone: no query)."""
    grants = access.grants_for(user)
    return access.allow_if(
        bool(
            grants.is_superuser
            or Role.CIB_ADMIN in grants.national_roles
            or grants.councils_with(COUNCIL_SENIOR_ROLES)
            or grants.regions_with(REGIONAL_LEAD_ROLES)
        ),
        ONLY_INVITERS,
    )


def organisations_user_may_invite_to(user: UserOrAnonymous) -> QuerySet[Organisation]:
    """Organisations where the user may invite someone to at least one role."""
    grants = access.grants_for(user)
    if grants.is_superuser or Role.CIB_ADMIN in grants.national_roles:
        return Organisation.objects.all()
    senior_councils = grants.councils_with(COUNCIL_SENIOR_ROLES)
    lead_regions = grants.regions_with(REGIONAL_LEAD_ROLES)
    return Organisation.objects.filter(
        Q(council_id__in=senior_councils)
        | Q(council__region_id__in=lead_regions)
        | Q(region_id__in=lead_regions)
    )
