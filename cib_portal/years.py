"""The April-to-March year that CIB's funding, peer challenge programmes and the ledger share.

A year is named by the calendar year it starts in: 2027 is 1 April 2027 to 31 March 2028,
written "2027-28".
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone


def year_of(day: date | None = None) -> int:
    """The year a day (today by default) falls in."""
    day = day or timezone.localdate()
    return day.year if day.month >= 4 else day.year - 1


def year_label(year: int) -> str:
    """2027 -> "2027-28"."""
    return f"{year}-{(year + 1) % 100:02d}"


def year_bounds(year: int) -> tuple[date, date]:
    """Its first and last day."""
    return date(year, 4, 1), date(year + 1, 3, 31)
