"""The demo's campaigns: the early-adopter call (closes 7 June), the pathfinder call with 30
places (closes 27 May) and the children's centres offer, with a few applications; made once."""

from __future__ import annotations

import datetime

import pytest

from regions.demo import load_demo_people
from support.demo_campaigns import load_campaigns_demo, next_date
from support.models import Campaign, CampaignApplication

pytestmark = pytest.mark.django_db


def test_next_date_is_after_today():
    assert next_date(5, 27, datetime.date(2026, 12, 4)) == datetime.date(2027, 5, 27)
    assert next_date(6, 7, datetime.date(2027, 1, 2)) == datetime.date(2027, 6, 7)
    assert next_date(5, 27, datetime.date(2027, 5, 27)) == datetime.date(2028, 5, 27)


def test_the_demo_calls_and_applications_are_made_once(reference_data):
    load_demo_people()
    assert load_campaigns_demo() == 3
    assert load_campaigns_demo() == 0
    early = Campaign.objects.get(code="early-adopters")
    pathfinders = Campaign.objects.get(code="pbr-pathfinders")
    assert (early.closes_on.month, early.closes_on.day, early.cap) == (6, 7, None)
    assert (pathfinders.closes_on.month, pathfinders.closes_on.day) == (5, 27)
    assert pathfinders.cap == 30 and pathfinders.is_open()
    assert CampaignApplication.objects.count() == 3
    assert CampaignApplication.objects.filter(decision="reserve").count() == 1
