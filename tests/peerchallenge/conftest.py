"""Peer challenge fixtures: a published Yorkshire programme with two challenges, made
directly (the optimiser has its own tests), and the people around them.

- Leeds (host) is challenged by Bradford, whose DCS (`challenger`) is assigned;
- Wakefield (host) is challenged by Calderdale, whose DCS (`other_challenger`) is assigned:
  `challenger` must see nothing of that one.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import BRADFORD, LEEDS, YORKSHIRE
from tests.factories import make_member

WAKEFIELD = "E08000036"
CALDERDALE = "E08000033"
YEAR = 2026


@pytest.fixture
def challenger(reference_data):
    """Bradford's DCS, assigned to challenge Leeds."""
    return make_member(BRADFORD, "dcs", email="dcs@bradford.example")


@pytest.fixture
def other_challenger(reference_data):
    """Calderdale's DCS, assigned to challenge Wakefield (not Leeds)."""
    return make_member(CALDERDALE, "dcs", email="dcs@calderdale.example")


@pytest.fixture
def programme_manager_region(reference_data):
    """Yorkshire's regional programme manager."""
    return make_member(YORKSHIRE, "regional_programme_manager", email="pm@yorkshire.example")


@pytest.fixture
def programme(reference_data, regional_lead):
    """Yorkshire's published programme for 2026 (pairs), every council of the region in it."""
    from peerchallenge.models import Participant, Programme
    from regions.models import Region

    region = Region.objects.get(gss_code=YORKSHIRE)
    programme = Programme.objects.create(
        region=region,
        year=YEAR,
        model="pairs",
        starts_on=date(YEAR, 4, 1),
        ends_on=date(YEAR + 1, 3, 31),
        focus="Help and protection",
        status="published",
        created_by=regional_lead,
        published_by=regional_lead,
    )
    Participant.objects.bulk_create(
        Participant(programme=programme, council=c) for c in region.councils.all()
    )
    return programme


def _challenge(programme, host_code, challenger_code, person):
    from peerchallenge.models import Challenge, Challenger
    from regions.models import Council

    host = Council.objects.get(gss_code=host_code)
    challenge = Challenge.objects.create(
        programme=programme, host=host, status="preparing", focus="Help and protection"
    )
    Challenger.objects.create(
        challenge=challenge,
        host=host,
        council=Council.objects.get(gss_code=challenger_code),
        person=person,
    )
    return challenge


@pytest.fixture
def challenge(programme, challenger):
    """Leeds challenged by Bradford (its DCS `challenger` assigned)."""
    return _challenge(programme, LEEDS, BRADFORD, challenger)


@pytest.fixture
def other_challenge(programme, other_challenger):
    """Wakefield challenged by Calderdale (its DCS `other_challenger` assigned)."""
    return _challenge(programme, WAKEFIELD, CALDERDALE, other_challenger)
