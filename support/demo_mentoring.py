"""Demo mentors and councils' asks and offers, so that the demo's advisers have a register to
propose from and posts to broker. Idempotent: made once (mentors found by name, posts by title).
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from regions.demo import DEMO_COUNCIL, DEMO_DOMAIN
from regions.models import Council

from .models.mentoring import CouncilAsk, Mentor
from .services import mentoring as services

# (name, council GSS code, role kind, political group, tags, capacity, conflicts, experience)
MENTORS = [
    (
        "Cllr Ann Hartley",
        "E08000003",  # Manchester
        "elected_member",
        "Labour",
        ["inspection", "new lead member"],
        3,
        [],
        "Lead member through an Inadequate judgement and the climb back to Good.",
    ),
    (
        "Cllr Brian Oduya",
        "E08000032",  # Bradford
        "elected_member",
        "Conservative",
        ["scrutiny"],
        2,
        [DEMO_COUNCIL],
        "Chaired children's scrutiny for six years. Declared conflict: Leeds (family ties).",
    ),
    (
        "Cllr Chloe Marsh",
        "E08000034",  # Kirklees
        "elected_member",
        "Liberal Democrat",
        ["intervention", "improvement notice"],
        2,
        [],
        "Lead member through an improvement notice and its lifting.",
    ),
    (
        "Dana Fielding",
        "E06000010",  # Hull
        "officer",
        "",
        ["inspection", "workforce"],
        1,
        [],
        "Former DCS; led a workforce recovery plan after inspection.",
    ),
    (
        "Cllr Ed Leeds",
        DEMO_COUNCIL,
        "elected_member",
        "Labour",
        ["new lead member"],
        2,
        [],
        "Leeds' own former lead member: never proposed for Leeds.",
    ),
]

# (council code, kind, theme, title, description)
POSTS = [
    (
        DEMO_COUNCIL,
        "ask",
        "workforce",
        "Keeping experienced social workers",
        "Our turnover has risen two years running; we want to learn from councils that "
        "brought theirs down.",
    ),
    (
        "E08000032",
        "offer",
        "workforce",
        "Bradford's social work academy",
        "Our academy's first two years: recruitment, the protected caseload year, retention.",
    ),
    (
        "E08000034",
        "offer",
        "scrutiny",
        "Scrutiny of children's services: our question bank",
        "The questions our committee asks of the data set each quarter, and how we chose them.",
    ),
    (
        "E06000010",
        "ask",
        "care_leavers",
        "Local offer for care leavers",
        "We are rewriting our local offer and would like to see others'.",
    ),
]


def _user(local: str) -> User | None:
    return User.objects.filter(email=f"{local}@{DEMO_DOMAIN}").first()


@transaction.atomic
def load_mentoring_demo() -> int:
    """The demo mentors and posts (by the national adviser, for the councils). Returns how many
    mentors and posts were added."""
    adviser = _user("national-adviser")
    if adviser is None:
        return 0
    councils = {c.gss_code: c for c in Council.objects.all()}
    added = 0
    for name, code, kind, group, tags, capacity, conflicts, experience in MENTORS:
        if code not in councils or Mentor.objects.filter(name=name).exists():
            continue
        services.mentor_save(
            user=adviser,
            mentor=None,
            values={
                "name": name,
                "email": f"{name.lower().replace('cllr ', '').replace(' ', '.')}@{DEMO_DOMAIN}",
                "council": councils[code],
                "role_kind": kind,
                "political_group": group,
                "tags": tags,
                "capacity_per_year": capacity,
                "experience": experience,
                "active": True,
            },
            conflicts=[councils[c] for c in conflicts if c in councils],
        )
        added += 1
    for code, kind, theme, title, description in POSTS:
        if code not in councils or CouncilAsk.objects.filter(title=title).exists():
            continue
        poster = (_user("officer") if code == DEMO_COUNCIL else None) or adviser
        services.ask_post(
            user=poster,
            council=councils[code],
            kind=kind,
            theme=theme,
            title=title,
            description=description,
        )
        added += 1
    return added
