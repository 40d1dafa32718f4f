"""The request life cycle's every step and refusal, the places the database keeps, the waiting
list, the audit and the emails."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit.models import AuditEvent
from regions.models import Council
from support.models import Cohort, RequestStatus, SupportRequest
from support.services import requests as svc
from support.services.common import SupportError
from tests.conftest import BRADFORD, LEEDS, YORKSHIRE
from tests.factories import make_member
from tests.support.offers_setup import make_cohort, make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def leeds(reference_data):
    return Council.objects.get(gss_code=LEEDS)


@pytest.fixture
def lead_member(reference_data):
    return make_member(LEEDS, "lead_member", email="lm@leeds.example")


@pytest.fixture
def pm(reference_data):
    return make_member("national", "programme_manager", email="pm@lga.example")


@pytest.fixture
def offer(reference_data):
    return make_offer()


@pytest.fixture
def cohort(offer):
    return make_cohort(offer, places=2)


def _ask(user, council, offer, cohort=None, need="Our new lead member needs grounding."):
    return svc.request_support(user=user, council=council, offer=offer, cohort=cohort, need=need)


def _actions(obj):
    return list(
        AuditEvent.objects.filter(object_id=str(obj.pk), action__startswith="support_request.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_a_request_goes_from_asking_to_closing_audited_and_emailed(
    lead_member, adviser, leeds, offer, cohort
):
    mail.outbox.clear()
    with _captured():
        request = _ask(lead_member, leeds, offer, cohort)
    assert request.status == RequestStatus.REQUESTED and not request.on_behalf
    assert [m.to for m in mail.outbox] == [[adviser.email]]
    with _captured():
        svc.accept(user=adviser, request=request)
    assert Cohort.objects.get(pk=cohort.pk).places_taken == 1
    assert mail.outbox[-1].to == [lead_member.email]
    with _captured():
        svc.start_delivery(user=adviser, request=request)
        svc.deliver(user=adviser, request=request)
        svc.close(
            user=lead_member,
            request=request,
            outcome_note="Confident at scrutiny.",
            useful=5,
            what_changed="Better questions.",
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED
    assert request.feedback_useful == 5 and request.decider == adviser
    assert _actions(request) == [
        "support_request.create",
        "support_request.accept",
        "support_request.start_delivery",
        "support_request.deliver",
        "support_request.close",
    ]


class _captured:
    """Run the on_commit callbacks (the emails) of the block, inside the test's transaction."""

    def __enter__(self):
        from django.test import TestCase

        self._ctx = TestCase.captureOnCommitCallbacks(execute=True)
        return self._ctx.__enter__()

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)


def test_refusals_say_why(lead_member, other_officer, adviser, leeds, offer, cohort):
    guide = make_offer("must-know", name="Must know", kind="guide", requestable=False)
    with pytest.raises(SupportError, match="guide to read"):
        _ask(lead_member, leeds, guide)
    review = make_offer("review", name="Peer review", kind="peer_review", booking_url="/reviews/")
    with pytest.raises(SupportError, match="reviews booking"):
        _ask(lead_member, leeds, review)
    closed = make_offer(
        "closed",
        name="Closed",
        kind="bespoke",
        window_opens=datetime.date(2020, 1, 1),
        window_closes=datetime.date(2020, 2, 1),
    )
    with pytest.raises(SupportError, match="closed on 1 February 2020"):
        _ask(lead_member, leeds, closed)
    later = make_offer(
        "later", name="Later", kind="bespoke", window_opens=datetime.date(2099, 1, 1)
    )
    with pytest.raises(SupportError, match="open on"):
        _ask(lead_member, leeds, later)
    with pytest.raises(SupportError, match="Choose a cohort"):
        _ask(lead_member, leeds, offer)
    with pytest.raises(SupportError, match="lead member or officers"):
        _ask(other_officer, leeds, offer, cohort)
    with pytest.raises(SupportError, match="needs"):
        _ask(lead_member, leeds, offer, cohort, need="  ")
    request = _ask(lead_member, leeds, offer, cohort)
    with pytest.raises(SupportError, match="already asked"):
        _ask(lead_member, leeds, offer, cohort)
    with pytest.raises(SupportError, match="principal adviser"):
        svc.accept(user=lead_member, request=request)
    with pytest.raises(SupportError, match="reason"):
        svc.decline(user=adviser, request=request, reason=" ")
    with pytest.raises(SupportError, match="cannot be marked delivered"):
        svc.deliver(user=adviser, request=request)
    with pytest.raises(SupportError, match="cannot be closed"):
        svc.close(user=adviser, request=request, outcome_note="x")
    assert SupportRequest.objects.get(pk=request.pk).status == RequestStatus.REQUESTED


