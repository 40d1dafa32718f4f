"""The API's query parameters and the fields it reads like them: a year, a region's GSS code.
A bad one is a 400 naming it."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError

from regions.models import Region

FIRST_YEAR, LAST_YEAR = 2000, 2100


def year_param(value: str | None, *, required: bool) -> int | None:
    """A year from the query string, or a 400 naming `year`."""
    if value is None or not value.strip():
        if required:
            raise ValidationError({"year": ["This parameter is required, e.g. 2026."]})
        return None
    try:
        year = int(value.strip())
    except ValueError:
        raise ValidationError({"year": [f"{value!r} is not a year, e.g. 2026."]}) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": [f"Give a year from {FIRST_YEAR} to {LAST_YEAR}."]})
    return year


def region_param(value: str | None) -> Region | None:
    """A region from its GSS code, or a 400 naming `region`."""
    if value is None or not value.strip():
        return None
    region = Region.objects.filter(gss_code=value.strip()).first()
    if region is None:
        raise ValidationError({"region": [f"No region has the GSS code {value.strip()!r}."]})
    return region
