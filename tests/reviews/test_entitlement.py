"""The three-year entitlement at its edges, and enforced by the database under concurrency."""

import threading
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from regions.models import Council
from reviews.catalogue import products_sync
from reviews.models import Booking, BookingStatus, Product
from reviews.selectors.entitlement import entitlement_for
from reviews.services.bookings import (
    BookingError,
    FreeReviewTaken,
    booking_cancel,
    booking_override_free,
    booking_request,
    booking_reschedule,
)
from tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(reference_data):
    products_sync()
    return Product.objects.get(code="safeguarding_peer_review")


@pytest.fixture
def leeds(reference_data):
    return Council.objects.get(gss_code="E08000035")


def book(council, product, day, user, **kw):
    return booking_request(
        council=council, product=product, first_on_site_day=day, requested_by=user, **kw
    )


def test_first_review_is_free(review, leeds, officer):
    booking = book(leeds, review, date(2027, 3, 1), officer)
    assert booking.charging_basis == "free" and booking.price_pence == 0


def test_exactly_three_years_apart_is_allowed(review, leeds, officer):
    book(leeds, review, date(2027, 3, 1), officer)
    assert book(leeds, review, date(2030, 3, 1), officer).charging_basis == "free"


def test_second_free_review_a_day_less_than_three_years_later_is_refused(review, leeds, officer):
    first = book(leeds, review, date(2027, 3, 1), officer)
    verdict = entitlement_for(council=leeds, product=review, start=date(2030, 2, 28))
    assert not verdict.entitled
    assert verdict.blocking == first and verdict.next_free_date == date(2030, 3, 1)
    assert "1 March 2027" in verdict.reason and "1 March 2030" in verdict.reason
    with pytest.raises(FreeReviewTaken, match="cannot be free.*Nothing has been booked"):
        book(leeds, review, date(2030, 2, 28), officer)  # never charged without confirming
    second = book(leeds, review, date(2030, 2, 28), officer, charging_basis="subsidised")
    assert second.charging_basis == "subsidised"  # still bookable, not free
    with pytest.raises(BookingError, match="less than three years"):
        book(leeds, review, date(2030, 2, 28), officer, charging_basis="free")


def test_29_february_plus_three_years_is_28_february(review, leeds, officer):
    book(leeds, review, date(2024, 2, 29), officer)
    assert not entitlement_for(council=leeds, product=review, start=date(2027, 2, 27)).entitled
    assert entitlement_for(council=leeds, product=review, start=date(2027, 2, 28)).entitled
    assert book(leeds, review, date(2027, 2, 28), officer).charging_basis == "free"


def test_a_future_free_booking_blocks_an_earlier_one(review, leeds, officer):
    book(leeds, review, date(2029, 6, 1), officer)
    verdict = entitlement_for(council=leeds, product=review, start=date(2027, 1, 1))
    assert not verdict.entitled and "after 1 January 2027" in verdict.reason
    assert entitlement_for(council=leeds, product=review, start=date(2026, 6, 1)).entitled


def test_a_cancelled_review_releases_the_entitlement(review, leeds, officer):
    first = book(leeds, review, date(2027, 3, 1), officer)
    booking_cancel(booking=first, reason="The DCS left; we will rebook.", cancelled_by=officer)
    assert book(leeds, review, date(2028, 1, 10), officer).charging_basis == "free"


def test_cancelling_needs_a_reason(review, leeds, officer):
    first = book(leeds, review, date(2027, 3, 1), officer)
    with pytest.raises(BookingError, match="reason"):
        booking_cancel(booking=first, reason="  ", cancelled_by=officer)


def test_a_date_change_is_checked_again(review, leeds, officer):
    book(leeds, review, date(2027, 3, 1), officer)
    later = book(leeds, review, date(2030, 6, 1), officer)
    assert later.charging_basis == "free"
    with pytest.raises(BookingError, match="less than three years"):
        booking_reschedule(booking=later, first_on_site_day=date(2029, 6, 1), changed_by=officer)
    later.refresh_from_db()
    assert later.first_on_site_day == date(2030, 6, 1)
    moved = booking_reschedule(
        booking=later, first_on_site_day=date(2030, 3, 1), changed_by=officer
    )
    assert moved.on_site.lower == date(2030, 3, 1) and moved.on_site.upper == date(2030, 3, 6)


