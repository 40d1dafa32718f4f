"""Mentors, mentoring requests and council asks for the mentoring tests (helpers)."""

from __future__ import annotations

from regions.models import Council
from support.models import Mentor, SupportOffer, SupportRequest
from tests.factories import UserFactory


def council(code: str) -> Council:
    return Council.objects.get(gss_code=code)


def mentoring_offer() -> SupportOffer:
    offer, _ = SupportOffer.objects.get_or_create(
        code="lead-member-mentoring",
        defaults={
            "name": "Lead member mentoring",
            "kind": "mentoring",
            "audience": ["lead_members"],
            "description": "A member peer mentors a lead member.",
        },
    )
    return offer


def mentoring_request(code: str, *, by=None, offer=None, **fields) -> SupportRequest:
    return SupportRequest.objects.create(
        council=council(code),
        offer=offer or mentoring_offer(),
        requested_by=by or UserFactory(),
        need=fields.pop("need", "A new lead member after an Inadequate judgement."),
        **fields,
    )


def make_mentor(code: str, name: str = "Cllr Mentor", **fields) -> Mentor:
    conflicts = fields.pop("conflicts", [])
    values = {
        "council": council(code),
        "role_kind": "elected_member",
        "capacity_per_year": 2,
        "email": f"{name.lower().replace(' ', '.')}@example.org",
    }
    values.update(fields)
    mentor = Mentor.objects.create(name=name, **values)
    mentor.conflicts.set([council(c) for c in conflicts])
    return mentor
