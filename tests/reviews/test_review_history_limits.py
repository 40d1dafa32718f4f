"""The review history import: re-importing the same rows (paid or free) adds nothing; line
numbers count blank lines; over-long values, a cell over 128 KB and dates outside 1900-2100 are
refused by line and column before anything is saved."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from reviews.catalogue import products_sync
from reviews.models import Booking
from reviews.services.history import HistoryImportError, review_history_import

pytestmark = pytest.mark.django_db

HEADER = "council_code,product,first_on_site_day,charging_basis,status\n"
PAID = (
    "E08000035,safeguarding_peer_review,2025-06-02,subsidised,closed\n"
    "E08000003,lscb_diagnostic,2023-01-09,whole_cost,cancelled\n"
)


@pytest.fixture
def products(reference_data):
    products_sync()


def _errors(text: str) -> list[str]:
    with pytest.raises(HistoryImportError) as caught:
        review_history_import(text=HEADER + text)
    assert not Booking.objects.exists()
    return list(caught.value.errors)


def test_reimporting_the_same_paid_rows_adds_nothing(products):
    first = review_history_import(text=HEADER + PAID)
    before = list(Booking.objects.order_by("pk").values())
    again = review_history_import(text=HEADER + PAID)
    assert Booking.objects.count() == 2
    assert (first.created, again.created, again.unchanged) == (2, 0, 2)
    assert list(Booking.objects.order_by("pk").values()) == before


def test_reimporting_a_free_row_is_not_a_clash_with_itself(products, tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(HEADER + "E08000035,safeguarding_peer_review,2024-02-29,free,closed\n" + PAID)
    call_command("import_review_history", str(path))
    call_command("import_review_history", str(path))
    assert Booking.objects.count() == 3


def test_a_changed_row_updates_the_imported_review(products):
    review_history_import(text=HEADER + PAID)
    result = review_history_import(
        text=HEADER + PAID.replace("subsidised,closed", "subsidised,cancelled")
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    changed = Booking.objects.get(council__gss_code="E08000035")
    assert changed.status == "cancelled" and changed.cancellation_reason
    assert Booking.objects.count() == 2


def test_the_same_row_twice_in_a_file_is_named(products):
    row = "E08000035,safeguarding_peer_review,2025-06-02,subsidised,closed\n"
    assert _errors(row + "\n" + row) == [
        "Line 4: the same council_code, product and first_on_site_day as line 2"
    ]


def test_line_numbers_count_blank_lines(products):
    text = PAID + "\n\n" + "E99999999,safeguarding_peer_review,2021-03-01,free,closed\n"
    assert _errors(text) == ["Line 6, column council_code: no council has the GSS code ‘E99999999’"]


def test_a_cell_over_128_kb_is_named_by_line_and_column(products):
    text = PAID + "\n" + f"E08000035,{'x' * (128 * 1024 + 1)},2021-03-01,free,closed\n"
    assert _errors(text) == [
        "Line 5, column product: the cell is longer than 131,072 characters (131,073)"
    ]


def test_dates_outside_the_years_the_portal_works_with_are_refused(products):
    # 31 December 9999 used to overflow the three-year window (a traceback).
    errors = _errors("E08000035,safeguarding_peer_review,9999-12-31,free,closed\n")
    assert errors == [
        "Line 2, column first_on_site_day: ‘9999-12-31’ must be a date between 1900 and 2100"
    ]


def test_an_over_long_value_is_quoted_short(products):
    errors = _errors(f"{'E' * 5000},safeguarding_peer_review,2021-03-01,free,closed\n")
    assert len(errors) == 1 and len(errors[0]) < 120


def test_the_command_reports_what_it_did(products, tmp_path, capsys):
    path = tmp_path / "history.csv"
    path.write_text(HEADER + PAID)
    call_command("import_review_history", str(path))
    call_command("import_review_history", str(path))
    assert "0 added, 0 changed, 2 unchanged" in capsys.readouterr().out
    path.write_text(HEADER + "\n" + "E08000035,nonsense,2021-03-01,free,closed\n")
    with pytest.raises(CommandError, match="Line 3, column product"):
        call_command("import_review_history", str(path))
