"""Where DfE publishes only a combined figure for two councils, the profile says so (and gives
it, marked as combined) instead of a bare "No figure"."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

NORTH_NORTHAMPTONSHIRE = "E06000061"
RAW = Path(__file__).resolve().parents[2] / "data"


def _published_combined_caseload() -> str:
    """The workforce census's 2025 caseload for "940 / 941", read from the shipped file."""
    path = next(RAW.rglob("csww_indicators_2017_to_2025.csv"))
    with path.open(newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            if row["time_period"] == "2025" and row["old_la_code"] == "940 / 941":
                return row["caseload_fte"]
    raise AssertionError("no combined row in the shipped file")


def test_profile_names_the_combined_figure(data_set, officer, client_for):
    response = client_for(officer).get(f"/data/councils/{NORTH_NORTHAMPTONSHIRE}/")
    assert response.status_code == 200
    items = [i for block in response.context["themes"] for i in block["items"]]
    combined = [i for i in items if i["combined"]]
    assert combined, "workforce indicators are published only for the two councils together"
    for item in combined:
        assert item["c"].value is None and not item["c"].symbol
        assert item["combined"]["councils"] == "North Northamptonshire and West Northamptonshire"
    page = response.content.decode()
    assert (
        "No figure of its own: DfE publishes one figure for North Northamptonshire and West "
        "Northamptonshire together" in page
    )
    caseload = next(i for i in combined if i["c"].indicator.code == "sw_caseload")
    assert caseload["c"].period.label == "2025"
    assert caseload["combined"]["value"] == Decimal(_published_combined_caseload())
    assert "14.8 (combined)" in page  # the file's 14.8, at the indicator's one decimal


def test_a_council_with_its_own_figures_shows_no_combined_note(data_set, officer, client_for):
    response = client_for(officer).get("/data/councils/E08000035/")
    items = [i for block in response.context["themes"] for i in block["items"]]
    assert not any(i["combined"] for i in items)
    assert "No figure of its own" not in response.content.decode()