def test_an_override_by_a_programme_manager_is_free_and_audited(review, leeds, officer):
    from audit.models import AuditEvent

    manager = make_member("national", "programme_manager", email="pm@lga.example")
    book(leeds, review, date(2027, 3, 1), officer)
    paid = book(leeds, review, date(2028, 3, 1), officer, charging_basis="subsidised")
    with pytest.raises(BookingError, match="Only a programme manager"):
        booking_override_free(booking=paid, reason="Intervention", granted_by=officer)
    with pytest.raises(BookingError, match="reason"):
        booking_override_free(booking=paid, reason="", granted_by=manager)
    free = booking_override_free(
        booking=paid, reason="Statutory direction: DfE asked us.", granted_by=manager
    )
    assert (free.charging_basis, free.price_pence, free.entitlement_override) == ("free", 0, True)
    event = AuditEvent.objects.get(action="booking.override_free")
    assert event.actor == manager and event.before["charging_basis"] == "subsidised"


def test_the_database_refuses_a_second_free_review_even_bypassing_the_service(
    review, leeds, officer
):
    first = book(leeds, review, date(2027, 3, 1), officer)
    clash = Booking.objects.get(pk=first.pk)
    clash.pk = None
    clash.first_on_site_day = date(2028, 3, 1)
    clash.entitlement_window = type(first.entitlement_window)(
        date(2028, 3, 1), date(2031, 3, 1), "[)"
    )
    with (
        pytest.raises(IntegrityError, match="booking_free_every_three_years"),
        transaction.atomic(),
    ):
        clash.save()
    clash.status = BookingStatus.CANCELLED
    clash.cancellation_reason = "Imported as cancelled"
    clash.save()  # a cancelled booking does not count


@pytest.mark.django_db(transaction=True)
def test_twenty_requests_at_once_end_with_exactly_one_free_booking(reference_data):
    products_sync()
    review = Product.objects.get(code="safeguarding_peer_review")
    leeds = Council.objects.get(gss_code="E08000035")
    officer = make_member("E08000035", "council_officer", email="racer@leeds.example")
    barrier = threading.Barrier(20)
    outcomes: list[str] = []

    def request(i: int) -> None:
        try:
            barrier.wait()
            booking = book(leeds, review, date(2027, 3, 1 + i), officer)
            outcomes.append(booking.charging_basis)
        except FreeReviewTaken:
            outcomes.append("told")
        except BookingError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=request, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 20
    assert Booking.objects.filter(council=leeds, charging_basis="free").count() == 1
    # Every other request, whether it saw the free one or lost the race at the database, was
    # told and asked to confirm a charged basis: none was booked as subsidised silently.
    assert outcomes.count("free") == 1 and outcomes.count("told") == 19
    assert Booking.objects.filter(council=leeds).count() == 1


def test_moving_a_booking_onto_a_team_members_other_booking_is_refused(review, leeds, officer):
    from reviews.models import Reviewer, TeamAssignment

    manager = make_member("national", "programme_manager", email="pm2@lga.example")
    bradford = Council.objects.get(gss_code="E08000032")
    first = book(leeds, review, date(2027, 3, 1), officer)
    other = book(bradford, review, date(2027, 4, 5), officer)
    reviewer = Reviewer.objects.create(
        name="Rae Viewer", email="rae@example.org", types=["lead_reviewer"]
    )
    for booking in (first, other):
        TeamAssignment.objects.create(
            booking=booking,
            reviewer=reviewer,
            reviewer_type="lead_reviewer",
            on_site=booking.on_site,
            assigned_by=manager,
        )
    with pytest.raises(BookingError, match="on another booking on the new dates"):
        booking_reschedule(booking=first, first_on_site_day=date(2027, 4, 7), changed_by=manager)
    first.refresh_from_db()
    assert first.first_on_site_day == date(2027, 3, 1)
