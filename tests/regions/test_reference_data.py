"""The loaded reference data equals the published files exactly."""

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from regions import reference
from regions.models import Council, OfstedInspection, Organisation, Region, StatisticalNeighbour

pytestmark = pytest.mark.django_db

DATA = Path(reference.REFERENCE_DIR)


def rows(name):
    with (DATA / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_nine_regions_and_153_councils_with_their_codes_names_regions_and_types(reference_data):
    file_rows = rows(reference.COUNCILS_FILE)
    assert Region.objects.count() == 9
    assert Council.objects.count() == 153 == len(file_rows)
    loaded = {
        c.gss_code: (
            str(c.la_number),
            c.name,
            c.region.gss_code,
            c.region.name,
            c.type,
            c.alt_gss_code,
        )
        for c in Council.objects.select_related("region")
    }
    expected = {
        r["new_la_code"]: (
            r["old_la_code"],
            r["la_name"],
            r["region_code"],
            r["region_name"],
            r["la_type"],
            r["alt_new_la_code"],
        )
        for r in file_rows
    }
    assert loaded == expected


def test_region_council_counts_match_the_published_split(reference_data):
    counts = {r.name: r.councils.count() for r in Region.objects.all()}
    assert counts == {
        "London": 33,
        "North West": 24,
        "South East": 19,
        "Yorkshire and The Humber": 15,
        "South West": 15,
        "West Midlands": 14,
        "North East": 12,
        "East of England": 11,
        "East Midlands": 10,
    }


def test_every_council_has_its_ten_neighbours_in_the_official_order_with_bands(reference_data):
    by_number = {str(c.la_number): c.gss_code for c in Council.objects.all()}
    expected = {}
    for r in rows(reference.NEIGHBOURS_FILE):
        expected[by_number[r["old_la_code"]]] = [
            (by_number[r[f"SN_{i}"]], r[f"SN_{i}P"].strip()) for i in range(1, 11)
        ]
    loaded = {}
    for link in StatisticalNeighbour.objects.select_related("council", "neighbour").order_by(
        "council__gss_code", "rank"
    ):
        loaded.setdefault(link.council.gss_code, []).append(
            (link.neighbour.gss_code, link.get_band_display())
        )
    assert len(loaded) == 153
    assert all(len(v) == 10 for v in loaded.values())
    assert loaded == expected


def test_ofsted_latest_judgements_equal_the_published_file(reference_data):
    expected = {
        r["Local authority area code"]: (
            date.fromisoformat(r["Inspection date"]),
            date.fromisoformat(r["Publication date"]),
            r["Overall effectiveness"],
        )
        for r in rows(reference.OFSTED_LATEST_FILE)
    }
    loaded = {
        c.gss_code: (
            c.latest_inspection.inspection_date,
            c.latest_inspection.publication_date,
            c.latest_inspection.get_overall_display(),
        )
        for c in Council.objects.select_related("latest_inspection")
    }
    assert loaded == expected
    overall = [
        c.latest_inspection.overall for c in Council.objects.select_related("latest_inspection")
    ]
    assert {j: overall.count(j) for j in set(overall)} == {
        "outstanding": 36,
        "good": 67,
        "requires_improvement": 31,
        "inadequate": 19,
    }


def test_inspection_history_is_loaded_for_current_councils_and_abolished_ones_reported(
    reference_data,
):
    history = rows(reference.OFSTED_HISTORY_FILE)
    current = [r for r in history if r["Local authority status"] == "Current"]
    assert OfstedInspection.objects.count() == len(current) == 268
    barnet = list(
        OfstedInspection.objects.filter(council__gss_code="E09000003")
        .order_by("inspection_date")
        .values_list(
            "inspection_date", "inspection_type", "overall", "children_in_care", "care_leavers"
        )
    )
    assert barnet == [
        (date(2019, 5, 13), "ILACS Standard Inspection", "good", "good", ""),
        (date(2024, 6, 10), "ILACS Short Inspection", "good", "outstanding", "good"),
    ]


def test_organisations_exist_for_every_council_region_and_the_national_team(reference_data):
    assert Organisation.objects.filter(kind="council").count() == 153
    assert Organisation.objects.filter(kind="region").count() == 9
    assert Organisation.objects.get(code="national").kind == "national"
    assert Organisation.objects.get(code="E08000025").council.name == "Birmingham"


def test_loading_again_changes_nothing_and_says_so(reference_data, capsys):
    call_command("load_reference_data")  # the first run here also loads the data set
    capsys.readouterr()
    call_command("load_reference_data")
    out = capsys.readouterr().out
    assert "already up to date" in out
    assert "councils: 153 unchanged" in out
    assert "cla_number_and_rate_per_10k_children.csv: already imported, unchanged" in out
    assert "derived indicators: 0 created, 0 updated" in out
    assert "Skipped 1 inspection(s) of Northamptonshire (E10000021)" in out


def test_a_changed_file_is_reported_and_applied(reference_data, tmp_path, monkeypatch):
    for f in DATA.glob("*.csv"):
        shutil.copy(f, tmp_path / f.name)
    path = tmp_path / reference.COUNCILS_FILE
    path.write_text(
        path.read_text(encoding="utf-8").replace("Barnet,", "Barnet (renamed),", 1),
        encoding="utf-8",
    )
    monkeypatch.setattr(reference, "REFERENCE_DIR", tmp_path)
    report = reference.load_reference_data()
    assert report.counts["councils"]["updated"] == 1
    assert Council.objects.get(gss_code="E09000003").name == "Barnet (renamed)"


def test_a_bad_file_is_rejected_with_line_and_column_and_nothing_changes(
    reference_data, tmp_path, monkeypatch
):
    for f in DATA.glob("*.csv"):
        shutil.copy(f, tmp_path / f.name)
    sn = tmp_path / reference.NEIGHBOURS_FILE
    lines = sn.read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2].replace(",Close ,", ",Nearby,", 1)  # line 3 of the file
    sn.write_text("\n".join(lines) + "\n", encoding="utf-8")
    councils = tmp_path / reference.COUNCILS_FILE
    councils.write_text(
        councils.read_text(encoding="utf-8").replace("Barnet,", "Barnet (renamed),", 1),
        encoding="utf-8",
    )
    monkeypatch.setattr(reference, "REFERENCE_DIR", tmp_path)
    with pytest.raises(reference.ReferenceDataError) as caught:
        reference.load_reference_data()
    assert any(
        p.startswith(f"{reference.NEIGHBOURS_FILE} line 3, column SN_1P: unknown band 'Nearby'")
        for p in caught.value.problems
    ), caught.value.problems
    # The valid rename in the other file was not applied either.
    assert Council.objects.get(gss_code="E09000003").name == "Barnet"
