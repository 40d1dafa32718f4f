"""Reads of CIB's campaigns and their applications, filtered by what the user may see:
national staff see every application, a council's people their own council's, and every
member the selection once it is published."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from .. import permissions
from ..models.campaigns import ApplicationDecision, Campaign, CampaignApplication

if TYPE_CHECKING:
    from cib_portal.access import UserOrAnonymous


def campaigns_visible(*, user: UserOrAnonymous) -> QuerySet[Campaign]:
    """Every campaign for a member (they are public calls), none for anyone else; with the
    number of applications."""
    if not permissions.can_view_campaigns(user):
        return Campaign.objects.none()
    return Campaign.objects.select_related("offer").annotate(
        application_count=Count("applications")
    )


def campaign_for(*, user: UserOrAnonymous, code: str) -> Campaign | None:
    return campaigns_visible(user=user).filter(code=code).first()


def applications_visible(
    *, user: UserOrAnonymous, campaign: Campaign | None = None
) -> QuerySet[CampaignApplication]:
    """The applications the user may see: all for national staff, their councils' otherwise."""
    qs = CampaignApplication.objects.select_related(
        "campaign", "council__region", "applied_by", "decided_by"
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if permissions.can_view_all_applications(user):
        return qs
    councils = permissions.campaign_council_ids(user)
    if not councils:
        return qs.none()
    return qs.filter(council_id__in=councils)


def published_selection(*, user: UserOrAnonymous, campaign: Campaign) -> list[CampaignApplication]:
    """The selected councils then the reserves, with their reasons, for whoever may see the
    selection (every member once it is published); [] otherwise."""
    if not permissions.can_view_selection(user, campaign):
        return []
    return list(
        CampaignApplication.objects.filter(
            campaign=campaign,
            decision__in=[ApplicationDecision.SELECTED, ApplicationDecision.RESERVE],
        )
        .select_related("council__region")
        .order_by("-decision", "council__name")  # selected, then reserve
    )


@dataclass
class RegionApplications:
    region: str
    applications: list[CampaignApplication] = field(default_factory=list)


def applications_by_region(
    *, user: UserOrAnonymous, campaign: Campaign
) -> list[RegionApplications]:
    """For national staff: the campaign's applications grouped by the council's region."""
    if not permissions.can_view_all_applications(user):
        return []
    groups: dict[str, RegionApplications] = {}
    for application in applications_visible(user=user, campaign=campaign).order_by(
        "council__region__name", "council__name"
    ):
        name = application.council.region.name
        groups.setdefault(name, RegionApplications(name)).applications.append(application)
    return list(groups.values())


def decision_counts(campaign: Campaign) -> dict[str, int]:
    """How many applications have each decision (for national staff's summary)."""
    counts = campaign.applications.aggregate(
        **{value: Count("pk", filter=Q(decision=value)) for value in ApplicationDecision.values}
    )
    return {k: counts[k] or 0 for k in ApplicationDecision.values}
