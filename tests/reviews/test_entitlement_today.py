"""`entitlement_today`: what a council is told before it answers any question, from the same
rule the database enforces (an override and a cancelled booking hold no entitlement; a free
review already booked ahead counts as much as one in the past)."""

from datetime import date

import pytest

from reviews.models import Product
from reviews.selectors.entitlement import entitlement_today
from reviews.services.bookings import booking_cancel, booking_override_free
from tests.factories import make_member
from tests.reviews.test_entitlement import book
from tests.reviews.test_entitlement import leeds as leeds  # noqa: F401 - a fixture
from tests.reviews.test_entitlement import review as review  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

TODAY = date(2030, 6, 10)
TOMORROW = date(2030, 6, 11)


def test_a_council_with_no_free_review_is_entitled_from_tomorrow(review, leeds):
    today = entitlement_today(council=leeds, product=review, today=TODAY)
    assert today.entitled and today.earliest == TOMORROW and today.next_free_date == TOMORROW
    assert today.blocking is None and today.later_free is None


def test_a_free_review_two_years_ago_blocks_until_three_years_after_it(review, leeds, officer):
    past = book(leeds, review, date(2028, 9, 4), officer)
    today = entitlement_today(council=leeds, product=review, today=TODAY)
    assert not today.entitled
    assert today.blocking == past and today.next_free_date == date(2031, 9, 4)


def test_exactly_three_years_after_the_last_free_review_is_entitled(review, leeds, officer):
    book(leeds, review, TOMORROW.replace(year=2027), officer)
    assert entitlement_today(council=leeds, product=review, today=TODAY).entitled


def test_a_free_review_already_booked_ahead_blocks_and_says_so(review, leeds, officer):
    ahead = book(leeds, review, date(2031, 2, 3), officer)
    today = entitlement_today(council=leeds, product=review, today=TODAY)
    assert not today.entitled and today.blocking == ahead
    assert today.next_free_date == date(2034, 2, 3)


def test_the_next_free_date_jumps_past_every_free_review_in_the_way(review, leeds, officer):
    past = book(leeds, review, date(2028, 1, 10), officer)
    book(leeds, review, date(2031, 1, 10), officer)  # exactly three years after the first
    today = entitlement_today(council=leeds, product=review, today=TODAY)
    assert not today.entitled and today.blocking == past
    assert today.next_free_date == date(2034, 1, 10)


def test_a_cancelled_free_review_releases_the_entitlement(review, leeds, officer):
    past = book(leeds, review, date(2029, 5, 1), officer)
    booking_cancel(booking=past, reason="Inspection moved", cancelled_by=officer)
    today = entitlement_today(council=leeds, product=review, today=TODAY)
    assert today.entitled and today.blocking is None


def test_an_override_neither_holds_nor_moves_the_entitlement(review, leeds, officer):
    """A free review granted as an override is outside the rule (the database's constraint
    leaves it out too): the next free date still runs from the council's own free review."""
    manager = make_member("national", "programme_manager", email="pm@lga.example")
    own = book(leeds, review, date(2028, 3, 6), officer)
    extra = book(leeds, review, date(2029, 3, 5), officer, charging_basis="subsidised")
    booking_override_free(booking=extra, reason="After the inspection", granted_by=manager)
    today = entitlement_today(council=leeds, product=review, today=TODAY)
    assert not today.entitled and today.blocking == own
    assert today.next_free_date == date(2031, 3, 6)
    booking_cancel(booking=own, reason="Replaced by the override", cancelled_by=officer)
    assert entitlement_today(council=leeds, product=review, today=TODAY).entitled


def test_entitled_today_with_a_free_review_booked_three_years_ahead(review, leeds, officer):
    later = book(leeds, review, date(2033, 7, 1), officer)
    today = entitlement_today(council=leeds, product=review, today=TODAY)
    assert today.entitled and today.blocking is None and today.later_free == later


def test_29_february_plus_three_years_is_28_february(review, leeds, officer):
    book(leeds, review, date(2028, 2, 29), officer)
    day_before = entitlement_today(council=leeds, product=review, today=date(2031, 2, 26))
    assert not day_before.entitled and day_before.next_free_date == date(2031, 2, 28)
    assert entitlement_today(council=leeds, product=review, today=date(2031, 2, 27)).entitled


def test_a_diagnostic_has_no_free_entitlement_and_no_next_free_date(review, leeds):
    diagnostic = Product.objects.filter(entitlement_family="").first()
    today = entitlement_today(council=leeds, product=diagnostic, today=TODAY)
    assert not today.entitled and today.next_free_date is None and today.blocking is None
