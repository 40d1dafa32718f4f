"""Reads of councils' support requests, always for a user: only what they may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from cib_portal import access
from regions.models import COUNCIL_ROLES, COUNCIL_SENIOR_ROLES, REGIONAL_LEAD_ROLES, Council

from ..models.offers import RequestStatus, SupportRequest

if TYPE_CHECKING:
    from cib_portal.access import UserOrAnonymous


def _visible_q(user: UserOrAnonymous) -> Q | None:
    """None: everything; else the requests the user may see (permissions.can_view_request)."""
    grants = access.grants_for(user)
    if not grants.any:
        return Q(pk__in=[])
    regions = access.adviser_region_ids(user)
    if regions is None:
        return None
    q = Q(council__region_id__in=regions) | Q(requested_by_id=getattr(user, "pk", None))
    senior = grants.councils_with(COUNCIL_SENIOR_ROLES)
    q |= Q(council_id__in=senior)
    q |= Q(council_id__in=grants.councils_with(COUNCIL_ROLES), offer__confidential=False)
    q |= Q(
        council__region_id__in=grants.regions_with(REGIONAL_LEAD_ROLES), offer__confidential=False
    )
    return q


def requests_for(user: UserOrAnonymous) -> QuerySet[SupportRequest]:
    qs = SupportRequest.objects.select_related("council", "offer", "cohort", "requested_by")
    q = _visible_q(user)
    return qs if q is None else qs.filter(q)


def request_for(user: UserOrAnonymous, pk: int) -> SupportRequest | None:
    return requests_for(user).filter(pk=pk).first()


def council_requests(user: UserOrAnonymous, council_id: int) -> QuerySet[SupportRequest]:
    return requests_for(user).filter(council_id=council_id).order_by("-created_at")


def waiting_by_age(user: UserOrAnonymous) -> QuerySet[SupportRequest]:
    """Requests waiting for a decision (asked, or on a waiting list), oldest first."""
    return (
        requests_for(user)
        .filter(status__in=[RequestStatus.REQUESTED, RequestStatus.WAITING])
        .order_by("created_at", "pk")
    )


def waiting_position(request: SupportRequest) -> int | None:
    """1 for the first on the cohort's waiting list; None when not waiting."""
    if request.status != RequestStatus.WAITING or request.waitlisted_at is None:
        return None
    ahead = SupportRequest.objects.filter(
        offer_id=request.offer_id,
        cohort=request.cohort,
        status=RequestStatus.WAITING,
        waitlisted_at__lt=request.waitlisted_at,
    ).count()
    return ahead + 1


def councils_to_ask_for(user: UserOrAnonymous) -> list[Council]:
    """The councils the user may ask support for (permissions.can_request_for), by name."""
    grants = access.grants_for(user)
    own = grants.councils_with(COUNCIL_ROLES)
    regions = access.adviser_region_ids(user)
    councils = Council.objects.select_related("region").order_by("name")
    if regions is None:
        return list(councils) if grants.any else []
    return list(councils.filter(Q(pk__in=own) | Q(region_id__in=regions)))