def test_an_adviser_asks_on_the_councils_behalf(adviser, leeds, offer, cohort):
    request = _ask(adviser, leeds, offer, cohort)
    assert request.on_behalf


def test_decline_needs_a_reason_and_tells_the_council(lead_member, adviser, leeds, offer, cohort):
    request = _ask(lead_member, leeds, offer, cohort)
    mail.outbox.clear()
    with _captured():
        svc.decline(user=adviser, request=request, reason="Mentoring fits better.")
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED
    assert "Mentoring fits better." in mail.outbox[-1].body
    with pytest.raises(SupportError, match="cannot be accepted"):
        svc.accept(user=adviser, request=request)


def test_the_database_refuses_a_decline_without_reason(lead_member, leeds, offer, adviser):
    request = _ask(lead_member, leeds, make_offer("bespoke", name="Bespoke", kind="bespoke"))
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportRequest.objects.filter(pk=request.pk).update(status="declined", decider=adviser)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportRequest.objects.filter(pk=request.pk).update(feedback_useful=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cohort.objects.filter(pk=make_cohort(offer, places=3).pk).update(places_taken=4)


def test_only_the_programme_manager_decides_national_offers(lead_member, adviser, pm, leeds):
    national = make_offer(
        "national", name="National", kind="bespoke", decided_by="programme_manager"
    )
    mail.outbox.clear()
    with _captured():
        request = _ask(lead_member, leeds, national)
    assert mail.outbox[-1].to == [pm.email]
    with pytest.raises(SupportError, match="national programme manager"):
        svc.accept(user=adviser, request=request)
    svc.accept(user=pm, request=request)


def test_an_adviser_of_another_region_does_not_decide(lead_member, leeds, offer, cohort):
    other = make_member("E12000002", "principal_adviser", email="pa@nw.example")
    request = _ask(lead_member, leeds, offer, cohort)
    with pytest.raises(SupportError, match="principal adviser"):
        svc.accept(user=other, request=request)


def test_a_full_cohort_puts_the_request_on_the_waiting_list_or_refuses(adviser, offer, cohort):
    councils = [Council.objects.get(gss_code=c) for c in (LEEDS, BRADFORD, "E08000036")]
    first, second = (_ask(adviser, c, offer, cohort) for c in councils[:2])
    svc.accept(user=adviser, request=first)
    svc.accept(user=adviser, request=second)
    third = _ask(adviser, councils[2], offer, cohort)
    assert third.status == RequestStatus.WAITING and third.waitlisted_at
    with pytest.raises(SupportError, match="full"):
        svc.accept(user=adviser, request=third)
    strict = make_offer("strict", name="Strict", waiting_list=False)
    small = make_cohort(strict, places=1)
    svc.accept(user=adviser, request=_ask(adviser, councils[0], strict, small))
    with pytest.raises(SupportError, match="no waiting list"):
        _ask(adviser, councils[1], strict, small)


def test_waitlist_and_broker(lead_member, adviser, leeds, offer, cohort):
    request = _ask(lead_member, leeds, offer, cohort)
    svc.waitlist(user=adviser, request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.WAITING and request.decider == adviser
    mentoring = make_offer("mentoring", name="Lead member mentoring", kind="mentoring")
    new = svc.broker(user=adviser, request=request, offer=mentoring, note="A mentor first.")
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED and request.brokered_offer == mentoring
    assert "Brokered to Lead member mentoring" in request.decline_reason
    assert new.offer == mentoring and new.status == RequestStatus.REQUESTED and new.on_behalf
    with pytest.raises(SupportError, match="different offer"):
        svc.broker(user=adviser, request=new, offer=mentoring)
    no_list = make_offer("nolist", name="No list", kind="bespoke", waiting_list=False)
    other = _ask(lead_member, leeds, no_list)
    with pytest.raises(SupportError, match="keeps no waiting list"):
        svc.waitlist(user=adviser, request=other)


def test_a_cancellation_gives_the_place_to_the_first_waiting(adviser, offer, cohort):
    councils = [
        Council.objects.get(gss_code=c) for c in (LEEDS, BRADFORD, "E08000036", "E08000034")
    ]
    holders = [_ask(adviser, c, offer, cohort) for c in councils[:2]]
    for r in holders:
        svc.accept(user=adviser, request=r)
    first_waiting = _ask(adviser, councils[2], offer, cohort)
    second_waiting = _ask(adviser, councils[3], offer, cohort)
    from support.selectors.requests import waiting_position

    assert waiting_position(first_waiting) == 1 and waiting_position(second_waiting) == 2
    mail.outbox.clear()
    with _captured():
        svc.cancel(user=adviser, request=holders[0])
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert first_waiting.status == RequestStatus.ACCEPTED
    assert second_waiting.status == RequestStatus.WAITING
    assert waiting_position(second_waiting) == 1
    assert Cohort.objects.get(pk=cohort.pk).places_taken == 2
    assert "A place has come free" in mail.outbox[-1].body
    assert _actions(first_waiting)[-1] == "support_request.promote"
    # Cancelling a request that held no place frees nothing.
    svc.cancel(user=adviser, request=second_waiting)
    assert Cohort.objects.get(pk=cohort.pk).places_taken == 2


def test_the_council_cancels_but_an_outsider_cannot(lead_member, other_officer, leeds, offer):
    request = _ask(lead_member, leeds, make_offer("b2", name="B2", kind="bespoke"))
    with pytest.raises(SupportError, match="cancels"):
        svc.cancel(user=other_officer, request=request)
    svc.cancel(user=lead_member, request=request)
    with pytest.raises(SupportError, match="cannot be cancelled"):
        svc.cancel(user=lead_member, request=request)


def test_close_checks_the_rating(lead_member, adviser, leeds):
    request = _ask(lead_member, leeds, make_offer("b3", name="B3", kind="bespoke"))
    svc.accept(user=adviser, request=request)
    svc.start_delivery(user=adviser, request=request)
    svc.deliver(user=adviser, request=request)
    with pytest.raises(SupportError, match="1 to 5"):
        svc.close(user=lead_member, request=request, outcome_note="Done", useful=7)
    with pytest.raises(SupportError, match="came of"):
        svc.close(user=lead_member, request=request, outcome_note="")


@pytest.mark.django_db(transaction=True)
def test_twenty_acceptances_at_once_take_exactly_five_places(reference_data):
    """Twenty requests for a cohort of five places, accepted in twenty threads released
    together: exactly five are accepted, the cohort counts five, the rest are refused."""
    adviser = make_member(YORKSHIRE, "principal_adviser", email="race-pa@lga.example")
    offer = make_offer("race", name="Race", waiting_list=False)
    cohort = make_cohort(offer, places=5)
    councils = list(Council.objects.filter(region__gss_code=YORKSHIRE).order_by("pk")[:15])
    councils += list(Council.objects.filter(region__gss_code="E12000002").order_by("pk")[:5])
    assert len(councils) == 20
    national = make_member("national", "principal_adviser", email="race-nat@lga.example")
    requests = [
        SupportRequest.objects.create(
            council=c, offer=offer, cohort=cohort, requested_by=national, need=f"Need {i}"
        )
        for i, c in enumerate(councils)
    ]
    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def go(i: int) -> None:
        try:
            barrier.wait()
            svc.accept(user=national, request=requests[i])
            result = "accepted"
        except SupportError:
            result = "refused"
        except BaseException as exc:  # noqa: BLE001 - any other failure is reported
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(set(outcomes)) == ["accepted", "refused"], outcomes
    assert outcomes.count("accepted") == 5
    cohort.refresh_from_db()
    assert cohort.places_taken == 5
    assert SupportRequest.objects.filter(cohort=cohort, status="accepted").count() == 5
    assert adviser.pk  # the region's adviser exists; the national one decided
    assert timezone.now()


def test_an_offers_own_places_are_kept_like_a_cohorts(adviser):
    """An offer with places and no cohorts: accepting takes one, a full offer puts requests on
    its waiting list, a cancellation gives the place to the first waiting; the CHECK refuses
    more taken than there are."""
    from support.models import SupportOffer

    offer = make_offer("pathfinder", name="Pathfinder", kind="pathfinder", places=1)
    leeds, bradford = (Council.objects.get(gss_code=c) for c in (LEEDS, BRADFORD))
    first = _ask(adviser, leeds, offer)
    svc.accept(user=adviser, request=first)
    assert SupportOffer.objects.get(pk=offer.pk).places_taken == 1
    second = _ask(adviser, bradford, offer)
    assert second.status == RequestStatus.WAITING
    with pytest.raises(SupportError, match="places are all taken"):
        svc.accept(user=adviser, request=second)
    svc.cancel(user=adviser, request=first)
    second.refresh_from_db()
    assert second.status == RequestStatus.ACCEPTED
    assert SupportOffer.objects.get(pk=offer.pk).places_taken == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportOffer.objects.filter(pk=offer.pk).update(places_taken=2)
