"""When two requests for a council's free safeguarding peer review meet, exactly one is free
and the other is told: nothing is saved for it, and it is asked to confirm a charged basis at
its price (never booked as subsidised silently). Real concurrent requests in threads released
by a barrier, against the real database constraint (the entitlement's exclusion constraint)."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from regions.models import Council
from reviews.catalogue import products_sync
from reviews.models import Booking, Product
from reviews.services.bookings import BookingError, booking_request
from tests.factories import make_member
from tests.reviews.test_booking_pages import walk_wizard

LEEDS = "E08000035"
SUBSIDISED, WHOLE_COST = 1_250_000, 2_500_000  # £12,500 and £25,000


@pytest.fixture
def review(reference_data):
    products_sync()
    product = Product.objects.get(code="safeguarding_peer_review")
    product.subsidised_price_pence, product.whole_cost_price_pence = SUBSIDISED, WHOLE_COST
    product.save()
    return product


@pytest.fixture
def leeds(reference_data):
    return Council.objects.get(gss_code=LEEDS)


def _in_threads(*targets) -> list:
    """Run each target in its own thread, released together by a barrier; their results (or
    the exception each raised), in order."""
    barrier = threading.Barrier(len(targets))
    results: list = [None] * len(targets)

    def run(i, target):
        try:
            barrier.wait()
            results[i] = target()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_the_request_that_loses_at_the_database_is_told_and_nothing_is_saved(review, leeds):
    """Made deterministic: the first request's free booking is inserted but not committed when
    the second checks the entitlement (so it sees none and tries free too); the second then
    waits on the exclusion constraint until the first commits, and loses there."""
    officer = make_member(LEEDS, "council_officer", email="first@leeds.example")
    dcs = make_member(LEEDS, "dcs", email="second@leeds.example")
    inserted, release = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            booking = booking_request(
                council=leeds,
                product=review,
                first_on_site_day=date(2027, 3, 1),
                requested_by=officer,
            )
            inserted.set()
            assert release.wait(30)
        return booking

    def second():
        assert inserted.wait(30)
        try:
            return booking_request(
                council=leeds, product=review, first_on_site_day=date(2028, 6, 5), requested_by=dcs
            )
        except BookingError as exc:
            return exc

    outcome: list = []

    def waiter():
        # Release the first once the second is blocked on the constraint's lock.
        assert inserted.wait(30)
        deadline = time.monotonic() + 20
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    outcome.append("blocked")
                    break
                time.sleep(0.05)
        release.set()

    won, lost, _ = _in_threads(first, second, waiter)
    assert outcome == ["blocked"]  # it did meet the constraint, not an earlier check
    assert isinstance(won, Booking) and won.charging_basis == "free"
    assert type(lost).__name__ == "FreeReviewTaken", lost
    message = str(lost)
    assert "The free review has just been taken" in message
    assert "Nothing has been booked" in message
    assert "subsidised (£12,500)" in message and "whole cost (£25,000)" in message
    assert lost.prices == {"subsidised": SUBSIDISED, "whole_cost": WHOLE_COST}
    # Nothing saved for the second until it confirms a charged basis.
    assert list(Booking.objects.values_list("requested_by", "charging_basis")) == [
        (officer.pk, "free")
    ]
    confirmed = booking_request(
        council=leeds,
        product=review,
        first_on_site_day=date(2028, 6, 5),
        requested_by=dcs,
        charging_basis="subsidised",
    )
    assert (confirmed.charging_basis, confirmed.price_pence) == ("subsidised", SUBSIDISED)


def _at_check_page(user, review) -> Client:
    """A signed-in client that has answered every question and seen the check page say the
    booking is free."""
    client = Client()
    client.force_login(user)
    walk_wizard(client, review)  # 3 March 2031
    page = client.get(reverse("reviews:request_check")).content.decode()
    assert "This booking is free." in page
    return client


@pytest.mark.django_db(transaction=True)
def test_two_councils_staff_confirm_the_free_review_at_once_one_is_free_one_is_told(review, leeds):
    officer = make_member(LEEDS, "council_officer", email="page1@leeds.example")
    dcs = make_member(LEEDS, "dcs", email="page2@leeds.example")
    clients = [_at_check_page(officer, review), _at_check_page(dcs, review)]
    check = reverse("reviews:request_check")

    responses = _in_threads(*(lambda c=c: c.post(check, {"shown": "free"}) for c in clients))

    assert sorted(r.status_code for r in responses) == [200, 302], responses
    assert Booking.objects.count() == 1  # nothing saved for the one that was told
    assert Booking.objects.get().charging_basis == "free"
    told_at = next(i for i, r in enumerate(responses) if r.status_code == 200)
    page = responses[told_at].content.decode()
    assert "There is a problem" in page and "Nothing has been booked" in page
    assert "This booking is not free." in page
    assert 'name="charging_basis"' in page
    assert "Subsidised: £12,500" in page and "Whole cost: £25,000" in page
    assert 'name="shown"' not in page  # the confirmation step is for the charged basis
    # It confirms the charged basis: booked on it, at its price.
    again = clients[told_at].post(check, {"charging_basis": "whole_cost"})
    assert again.status_code == 302
    charged = Booking.objects.exclude(charging_basis="free").get()
    assert (charged.charging_basis, charged.price_pence) == ("whole_cost", WHOLE_COST)


@pytest.mark.django_db(transaction=True)
def test_two_api_requests_at_once_one_is_free_the_other_is_told_the_prices(review, leeds):
    clients = []
    for email in ("api1@leeds.example", "api2@leeds.example"):
        client = APIClient()
        client.force_authenticate(make_member(LEEDS, "council_officer", email=email))
        clients.append(client)
    body = {"council": LEEDS, "product": review.code, "start": "2031-03-03"}

    responses = _in_threads(
        *(lambda c=c: c.post("/api/v1/bookings/", body, format="json") for c in clients)
    )

    assert sorted(r.status_code for r in responses) == [201, 400], responses
    won = next(r for r in responses if r.status_code == 201).json()
    told = next(r for r in responses if r.status_code == 400).json()
    assert won["charging_basis"] == "free"
    assert "Nothing has been booked" in told["detail"]
    assert told["charged_prices_pence"] == {"subsidised": SUBSIDISED, "whole_cost": WHOLE_COST}
    assert Booking.objects.count() == 1
