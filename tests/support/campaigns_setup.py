"""Campaign fixtures: an open pathfinder call capped at 3 and the people around it.

- `pm` (the national programme manager) and `cib_admin` decide;
- `national_adviser` sees every application but does not decide;
- `dcs` and `officer` (Leeds) apply; `other_officer` (Manchester) is an outsider to Leeds'
  application.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.factories import make_member


@pytest.fixture
def pm(reference_data):
    return make_member("national", "programme_manager", email="pm@lga.example")


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def campaign(reference_data, today):
    from support.services.campaigns import campaign_create

    return campaign_create(
        user=None,
        code="pbr-pathfinders",
        name="Payment by Results pathfinders",
        description="Thirty pathfinders test payment by results for children's centres.",
        how_to_apply="A short statement from the DCS.",
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=10),
        cap=3,
    )


@pytest.fixture
def closed_campaign(reference_data, today):
    from support.services.campaigns import campaign_create

    return campaign_create(
        user=None,
        code="early-adopters",
        name="Early adopters of the improvement cycle",
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today - datetime.timedelta(days=1),
    )


@pytest.fixture
def leeds_application(campaign, dcs):
    from regions.models import Council
    from support.services.campaigns import campaign_apply

    return campaign_apply(
        user=dcs,
        campaign=campaign,
        council=Council.objects.get(gss_code="E08000035"),
        statement="Leeds has run children's centres by results since 2010.",
    )


def council(gss: str):
    from regions.models import Council

    return Council.objects.get(gss_code=gss)
