"""Mentoring's writes: proposals never break a hard rule, confirming is audited and emailed,
capacity is never exceeded (also by confirmations at the same moment), asks and offers are
posted and brokered by the right people."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection

from audit.models import AuditEvent
from support.models import CouncilMatch, MentorAssignment
from support.services import mentoring as services
from support.services.common import SupportError
from tests.conftest import BRADFORD, LEEDS, MANCHESTER
from tests.factories import make_member
from tests.support.mentoring_setup import council, make_mentor, mentoring_request

pytestmark = pytest.mark.django_db

KIRKLEES = "E08000034"


def test_proposals_skip_own_council_conflicts_and_full_mentors(adviser):
    req = mentoring_request(LEEDS)
    make_mentor(LEEDS, "Own Council")
    make_mentor(BRADFORD, "Conflicted", conflicts=[LEEDS])
    full = make_mentor(MANCHESTER, "Full", capacity_per_year=1)
    other = mentoring_request(BRADFORD)
    services.mentor_confirm(user=adviser, support_request=other, mentor=full)
    fine = make_mentor(KIRKLEES, "Fine", political_group="Labour")
    proposals = services.mentor_proposals(req, political_group="Labour")
    assert [m.name for _, m in proposals] == ["Fine"]
    proposal, mentor = proposals[0]
    assert mentor == fine and proposal.terms["political_group"] == 2.0
    assert any("Same political group" in w for w in proposal.words)


def test_confirming_is_audited_emailed_and_refuses_a_second_or_a_conflict(
    adviser, django_capture_on_commit_callbacks
):
    req = mentoring_request(LEEDS)
    mentor = make_mentor(MANCHESTER, "Cllr Ada")
    conflicted = make_mentor(BRADFORD, "Cllr Bea", conflicts=[LEEDS])
    with pytest.raises(SupportError, match="declared a conflict"):
        services.mentor_confirm(user=adviser, support_request=req, mentor=conflicted)
    with pytest.raises(SupportError, match="from Leeds itself"):
        services.mentor_confirm(
            user=adviser, support_request=req, mentor=make_mentor(LEEDS, "Cllr Own")
        )
    with django_capture_on_commit_callbacks(execute=True):
        assignment = services.mentor_confirm(user=adviser, support_request=req, mentor=mentor)
    assert assignment.status == "confirmed" and assignment.explanation["words"]
    assert AuditEvent.objects.filter(action="mentor_assignment.confirm").count() == 1
    assert {tuple(m.to) for m in mail.outbox} == {
        ("cllr.ada@example.org",),
        (req.requested_by.email,),
    }
    with pytest.raises(SupportError, match="already confirmed"):
        services.mentor_confirm(
            user=adviser, support_request=req, mentor=make_mentor(KIRKLEES, "Cllr Cy")
        )


def test_only_the_covering_adviser_confirms(other_regional_lead, officer):
    req = mentoring_request(LEEDS)
    mentor = make_mentor(MANCHESTER)
    north_west_adviser = make_member("E12000002", "principal_adviser", email="nw@lga.example")
    for user in (other_regional_lead, officer, north_west_adviser):
        with pytest.raises(SupportError, match="Only an LGA adviser"):
            services.mentor_confirm(user=user, support_request=req, mentor=mentor)


def test_a_non_mentoring_request_gets_no_mentor(adviser):
    from tests.support.offers_setup import make_offer

    req = mentoring_request(LEEDS, offer=make_offer("scrutiny", kind="scrutiny_support"))
    with pytest.raises(SupportError, match="mentoring requests only"):
        services.mentor_confirm(user=adviser, support_request=req, mentor=make_mentor(MANCHESTER))


def test_declined_mentors_are_not_proposed_again_and_ending_keeps_the_load(adviser):
    req = mentoring_request(LEEDS)
    a = make_mentor(MANCHESTER, "A")
    b = make_mentor(KIRKLEES, "B", capacity_per_year=1)
    services.mentor_decline(user=adviser, support_request=req, mentor=a, reason="Too far")
    assert [m for _, m in services.mentor_proposals(req)] == [b]
    assignment = services.mentor_confirm(user=adviser, support_request=req, mentor=b)
    services.mentor_end(user=adviser, assignment=assignment)
    # Ended this year: still counts, so B has no capacity left for another request.
    assert [m for _, m in services.mentor_proposals(mentoring_request(BRADFORD))] == [a]


@pytest.mark.django_db(transaction=True)
def test_confirmations_at_the_same_moment_never_exceed_capacity(reference_data):
    """Ten requests confirm one mentor with capacity 3 in ten threads released together:
    exactly three are confirmed."""
    adviser = make_member("national", "principal_adviser", email="race@lga.example")
    mentor = make_mentor(MANCHESTER, "Busy", capacity_per_year=3)
    codes = [
        LEEDS,
        BRADFORD,
        KIRKLEES,
        "E08000016",
        "E08000033",
        "E08000017",
        "E06000010",
        "E06000011",
        "E09000002",
        "E09000003",
    ]
    requests = [mentoring_request(code) for code in codes]
    barrier = threading.Barrier(len(requests))
    outcomes: list[str] = []
    lock = threading.Lock()

    def confirm(i: int) -> None:
        try:
            barrier.wait()
            services.mentor_confirm(user=adviser, support_request=requests[i], mentor=mentor)
            result = "confirmed"
        except SupportError:
            result = "refused"
        except BaseException as exc:  # noqa: BLE001 - any other failure is reported
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(set(outcomes)) == ["confirmed", "refused"], outcomes
    assert outcomes.count("confirmed") == 3
    assert MentorAssignment.objects.filter(mentor=mentor, status="confirmed").count() == 3


def test_asks_are_posted_by_the_council_and_brokered_by_advisers_and_leads(
    officer, other_officer, adviser, regional_lead, django_capture_on_commit_callbacks
):
    ask = services.ask_post(
        user=officer,
        council=council(LEEDS),
        kind="ask",
        theme="workforce",
        title="Retaining social workers",
        description="Our turnover is high.",
    )
    with pytest.raises(SupportError, match="posted by its"):
        services.ask_post(
            user=other_officer,
            council=council(LEEDS),
            kind="offer",
            theme="workforce",
            title="x",
            description="y",
        )
    offer = services.ask_post(
        user=other_officer,
        council=council(MANCHESTER),
        kind="offer",
        theme="workforce",
        title="Our academy",
        description="A social work academy.",
    )
    with pytest.raises(SupportError, match="Only the LGA advisers"):
        services.match_broker(user=officer, ask=ask, offer=offer)
    with django_capture_on_commit_callbacks(execute=True):
        match = services.match_broker(user=regional_lead, ask=offer, offer=ask, note="In May")
    assert (match.ask, match.offer) == (ask, offer)
    assert AuditEvent.objects.filter(action="council_match.broker").count() == 1
    with pytest.raises(SupportError, match="already matched"):
        services.match_broker(user=adviser, ask=ask, offer=offer)
    assert CouncilMatch.objects.count() == 1
    assert len(mail.outbox) == 1 and set(mail.outbox[0].to) == {
        officer.email,
        other_officer.email,
    }
