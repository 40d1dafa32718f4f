"""A demo peer challenge programme: Yorkshire and The Humber's for this year, its pairings
made by the optimiser and published, so the demo's people have challenges to open."""

from __future__ import annotations

from django.db import transaction

from cib_portal.years import year_of
from regions.demo import DEMO_DOMAIN, DEMO_REGION, demo_working_week
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


@transaction.atomic
def load_demo_challenge_dates() -> int:
    """Give the demo challengers' challenges their next dates once: on-site days in six weeks
    for the one the Bradford DCS challenges, and two proposed dates to answer for the others
    the demo DCSs are on. How many challenges were given dates (0 when they had them)."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import User

    from .models import Challenge, DateOption
    from .services.scheduling import date_option_propose
    from .services.workspace import onsite_dates_set

    lead = User.objects.get(email=f"regional-lead@{DEMO_DOMAIN}")
    people = {
        "challenger": User.objects.get(email=f"challenger@{DEMO_DOMAIN}"),
        "dcs": User.objects.get(email=f"dcs@{DEMO_DOMAIN}"),
    }
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    done = 0
    for key, person in people.items():
        challenges = Challenge.objects.filter(
            challengers__person=person, programme__status="published", starts_on__isnull=True
        ).select_related("host", "programme")
        for challenge in challenges:
            if key == "challenger":
                start = demo_working_week(monday + timedelta(weeks=6)) + timedelta(days=1)
                onsite_dates_set(
                    user=lead, challenge=challenge, starts_on=start, ends_on=start + timedelta(1)
                )
            elif not DateOption.objects.filter(challenge=challenge).exists():
                # Two options two working weeks apart (the second counted from the first, so
                # skipping Christmas cannot make them the same week).
                week = monday + timedelta(weeks=5)
                for _ in range(2):
                    week = demo_working_week(week + timedelta(weeks=2))
                    start = week + timedelta(days=2)
                    date_option_propose(
                        challenge=challenge,
                        starts_on=start,
                        ends_on=start + timedelta(days=1),
                        proposed_by=lead,
                    )
            else:
                continue
            done += 1
    return done
