"""Demo devolved funds: Yorkshire and The Humber's agreement for this financial year, with
requests at each stage, so the demo's regional people and CIB administrator have a budget to
look at."""

from __future__ import annotations

from django.db import transaction

from cib_portal.years import year_of
from regions.demo import DEMO_DOMAIN, DEMO_REGION
from regions.models import Region

from . import services
from .models import FundingAgreement


def financial_year(today=None) -> int:
    """The April-to-March year running today."""
    return year_of(today)


@transaction.atomic
def load_demo_funds() -> FundingAgreement | None:
    """Create the demo agreement and its requests once; None when it was already there."""
    from accounts.models import User

    region = Region.objects.get(gss_code=DEMO_REGION)
    year = financial_year()
    if FundingAgreement.objects.filter(region=region, financial_year=year).exists():
        return None
    admin = User.objects.get(email=f"cib-admin@{DEMO_DOMAIN}")
    pm = User.objects.get(email=f"region-pm@{DEMO_DOMAIN}")
    leads = [
        User.objects.get(email=f"regional-lead@{DEMO_DOMAIN}"),
        User.objects.get(email=f"lead-member@{DEMO_DOMAIN}"),
    ]
    agreement = services.agreement_create(
        user=admin,
        region=region,
        financial_year=year,
        allocations={
            "project_management": 4_500_000,
            "peer_challenger_training": 2_000_000,
            "peer_challenge_programme": 3_500_000,
            "early_support": 2_500_000,
        },
        terms="Deliver the regional peer challenge programme, train peer challengers and fund "
        "early support for councils at risk; report quarterly to CIB.",
        second_approval_threshold_pence=1_000_000,
    )
    examples = [
        ("project_management", 1_250_000, "Regional programme manager, six months", "approve"),
        ("peer_challenger_training", 480_000, "Peer challenger training, two cohorts", "approve"),
        ("peer_challenge_programme", 320_000, "Venues and travel, spring challenges", "submit"),
        ("early_support", 750_000, "Practice improvement support for one council", "draft"),
    ]
    for purpose, amount, description, stage in examples:
        request = services.spend_request_create(
            user=pm,
            agreement=agreement,
            purpose=purpose,
            amount_pence=amount,
            description=description,
            supplier="Demo supplier Ltd",
        )
        if stage in ("submit", "approve"):
            request = services.spend_request_submit(user=pm, request=request)
        if stage == "approve":
            # Above the agreement's threshold two different leads approve.
            for lead in leads[: services.approvals_needed(request)]:
                request = services.spend_request_approve(user=lead, request=request)
    return agreement
