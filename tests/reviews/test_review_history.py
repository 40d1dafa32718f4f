"""manage.py import_review_history: atomic, every problem by line and column, same rule."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from regions.models import Council
from reviews.catalogue import products_sync
from reviews.models import Booking, Product
from reviews.selectors.entitlement import entitlement_for
from reviews.services.bookings import booking_request

pytestmark = pytest.mark.django_db

HEADER = "council_code,product,first_on_site_day,charging_basis,status\n"


@pytest.fixture
def review(reference_data):
    products_sync()
    return Product.objects.get(code="safeguarding_peer_review")


def run(tmp_path, body):
    path = tmp_path / "history.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    call_command("import_review_history", str(path))


def test_history_is_imported_and_the_rule_sees_it(tmp_path, review):
    run(
        tmp_path,
        "E08000035,safeguarding_peer_review,2024-02-29,free,closed\n"
        "E08000035,safeguarding_peer_review,2025-06-02,subsidised,closed\n"
        "E08000003,lscb_diagnostic,2023-01-09,whole_cost,cancelled\n",
    )
    assert Booking.objects.count() == 3
    leeds = Council.objects.get(gss_code="E08000035")
    assert not entitlement_for(council=leeds, product=review, start=date(2027, 2, 27)).entitled
    assert entitlement_for(council=leeds, product=review, start=date(2027, 2, 28)).entitled
    cancelled = Booking.objects.get(status="cancelled")
    assert cancelled.cancellation_reason


def test_every_problem_is_listed_by_line_and_column_and_nothing_is_saved(tmp_path, review):
    with pytest.raises(CommandError) as info:
        run(
            tmp_path,
            "E08000035,safeguarding_peer_review,2021-03-01,free,closed\n"
            "E99999999,safeguarding_peer_review,2021-03-01,free,closed\n"
            "E08000035,nonsense,31/12/2020,gratis,done\n",
        )
    message = str(info.value)
    assert "nothing was saved" in message
    assert "Line 3, column council_code: no council has the GSS code ‘E99999999’" in message
    assert "Line 4, column product: no product has the code ‘nonsense’" in message
    assert "Line 4, column first_on_site_day" in message
    assert "Line 4, column charging_basis" in message and "Line 4, column status" in message
    assert Booking.objects.count() == 0


def test_two_free_history_rows_less_than_three_years_apart_name_both_lines(tmp_path, review):
    with pytest.raises(CommandError) as info:
        run(
            tmp_path,
            "E08000035,safeguarding_peer_review,2019-05-01,free,closed\n"
            "E08000003,safeguarding_peer_review,2020-05-01,free,closed\n"
            "E08000035,safeguarding_peer_review,2022-04-30,free,closed\n",
        )
    message = str(info.value)
    assert "Line 4:" in message and "on line 2" in message
    assert Booking.objects.count() == 0


def test_exactly_three_years_apart_and_cancelled_rows_do_not_clash(tmp_path, review):
    run(
        tmp_path,
        "E08000035,safeguarding_peer_review,2019-05-01,free,closed\n"
        "E08000035,safeguarding_peer_review,2020-05-01,free,cancelled\n"
        "E08000035,safeguarding_peer_review,2022-05-01,free,closed\n",
    )
    assert Booking.objects.count() == 3


def test_a_clash_with_a_booking_already_saved_is_an_error(tmp_path, review, officer):
    existing = booking_request(
        council=Council.objects.get(gss_code="E08000035"),
        product=review,
        first_on_site_day=date(2027, 1, 4),
        requested_by=officer,
    )
    with pytest.raises(CommandError, match=f"Line 2: .*booking B{existing.pk}"):
        run(tmp_path, "E08000035,safeguarding_peer_review,2025-01-06,free,closed\n")
    assert Booking.objects.count() == 1


def test_a_missing_column_is_reported(tmp_path, review):
    path = tmp_path / "bad.csv"
    path.write_text("council_code,product\nE08000035,lscb_diagnostic\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Line 1: .*missing: first_on_site_day"):
        call_command("import_review_history", str(path))


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(CommandError, match="There is no file"):
        call_command("import_review_history", str(tmp_path / "nope.csv"))
