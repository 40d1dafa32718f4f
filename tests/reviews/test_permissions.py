"""Reviews' rules (reviews.permissions) answer with a Decision: truthy when allowed, and a
reason a person can read when not."""

from datetime import date

import pytest

from regions.models import Council
from reviews import permissions
from reviews.catalogue import products_sync
from reviews.models import BookingStatus, Product
from reviews.services.bookings import booking_request
from tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(reference_data, officer):
    products_sync()
    return booking_request(
        council=Council.objects.get(gss_code="E08000035"),
        product=Product.objects.get(code="safeguarding_peer_review"),
        first_on_site_day=date(2031, 3, 3),
        requested_by=officer,
        contact_name="Ann Contact",
        contact_email="ann@leeds.example",
    )


@pytest.fixture
def manager(reference_data):
    return make_member("national", "programme_manager", email="pm@lga.example")


def test_who_sees_and_changes_a_booking(booking, officer, other_officer, adviser, manager):
    assert permissions.can_view_booking(officer, booking)
    assert permissions.can_change_booking(officer, booking)
    assert permissions.can_view_booking(adviser, booking)
    assert permissions.can_manage_booking(manager, booking)
    refused = permissions.can_view_booking(other_officer, booking)
    assert not refused and refused.reason == permissions.ONLY_BOOKING_VIEWERS
    refused = permissions.can_change_booking(other_officer, booking)
    assert not refused and refused.reason == permissions.ONLY_BOOKING_CHANGERS
    refused = permissions.can_manage_booking(officer, booking)
    assert not refused and refused.reason == permissions.ONLY_BOOKING_MANAGER


def test_a_step_refused_says_who_takes_it(booking, officer, manager):
    assert permissions.can_move_booking_to(manager, booking, BookingStatus.SCOPING)
    refused = permissions.can_move_booking_to(officer, booking, BookingStatus.SCOPING)
    assert not refused
    assert refused.reason == "Only a programme manager or adviser can mark a booking scoping."


def test_the_register_and_the_override_are_the_programme_managers(booking, officer, manager):
    assert permissions.can_manage_reviewers(manager)
    assert permissions.can_override_free(manager, booking)
    assert permissions.can_view_review_pipeline(manager)
    refused = permissions.can_manage_reviewers(officer)
    assert not refused and refused.reason == permissions.ONLY_REVIEWER_MANAGER
    refused = permissions.can_override_free(officer, booking)
    assert not refused and refused.reason == permissions.ONLY_PROGRAMME_MANAGER_OVERRIDES
    assert not permissions.can_view_review_pipeline(officer)
    assert permissions.reviewer_for(officer) is None
    assert list(permissions.councils_user_may_book_for(officer)) == [booking.council]
