"""support.matching: the hard rules hold for any register and request (a Hypothesis property
test), and the soft terms order and explain the proposals."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from support.matching import MentorFacts, RequestFacts, exclusion, propose

COUNCILS = list(range(1, 8))
CHALLENGES = ["inadequate_inspection", "requires_improvement", "intervention"]
GROUPS = ["", "Labour", "Conservative", "Liberal Democrat", "Independent"]


@st.composite
def mentors(draw, mentor_id):
    capacity = draw(st.integers(min_value=0, max_value=4))
    return MentorFacts(
        id=mentor_id,
        name=f"Mentor {mentor_id}",
        council_id=draw(st.sampled_from(COUNCILS)),
        council_name="Somewhere",
        capacity=capacity,
        load=draw(st.integers(min_value=0, max_value=6)),
        political_group=draw(st.sampled_from(GROUPS)),
        tags=frozenset(draw(st.lists(st.sampled_from(["inspection", "intervention", "x"])))),
        conflicts=frozenset(draw(st.lists(st.sampled_from(COUNCILS), max_size=3))),
        challenges=frozenset(draw(st.lists(st.sampled_from(CHALLENGES), max_size=2))),
        active=draw(st.booleans()),
    )


@st.composite
def registers(draw):
    size = draw(st.integers(min_value=0, max_value=12))
    return [draw(mentors(i + 1)) for i in range(size)]


requests = st.builds(
    RequestFacts,
    council_id=st.sampled_from(COUNCILS),
    council_name=st.just("Leeds"),
    challenges=st.frozensets(st.sampled_from(CHALLENGES), max_size=2),
    political_group=st.sampled_from(GROUPS),
)


@settings(max_examples=300, deadline=None)
@given(register=registers(), request=requests, limit=st.integers(min_value=1, max_value=8))
def test_no_proposal_breaks_a_hard_rule(register, request, limit):
    """Never the same council, never a declared conflict, never beyond capacity (capacity is a
    hard filter), never inactive; every allowed mentor is proposed when the limit allows."""
    by_id = {m.id: m for m in register}
    proposals = propose(request, register, limit=limit)
    for p in proposals:
        m = by_id[p.mentor_id]
        assert m.council_id != request.council_id
        assert request.council_id not in m.conflicts
        assert m.load < m.capacity
        assert m.active
        assert p.score == round(sum(p.terms.values()), 3)
        assert p.words
    allowed = [m for m in register if not exclusion(request, m)]
    assert len(proposals) == min(limit, len(allowed))
    scores = [p.score for p in proposals]
    assert scores == sorted(scores, reverse=True)


def _mentor(mid, council, **kw):
    base = dict(
        id=mid, name=f"M{mid}", council_id=council, council_name=f"C{council}", capacity=2, load=0
    )
    base.update(kw)
    return MentorFacts(**base)


def test_same_challenge_and_group_come_first_and_are_explained():
    request = RequestFacts(1, "Leeds", frozenset({"inadequate_inspection"}), "Labour")
    came_through = _mentor(1, 2, challenges=frozenset({"inadequate_inspection"}))
    same_group = _mentor(2, 3, political_group="labour")
    neither = _mentor(3, 4)
    first, second, third = propose(request, [neither, same_group, came_through])
    assert [first.mentor_id, second.mentor_id, third.mentor_id] == [1, 2, 3]
    assert first.terms == {"same_challenge": 3.0, "capacity": 1.0}
    assert "came through an Inadequate Ofsted judgement" in first.words[0]
    assert second.terms["political_group"] == 2.0


def test_load_is_balanced():
    request = RequestFacts(1, "Leeds")
    busy = _mentor(1, 2, capacity=4, load=3)
    free = _mentor(2, 3, capacity=4, load=0)
    assert [p.mentor_id for p in propose(request, [busy, free])] == [2, 1]
    assert propose(request, [busy])[0].terms["capacity"] == 0.25


def test_exclusions_say_why():
    request = RequestFacts(1, "Leeds")
    assert "Leeds itself" in exclusion(request, _mentor(1, 1))
    assert "conflict" in exclusion(request, _mentor(2, 2, conflicts=frozenset({1})))
    assert "no capacity" in exclusion(request, _mentor(3, 2, load=2))
    assert exclusion(request, _mentor(4, 2)) == ""
