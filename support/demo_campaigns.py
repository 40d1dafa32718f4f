"""Demo campaigns (the seed's calls for councils): the early-adopter call (closes 7 June), the
Payment by Results pathfinder call with 30 places (closes 27 May) and the children's centres
offer (closes 27 May), each open now and closing on the next such date, with a few
applications and decisions so that the demo's council people and national staff have
something to look at."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from regions.demo import DEMO_DOMAIN
from regions.models import Council

from .models import Campaign, SupportOffer
from .services import campaigns as services


def next_date(month: int, day: int, today: datetime.date) -> datetime.date:
    """The next `day` of `month` after today (this year's, or next year's once it passed)."""
    this_year = datetime.date(today.year, month, day)
    return this_year if this_year > today else datetime.date(today.year + 1, month, day)


CALLS = [
    (
        "early-adopters",
        "Early adopters of the improvement cycle",
        (6, 7),
        None,
        "campaign",
        "Clusters of councils test the sector-led improvement cycle early (self-assessment "
        "opened to peer challenge, planning, doing and reviewing), with a robust evaluation "
        "built in from the outset. Councils express an interest by 7 June.",
    ),
    (
        "pbr-pathfinders",
        "Payment by Results pathfinders",
        (5, 27),
        30,
        "pathfinder",
        "A sector-led process identifies and supports 30 local authority pathfinders to test a "
        "payment by results model for Sure Start Children's Centres. Councils express an "
        "interest by 27 May.",
    ),
    (
        "childrens-centres",
        "Children's centres: the sector-led offer",
        (5, 27),
        None,
        "campaign",
        "A draw-down support offer sharing good practice on how councils deliver sufficient "
        "Sure Start Children's Centre services, to support local decision making. Councils "
        "express an interest by 27 May.",
    ),
]

HOW_TO_APPLY = (
    "The council's director of children's services, chief executive, lead member or an officer "
    "sends a short statement: why the council wants to take part, what it would test, and who "
    "will lead it. One application per council; national staff decide with a reason for each."
)


@transaction.atomic
def load_campaigns_demo(today: datetime.date | None = None) -> int:
    """Create the demo calls and their applications once; returns how many calls were made."""
    from accounts.models import User

    today = today or timezone.localdate()
    made = 0
    for code, name, (month, day), cap, kind, description in CALLS:
        if Campaign.objects.filter(code=code).exists():
            continue
        closes = next_date(month, day, today)
        offer = SupportOffer.objects.filter(kind=kind).order_by("pk").first()
        services.campaign_create(
            user=None,
            code=code,
            name=name,
            description=description,
            how_to_apply=HOW_TO_APPLY,
            opens_on=min(today - datetime.timedelta(days=14), closes),
            closes_on=closes,
            cap=cap,
            offer_id=offer.pk if offer else None,
        )
        made += 1
    if not made:
        return 0
    people = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith=DEMO_DOMAIN)}
    pathfinders = Campaign.objects.get(code="pbr-pathfinders")
    applications = [
        (
            "dcs",
            "E08000035",
            pathfinders,
            "Leeds wants to test payment by results across its "
            "restorative children's centre clusters, led by the DCS with health partners.",
        ),
        (
            "challenger",
            "E08000032",
            pathfinders,
            "Bradford would test outcome payments for "
            "early help in its children's centres in the three most deprived wards.",
        ),
        (
            "officer",
            "E08000035",
            Campaign.objects.get(code="early-adopters"),
            "Leeds and its "
            "neighbours would open their self-assessments to peer challenge this year.",
        ),
    ]
    pm = people.get("programme-manager")
    for who, gss, campaign, statement in applications:
        user = people.get(who)
        if user is None:
            continue
        application = services.campaign_apply(
            user=user,
            campaign=campaign,
            council=Council.objects.get(gss_code=gss),
            statement=statement,
        )
        if pm is not None and gss == "E08000032":
            services.campaign_decide(
                user=pm,
                application=application,
                decision="reserve",
                reason="A strong plan; held in reserve until the first wave's places are known.",
            )
    return made
