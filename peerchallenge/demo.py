"""A demo peer challenge programme: Yorkshire and The Humber's for this year, its pairings
made by the optimiser and published, so the demo's people have challenges to open."""

from __future__ import annotations

from django.db import transaction

from cib_portal.years import year_of
from regions.demo import DEMO_DOMAIN, DEMO_REGION
from regions.models import Region

from .models import Programme
from .services import programme_create, programme_generate, programme_publish


def programme_year(today=None) -> int:
    """The April-to-March year running today."""
    return year_of(today)


@transaction.atomic
def load_demo_programme() -> Programme | None:
    """Create and publish the demo programme once; None when it was already there."""
    from accounts.models import User

    region = Region.objects.get(gss_code=DEMO_REGION)
    year = programme_year()
    if Programme.objects.filter(region=region, year=year).exists():
        return None
    lead = User.objects.get(email=f"regional-lead@{DEMO_DOMAIN}")
    programme = programme_create(
        user=lead,
        region=region,
        year=year,
        model="pairs",
        focus="Help and protection: the front door, and children on the edge of care.",
    )
    programme = programme_generate(user=lead, programme=programme)
    return programme_publish(user=lead, programme=programme)
