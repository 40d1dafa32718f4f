"""The demo's offers and requests load, in their states, and load again without change."""

from __future__ import annotations

import pytest

from support.demo import load_offers_demo
from support.models import Cohort, SupportOffer, SupportRequest

pytestmark = pytest.mark.django_db


def test_the_demo_offers_and_requests(reference_data):
    from regions.demo import load_demo_people

    load_demo_people()
    assert load_offers_demo() == 7
    assert list(
        Cohort.objects.filter(offer__code="leadership-essentials-childrens").values_list(
            "places", flat=True
        )
    ) == [24, 24]
    review = SupportOffer.objects.get(code="safeguarding-peer-review")
    assert review.booking_url == "/reviews/bookings/new/"
    assert not SupportOffer.objects.get(code="must-know-guides").requestable
    states = sorted(SupportRequest.objects.values_list("status", flat=True))
    assert states == ["accepted", "closed", "declined", "requested"]
    assert load_offers_demo() == 0
    assert SupportRequest.objects.count() == 4
