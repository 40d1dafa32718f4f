"""Proposing mentors for a mentoring request: pure (plain data in, plain data out), testable
without a database. support.services.mentoring reads the facts and stores the proposals.

Hard rules (a mentor failing one is never proposed):
- never a mentor from the requesting council;
- never a mentor who declared a conflict with the requesting council;
- never a mentor with no capacity left this year (capacity is a hard filter: confirmed and
  ended assignments started this financial year count against it);
- never an inactive mentor.

Soft terms (the score is their sum, each shown in the explanation, as peer challenge's
pairings explain theirs):
- `same_challenge`: 3 for each challenge the mentor's council came through that the
  requesting council faces (an Inadequate inspection, intervention...);
- `experience`: 1 when one of the mentor's tags names one of those challenges;
- `political_group`: 2 when the request asks for a political group and the mentor is in it;
- `capacity`: the share of the mentor's capacity still free this year (0 to 1), so the least
  loaded mentors come first and load is balanced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

SAME_CHALLENGE_WEIGHT = 3.0
EXPERIENCE_WEIGHT = 1.0
POLITICAL_GROUP_WEIGHT = 2.0
CAPACITY_WEIGHT = 1.0

# The challenges a council can come through, in words; tags that name each.
CHALLENGE_WORDS = {
    "inadequate_inspection": "an Inadequate Ofsted judgement",
    "requires_improvement": "a 'requires improvement' Ofsted judgement",
    "intervention": "DfE intervention",
}
CHALLENGE_TAGS = {
    "inadequate_inspection": {"inspection", "inadequate", "improvement"},
    "requires_improvement": {"inspection", "improvement"},
    "intervention": {"intervention", "improvement notice", "commissioner"},
}


@dataclass(frozen=True)
class MentorFacts:
    id: int
    name: str
    council_id: int
    council_name: str
    capacity: int
    load: int  # this year's confirmed (and ended) mentees
    political_group: str = ""
    tags: frozenset[str] = frozenset()
    conflicts: frozenset[int] = frozenset()
    challenges: frozenset[str] = frozenset()  # what the mentor's council came through
    active: bool = True

    @property
    def capacity_left(self) -> int:
        return max(self.capacity - self.load, 0)


@dataclass(frozen=True)
class RequestFacts:
    council_id: int
    council_name: str
    challenges: frozenset[str] = frozenset()  # what the requesting council faces
    political_group: str = ""  # wanted, optional


@dataclass(frozen=True)
class Proposal:
    mentor_id: int
    score: float
    terms: dict[str, float] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)

    def explanation(self) -> dict[str, Any]:
        return {"score": self.score, "terms": dict(self.terms), "words": list(self.words)}


def exclusion(request: RequestFacts, mentor: MentorFacts) -> str:
    """Why the mentor may not be proposed, in words; empty when they may."""
    if not mentor.active:
        return f"{mentor.name} is not active on the register."
    if mentor.council_id == request.council_id:
        return f"{mentor.name} is from {request.council_name} itself."
    if request.council_id in mentor.conflicts:
        return f"{mentor.name} declared a conflict with {request.council_name}."
    if mentor.capacity_left <= 0:
        return (
            f"{mentor.name} has no capacity left this year "
            f"({mentor.load} of {mentor.capacity} mentees)."
        )
    return ""


def _same_group(a: str, b: str) -> bool:
    return bool(a.strip()) and a.strip().casefold() == b.strip().casefold()


def score(request: RequestFacts, mentor: MentorFacts) -> Proposal:
    """The mentor's score for the request, term by term, explained in words."""
    terms: dict[str, float] = {}
    words: list[str] = []
    shared = sorted(request.challenges & mentor.challenges)
    if shared:
        terms["same_challenge"] = SAME_CHALLENGE_WEIGHT * len(shared)
        words.append(
            f"{mentor.council_name} came through "
            + " and ".join(CHALLENGE_WORDS.get(c, c) for c in shared)
            + f", as {request.council_name} faces now."
        )
    tags = {t.casefold() for t in mentor.tags}
    named = sorted(c for c in request.challenges if tags & CHALLENGE_TAGS.get(c, {c}))
    if named:
        terms["experience"] = EXPERIENCE_WEIGHT
        words.append(
            f"{mentor.name}'s experience is tagged " + ", ".join(sorted(mentor.tags)) + "."
        )
    if request.political_group:
        if _same_group(request.political_group, mentor.political_group):
            terms["political_group"] = POLITICAL_GROUP_WEIGHT
            words.append(f"Same political group ({mentor.political_group}).")
        else:
            words.append(
                f"Not the political group asked for ({mentor.political_group or 'none given'})."
            )
    free = mentor.capacity_left / mentor.capacity if mentor.capacity else 0.0
    terms["capacity"] = round(CAPACITY_WEIGHT * free, 3)
    words.append(
        f"Capacity: {mentor.load} of {mentor.capacity} mentees this year, "
        f"{mentor.capacity_left} left."
    )
    total = round(sum(terms.values()), 3)
    return Proposal(mentor.id, total, terms, words)


def propose(
    request: RequestFacts, mentors: Iterable[MentorFacts], *, limit: int = 5
) -> list[Proposal]:
    """The best `limit` mentors for the request, best first (ties: least loaded, then id),
    never one a hard rule excludes."""
    candidates = [m for m in mentors if not exclusion(request, m)]
    scored = [(score(request, m), m) for m in candidates]
    scored.sort(key=lambda pm: (-pm[0].score, pm[1].load, pm[1].id))
    return [p for p, _ in scored[:limit]]
