"""Demo offers (the seed's LGA support offer) and a few requests in different states, so that
the demo's council people and advisers have something to look at. Idempotent: offers are
found by code, and the requests are made only once."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from regions.demo import DEMO_COUNCIL, DEMO_DOMAIN
from regions.models import Council

from .models.offers import Cohort, SupportOffer, SupportRequest
from .services import requests as services
from .services.offers import cohort_save, offer_save

LEADERSHIP = "leadership-essentials-childrens"

OFFERS = [
    {
        "code": LEADERSHIP,
        "name": "Leadership Essentials: children's services",
        "kind": "leadership_programme",
        "audience": ["lead_members"],
        "cost_basis": "subsidised",
        "waiting_list": True,
        "description": (
            "A residential development event giving an intensive introduction to the role of "
            "lead member: political leadership in the current policy context; the statutory "
            "role and key relationships; political leadership in a challenging environment, "
            "through a real case study of an authority's improvement journey; and leadership "
            "of the education agenda."
        ),
    },
    {
        "code": "lead-member-mentoring",
        "name": "Mentoring for lead members",
        "kind": "mentoring",
        "audience": ["lead_members"],
        "cost_basis": "free",
        "description": (
            "A member peer with responsibility for children's services in their own authority "
            "coaches and mentors: an existing lead member over a defined period, a newly "
            "appointed lead member, or a sounding board where performance is a concern. The "
            "LGA sources the best fit through the political group offices."
        ),
    },
    {
        "code": "must-know-guides",
        "name": "'Must know' guides for lead members",
        "kind": "guide",
        "audience": ["lead_members"],
        "cost_basis": "free",
        "requestable": False,
        "description": (
            "A long-standing source of information for lead members for children's services: "
            "education, safeguarding, key roles and relationships, corporate parenting and "
            "the impact of an inadequate Ofsted judgement."
        ),
    },
    {
        "code": "inspection-lead-member-support",
        "name": "Informal support for a lead member going through inspection",
        "kind": "inspection_support",
        "audience": ["lead_members"],
        "cost_basis": "free",
        "confidential": True,
        "description": (
            "The inspected lead member gets advice from, and discusses key issues with, an "
            "elected member who has already gone through the inspection."
        ),
    },
    {
        "code": "bespoke-learning",
        "name": "Bespoke learning and development",
        "kind": "bespoke",
        "audience": ["lead_members", "councils"],
        "cost_basis": "subsidised",
        "description": (
            "Learning and development shaped for a council and its councillors: policy issues "
            "from the member perspective, political leadership and key relationships, and "
            "engaging in sector-led improvement. Discuss it with your principal adviser first."
        ),
    },
    {
        "code": "scrutiny-support",
        "name": "Effective scrutiny of children's services",
        "kind": "scrutiny_support",
        "audience": ["lead_members", "officers"],
        "cost_basis": "free",
        "description": (
            "Support, with the Centre for Public Scrutiny, to develop effective scrutiny of "
            "children's services and education."
        ),
    },
    {
        "code": "safeguarding-peer-review",
        "name": "Safeguarding peer reviews and diagnostics",
        "kind": "peer_review",
        "audience": ["councils", "dcss"],
        "cost_basis": "free",
        "decided_by": "programme_manager",
        "description": (
            "Safeguarding peer reviews and diagnostics underpin the sector-led improvement "
            "offer. They are booked through the peer review booking: a free review every "
            "three years, further ones at whole cost or subsidised."
        ),
    },
]


def _user(local: str) -> User | None:
    return User.objects.filter(email=f"{local}@{DEMO_DOMAIN}").first()


@transaction.atomic
def load_offers_demo() -> int:
    """The seed's offers, the two Leadership Essentials residentials (24 places each) and, the
    first time, a few of Leeds' requests: asked, accepted, on the waiting list, delivered and
    closed. Returns how many offers were added."""
    added = 0
    booking = reverse("reviews:request_start")
    for spec in OFFERS:
        fields = dict(spec)
        code = fields.pop("code")
        if fields["kind"] == "peer_review":
            fields["booking_url"] = booking
        if SupportOffer.objects.filter(code=code).exists():
            continue
        offer_save(user=None, offer=SupportOffer(code=code), **fields)
        added += 1
    leadership = SupportOffer.objects.get(code=LEADERSHIP)
    year = timezone.localdate().year + 1
    for name, starts in (
        ("Spring residential", datetime.date(year, 3, 10)),
        ("Autumn residential", datetime.date(year, 10, 6)),
    ):
        if not leadership.cohorts.filter(name=name).exists():
            cohort_save(
                user=None,
                cohort=Cohort(offer=leadership),
                name=name,
                starts=starts,
                ends=starts + datetime.timedelta(days=2),
                places=24,
            )
    _demo_requests(leadership)
    return added


def _demo_requests(leadership: SupportOffer) -> None:
    dcs, officer, adviser = _user("dcs"), _user("officer"), _user("adviser")
    if dcs is None or officer is None or adviser is None:
        return
    leeds = Council.objects.filter(gss_code=DEMO_COUNCIL).first()
    if leeds is None or SupportRequest.objects.filter(council=leeds).exists():
        return
    spring = leadership.cohorts.get(name="Spring residential")
    asked = services.request_support(
        user=dcs,
        council=leeds,
        offer=leadership,
        cohort=spring,
        need="Our new lead member needs a grounding in the role.",
        why="A new lead member since May and a focused visit due.",
    )
    services.accept(user=adviser, request=asked)
    mentoring = SupportOffer.objects.get(code="lead-member-mentoring")
    services.request_support(
        user=officer,
        council=leeds,
        offer=mentoring,
        need="A sounding board for the lead member while the improvement plan beds in.",
    )
    scrutiny = SupportOffer.objects.get(code="scrutiny-support")
    done = services.request_support(
        user=officer,
        council=leeds,
        offer=scrutiny,
        need="Our scrutiny committee wants to question children's services better.",
    )
    services.accept(user=adviser, request=done)
    services.start_delivery(user=adviser, request=done)
    services.deliver(user=adviser, request=done)
    services.close(
        user=dcs,
        request=done,
        outcome_note="Two workshops with the scrutiny committee; a new work programme.",
        useful=4,
        what_changed="The committee now asks for the data set's measures each quarter.",
    )
    bespoke = SupportOffer.objects.get(code="bespoke-learning")
    declined = services.request_support(
        user=officer,
        council=leeds,
        offer=bespoke,
        need="Training for all members on corporate parenting.",
    )
    services.decline(
        user=adviser,
        request=declined,
        reason="The 'Must know' guide on corporate parenting covers this; let us talk first.",
    )
