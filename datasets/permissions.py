"""Who may see and change a council's local indicators.

Published data (the national figures, comparisons, profiles) is for every member
(access.can_view_published); importing and editing the catalogue is for national staff
(access.is_national_staff). The rules here answer with an access.Decision: truthy when allowed,
with a reason a person can read when it is not (the 403 page and the API's `detail` show it).

DOMAIN.md makes a council's local indicators "confidential to the council unless it chooses to
share them" and does not list who else reads unshared ones, so the rule is: the council's own
people, and those whose row in DOMAIN.md names the council's material.
- Its staff (any council role): "see and edit their own council's confidential material
  (... local indicators ...)".
- Its region's leads: "everything about councils in their region".
- The LGA advisers covering its region (on the region, or on `national` for every region):
  their row gives them the dashboards of their regions and the raising and triage of risk
  flags with their evidence, DOMAIN.md makes a council's flags and its self-evaluation (and
  the annual conversation about it) their business, and they are "the first point of
  contact" for the support that local measures are evidence for.
- Nobody else. The region's programme manager prepares the programme, spend and returns; the
  national programme manager has the catalogue of products, bookings and the reviewer
  register; the CIB administrator has funding agreements and returns: none of those rows
  names a council's own measures. Assigned challengers see a challenge's material, which does
  not include the host's local indicators. A shared indicator is published data (any member).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from cib_portal import access
from cib_portal.access import Decision
from regions.models import ADVISER_ROLES, REGIONAL_LEAD_ROLES, Council

from .models import Indicator

if TYPE_CHECKING:
    from cib_portal.access import UserOrAnonymous

LOCAL_INDICATOR_REGION_ROLES = frozenset(REGIONAL_LEAD_ROLES | ADVISER_ROLES)

NOT_A_LOCAL_READER = (
    "A council's unshared local indicators are for its own staff, its region's leads and the "
    "LGA advisers covering it."
)
NOT_A_LOCAL_EDITOR = "Only the council's own staff add and change its local indicators."


def can_view_local_indicators(user: UserOrAnonymous, council: Council) -> Decision:
    """The council's unshared local indicators: its staff, its region's leads and the advisers
    covering its region (see the note above); every page, CSV, API response and PDF asks here."""
    grants = access.grants_for(user)
    if grants.is_superuser or grants.national_roles & ADVISER_ROLES:
        return access.ALLOWED
    if council.pk in grants.council_roles:
        return access.ALLOWED
    held = grants.region_roles.get(council.region_id, frozenset())
    return access.allow_if(bool(held & LOCAL_INDICATOR_REGION_ROLES), NOT_A_LOCAL_READER)


def councils_with_local_indicator_access(user: UserOrAnonymous) -> QuerySet[Council]:
    """Councils whose unshared local indicators the user may see (can_view_local_indicators)."""
    grants = access.grants_for(user)
    if not grants.any:
        return Council.objects.none()
    if grants.is_superuser or grants.national_roles & ADVISER_ROLES:
        return Council.objects.all()
    region_ids = grants.regions_with(LOCAL_INDICATOR_REGION_ROLES)
    return Council.objects.filter(
        Q(pk__in=list(grants.council_roles)) | Q(region_id__in=list(region_ids))
    )


def can_view_local_indicator(user: UserOrAnonymous, indicator: Indicator) -> Decision:
    """One local indicator: those who may see its council's unshared ones, or any member once
    it is shared."""
    if indicator.council_id is None or indicator.council is None:
        return access.deny("This is not a council's local indicator.")
    decision = can_view_local_indicators(user, indicator.council)
    if decision:
        return decision
    return access.allow_if(indicator.is_shared and access.is_member(user), NOT_A_LOCAL_READER)


def can_edit_local_indicator(user: UserOrAnonymous, council: Council) -> Decision:
    """Any council role for that council (its own staff) may add and change local measures."""
    return access.allow_if(council.pk in access.grants_for(user).council_roles, NOT_A_LOCAL_EDITOR)
