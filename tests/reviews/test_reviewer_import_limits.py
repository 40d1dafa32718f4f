"""The reviewer register's CSV import refuses what the database cannot hold, by line and
column, before anything is saved: an over-long name or email (a database error before), a cell
over 128 KB (a csv traceback before), dates outside the years the portal works with; blank lines
count in line numbers."""

from __future__ import annotations

import pytest

from reviews.models import Accreditation, Reviewer
from reviews.services.reviewers import ReviewerError, reviewers_import

pytestmark = pytest.mark.django_db

HEADER = "name,email,home_council_gss,types,accreditation_type,accredited_from,accredited_until\n"
GOOD_LINE = "Ann Other,ann@example.org,,member_peer,,,\n"


def _errors(text: str) -> list[str]:
    with pytest.raises(ReviewerError) as caught:
        reviewers_import(data=text.encode())
    assert not Reviewer.objects.exists() and not Accreditation.objects.exists()
    return list(caught.value.errors)


def test_an_over_long_name_is_refused_after_a_blank_line(reference_data):
    text = HEADER + GOOD_LINE + "\n" + f"{'N' * 201},n@example.org,,member_peer,,,\n"
    assert _errors(text) == ["Line 4, column name: must be 200 characters or fewer (it has 201)"]


def test_an_email_longer_than_the_field_is_refused(reference_data):
    email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".org"  # valid, 309 characters
    assert len(email) > 254
    errors = _errors(HEADER + f"Long Mail,{email},,member_peer,,,\n")
    assert errors == [
        f"Line 2, column email: must be 254 characters or fewer (it has {len(email)})"
    ]


def test_a_cell_over_128_kb_is_named_by_line_and_column(reference_data):
    text = HEADER + GOOD_LINE + "\n\n" + f"Big,big@example.org,,{'x' * (128 * 1024 + 1)},,,\n"
    assert _errors(text) == [
        "Line 5, column types: the cell is longer than 131,072 characters (131,073)"
    ]


def test_dates_out_of_range_and_long_values_are_quoted_short(reference_data):
    text = (
        HEADER
        + f"Old,old@example.org,{'E' * 3000},lead_reviewer,lead_reviewer,0001-01-01,9999-12-31\n"
    )
    errors = _errors(text)
    assert errors[1:] == [
        "Line 2, column accredited_from: ‘0001-01-01’ must be a date between 1900 and 2100.",
        "Line 2, column accredited_until: ‘9999-12-31’ must be a date between 1900 and 2100.",
    ]
    assert errors[0].startswith("Line 2, column home_council_gss") and len(errors[0]) < 120
