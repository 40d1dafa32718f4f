"""Where each council is, and how far apart two councils are.

Why: peer challenge visits are in person, so the pairing optimiser scores travel. A centroid
per council (data/reference/council_locations.csv, made by scripts/make_council_locations.py
from mySociety's CC-BY-4.0 register) is precise enough for that: the term compares councils
tens or hundreds of kilometres apart, not streets.

The file is read once and cached. Codes are the project's GSS codes (`new_la_code`); the
alternative codes of the reference file (Barnsley's and Sheffield's newer ones) resolve too.
"""

from __future__ import annotations

import csv
import math
from functools import cache
from pathlib import Path
from typing import NamedTuple

_REFERENCE = Path(__file__).resolve().parent.parent / "data" / "reference"
LOCATIONS_CSV = _REFERENCE / "council_locations.csv"
_LA_REFERENCE_CSV = _REFERENCE / "la_reference_2025_derived.csv"
EARTH_RADIUS_KM = 6371.0088  # the mean Earth radius (IUGG)


class Location(NamedTuple):
    gss_code: str
    name: str
    latitude: float
    longitude: float


@cache
def _locations() -> dict[str, Location]:
    """Every council's centroid by code, alternative codes included (read once)."""
    out: dict[str, Location] = {}
    with LOCATIONS_CSV.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out[row["gss_code"]] = Location(
                row["gss_code"], row["name"], float(row["latitude"]), float(row["longitude"])
            )
    if _LA_REFERENCE_CSV.exists():
        with _LA_REFERENCE_CSV.open(newline="", encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                alt = row.get("alt_new_la_code") or ""
                if alt and row["new_la_code"] in out:
                    out.setdefault(alt, out[row["new_la_code"]])
    return out


def location(code: str) -> Location:
    """The centroid of a council; KeyError naming the code if it is not one of the 153."""
    try:
        return _locations()[code]
    except KeyError:
        raise KeyError(f"no location for council {code!r}") from None


@cache
def distance_km(a_code: str, b_code: str) -> float:
    """Great-circle (haversine) distance between two councils' centroids, in kilometres."""
    a, b = location(a_code), location(b_code)
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
