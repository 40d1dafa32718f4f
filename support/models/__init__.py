"""Support: the LGA's improvement offer, requests and their decisions, places, campaigns,
mentoring and asks and offers between councils (issue 14). A package by feature: offers and
requests (offers.py), campaigns (campaigns.py), mentoring and council asks (mentoring.py)."""

from .campaigns import ApplicationDecision, Campaign, CampaignApplication  # noqa: E402
from .mentoring import (  # noqa: E402
    AskKind,
    AssignmentStatus,
    CouncilAsk,
    CouncilMatch,
    ImprovementTheme,
    Mentor,
    MentorAssignment,
    MentorRoleKind,
)
from .offers import (  # noqa: E402
    Audience,
    Cohort,
    CostBasis,
    Decider,
    OfferKind,
    RequestStatus,
    SupportOffer,
    SupportRequest,
)

__all__ = [
    "AskKind",
    "AssignmentStatus",
    "CouncilAsk",
    "CouncilMatch",
    "ImprovementTheme",
    "Mentor",
    "MentorAssignment",
    "MentorRoleKind",
    "Campaign",
    "CampaignApplication",
    "ApplicationDecision",
    "Audience",
    "Cohort",
    "CostBasis",
    "Decider",
    "OfferKind",
    "RequestStatus",
    "SupportOffer",
    "SupportRequest",
]
