"""Devolved funds fixtures: Yorkshire's 2027-28 agreement and the people around it.

- `programme_manager` (Yorkshire's regional programme manager) raises requests;
- `regional_lead` (tests/conftest.py) and `second_lead` (Yorkshire's lead member) approve;
- `other_regional_lead` (North West) and `officer` (Leeds) are outsiders;
- `cib_admin` records agreements and reviews returns.
"""

from __future__ import annotations

import pytest

from tests.conftest import YORKSHIRE
from tests.factories import make_member

YEAR = 2027
ALLOCATIONS = {
    "project_management": 5_000_000,  # £50,000.00
    "peer_challenger_training": 2_000_000,
    "peer_challenge_programme": 3_000_000,
    "early_support": 1_000_000,
}
THRESHOLD = 500_000  # requests over £5,000 need two leads


@pytest.fixture
def programme_manager(reference_data):
    return make_member(YORKSHIRE, "regional_programme_manager", email="pm@yorkshire.example")


@pytest.fixture
def second_lead(reference_data):
    return make_member(YORKSHIRE, "regional_lead_member", email="member@yorkshire.example")


@pytest.fixture
def agreement(reference_data, cib_admin):
    from funds.services import agreement_create
    from regions.models import Region

    return agreement_create(
        user=cib_admin,
        region=Region.objects.get(gss_code=YORKSHIRE),
        financial_year=YEAR,
        allocations=ALLOCATIONS,
        terms="Deliver the regional peer challenge programme and early support.",
        second_approval_threshold_pence=THRESHOLD,
    )


@pytest.fixture
def submitted(agreement, programme_manager):
    """submitted(amount_pence, purpose=...): a submitted request by the programme manager."""
    from funds.services import spend_request_create, spend_request_submit

    def _make(amount_pence: int, purpose: str = "early_support", description: str = "Training"):
        request = spend_request_create(
            user=programme_manager,
            agreement=agreement,
            purpose=purpose,
            amount_pence=amount_pence,
            description=description,
            supplier="Acme Training Ltd",
        )
        return spend_request_submit(user=programme_manager, request=request)

    return _make
