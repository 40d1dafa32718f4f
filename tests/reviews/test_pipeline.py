"""Capacity and the pipeline: the weekly cap, the warnings it gives, and the pipeline page."""

from datetime import date

import pytest

from regions.models import Council
from reviews.catalogue import products_sync
from reviews.models import Booking, BookingStatus, Product
from reviews.selectors.pipeline import capacity_warnings, pipeline_rows, weekly_cap
from reviews.services.bookings import booking_request
from reviews.services.capacity import weekly_cap_set
from tests.factories import make_member

pytestmark = pytest.mark.django_db

CODES = ["E08000035", "E08000032", "E08000003", "E09000001", "E06000001"]


@pytest.fixture
def pm(reference_data):
    return make_member("national", "programme_manager", email="pm@lga.example")


def book(code, day, user, status=BookingStatus.SCHEDULED, product="lscb_diagnostic"):
    products_sync()
    booking = booking_request(
        council=Council.objects.get(gss_code=code),
        product=Product.objects.get(code=product),
        first_on_site_day=day,
        requested_by=user,
        charging_basis="subsidised",
    )
    Booking.objects.filter(pk=booking.pk).update(status=status)
    booking.refresh_from_db()
    return booking


def test_the_cap_defaults_to_three_and_can_be_changed(pm):
    assert weekly_cap() == 3
    weekly_cap_set(cap=2, actor=pm)
    assert weekly_cap() == 2


def test_a_week_at_the_cap_gives_a_warning(pm):
    weekly_cap_set(cap=2, actor=pm)
    book(CODES[0], date(2027, 3, 1), pm)
    book(CODES[1], date(2027, 3, 3), pm)
    book(CODES[2], date(2027, 3, 1), pm, status=BookingStatus.REQUESTED)  # not committed
    new = book(CODES[3], date(2027, 3, 4), pm, status=BookingStatus.REQUESTED)
    (warning,) = capacity_warnings(new)
    assert "2 other reviews are already on site in week 9 of 2027" in warning
    weekly_cap_set(cap=3, actor=pm)
    assert capacity_warnings(new) == []


def test_pipeline_counts_by_month_and_week_with_filters(pm):
    book(CODES[0], date(2027, 3, 1), pm, status=BookingStatus.REQUESTED)
    book(CODES[1], date(2027, 3, 15), pm, status=BookingStatus.SCHEDULED)
    book(CODES[2], date(2027, 4, 5), pm, status=BookingStatus.REPORT_DRAFTED)
    months = pipeline_rows(user=pm, by="month", year=2027)
    assert [(r.period, r.requested, r.scheduled, r.reporting) for r in months] == [
        (date(2027, 3, 1), 1, 1, 0),
        (date(2027, 4, 1), 0, 0, 1),
    ]
    weeks = pipeline_rows(user=pm, by="week", year=2027)
    assert [r.period for r in weeks] == [date(2027, 3, 1), date(2027, 3, 15), date(2027, 4, 5)]
    yorkshire = Council.objects.get(gss_code=CODES[0]).region_id
    assert sum(r.total for r in pipeline_rows(user=pm, year=2027, region_id=yorkshire)) == 2


def test_programme_manager_sees_the_pipeline_and_sets_the_cap(pm, client_for):
    book(CODES[0], date(2027, 3, 1), pm)
    client = client_for(pm)
    page = client.get("/reviewers/pipeline/?by=month&year=2027")
    assert page.status_code == 200 and b"March 2027" in page.content
    assert client.post("/reviewers/pipeline/", {"weekly_cap": "5"}).status_code == 302
    assert weekly_cap() == 5
    page = client.post("/reviewers/pipeline/", {"weekly_cap": "0"})
    assert b"The cap must be at least 1" in page.content and weekly_cap() == 5


def test_adviser_sees_the_pipeline_but_cannot_set_the_cap(pm, adviser, client_for):
    client = client_for(adviser)
    assert client.get("/reviewers/pipeline/").status_code == 200
    assert client.post("/reviewers/pipeline/", {"weekly_cap": "9"}).status_code == 403
    assert weekly_cap() == 3


def test_council_officer_cannot_see_the_pipeline(officer, client_for):
    assert client_for(officer).get("/reviewers/pipeline/").status_code == 404
    assert pipeline_rows(user=officer, year=2027) == []


def test_the_pipeline_from_a_day_runs_into_the_next_year(pm, client_for):
    book(CODES[0], date(2026, 12, 14), pm, status=BookingStatus.SCOPING)
    book(CODES[1], date(2027, 1, 11), pm, status=BookingStatus.REQUESTED)
    book(CODES[2], date(2026, 11, 2), pm)  # before the start day
    weeks = pipeline_rows(user=pm, by="week", start=date(2026, 11, 30))
    assert [(w.period, w.requested) for w in weeks] == [
        (date(2026, 12, 14), 1),
        (date(2027, 1, 11), 1),
    ]
    page = client_for(pm).get("/reviewers/pipeline/?by=week&start=2026-11-30").content.decode()
    assert "of their first on-site day, from 30 November 2026" in page
    assert "11 January 2027" in page and "2 November 2026" not in page
    # The scoping booking is counted under a heading that says so.
    assert "Requested or scoping</th>" in page


def test_the_bookings_list_filters_to_a_pipeline_stage_and_week(pm, client_for):
    scoping = book(CODES[0], date(2026, 12, 16), pm, status=BookingStatus.SCOPING)
    book(CODES[1], date(2026, 12, 15), pm, status=BookingStatus.SCHEDULED)  # another stage
    book(CODES[2], date(2026, 12, 22), pm, status=BookingStatus.REQUESTED)  # another week
    page = client_for(pm).get("/reviews/bookings/?stage=requested&week=2026-12-14")
    text = page.content.decode()
    assert "1 booking<" in text and f"/reviews/bookings/{scoping.pk}/" in text
    assert "week starting 14 December 2026" in text
