"""The LGA's offer as first loaded (DOMAIN.md). The programme manager edits it afterwards; the
loader only creates products that are missing. Prices are left for the LGA to set."""

from __future__ import annotations

from django.db import transaction

from .models import Product

ALL_BASES = ["free", "subsidised", "whole_cost"]

PRODUCTS = [
    dict(
        code="safeguarding_peer_review",
        name="Safeguarding peer review",
        on_site_days=5,
        entitlement_family="safeguarding_peer_review",
        charging_options=ALL_BASES,
        team_make_up={"lead_reviewer": 1, "officer_peer": 2, "member_peer": 1, "other_sector": 1},
        description="A multi-disciplinary team spends five days on site. Free to every "
        "council once every three years; otherwise subsidised or whole cost.",
    ),
    dict(
        code="safeguarding_practice_diagnostic",
        name="Safeguarding practice diagnostic",
        on_site_days=3,
        entitlement_family="",
        charging_options=ALL_BASES,
        team_make_up={"practitioner": 2},
        description="Social care practitioners look at frontline safeguarding practice. "
        "Free, subsidised or whole cost, decided for each booking.",
    ),
    dict(
        code="care_practice_diagnostic",
        name="Care practice diagnostic (adoption to leaving care)",
        on_site_days=4,
        entitlement_family="",
        charging_options=ALL_BASES,
        team_make_up={"practitioner": 1, "health": 1},
        description="Social care and health practitioners look at practice from adoption to "
        "leaving care. Free, subsidised or whole cost, decided for each booking.",
    ),
    dict(
        code="lscb_diagnostic",
        name="LSCB diagnostic (pilot)",
        on_site_days=3,
        entitlement_family="",
        charging_options=ALL_BASES,
        team_make_up={"officer_peer": 2},
        description="Peers with safeguarding board experience look at the local "
        "safeguarding arrangements. Free, subsidised or whole cost, decided for each booking.",
    ),
]


@transaction.atomic
def products_sync() -> int:
    """Create the catalogue's products that are missing; returns how many were created."""
    created = 0
    for spec in PRODUCTS:
        _, made = Product.objects.get_or_create(
            code=spec["code"], defaults={k: v for k, v in spec.items() if k != "code"}
        )
        created += made
    return created
