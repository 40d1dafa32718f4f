"""Offers and cohorts for the offer and request tests (helpers, not fixtures)."""

from __future__ import annotations

import datetime

from support.models import Cohort, SupportOffer


def make_offer(code: str = "leadership-essentials", **fields) -> SupportOffer:
    defaults = {
        "name": "Leadership Essentials: children's services",
        "kind": "leadership_programme",
        "audience": ["lead_members"],
        "description": "A residential programme for lead members.",
        "cost_basis": "subsidised",
        "waiting_list": True,
    }
    defaults.update(fields)
    return SupportOffer.objects.create(code=code, **defaults)


def make_cohort(offer: SupportOffer, name: str = "Spring", places: int = 24, **fields) -> Cohort:
    defaults = {
        "starts": datetime.date(2030, 3, 1),
        "ends": datetime.date(2030, 3, 3),
    }
    defaults.update(fields)
    return Cohort.objects.create(offer=offer, name=name, places=places, **defaults)
