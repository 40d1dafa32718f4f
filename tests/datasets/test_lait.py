"""The LAIT importer, on small parquet files written for the test."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

from datasets import services
from datasets.imports import ImportRejected
from datasets.imports.lait import UNPARSED, import_lait_file, parse_year_label, theme_from
from datasets.models import ImportRun, ImportStatus, Indicator, Observation, Period

DICTIONARY = services.DATASETS_DIR / services.LAIT_DICTIONARY
LA_CODES = services.DATASETS_DIR / services.LAIT_LA_CODES
LEEDS = "E08000035"


# These tests build the data set they need from nothing.
pytestmark = pytest.mark.empty_data_set


@pytest.fixture
def areas(reference_data):
    services.areas_sync()


@pytest.fixture
def parquet(tmp_path):
    def _write(rows, name="lait.parquet"):
        columns = [
            "Short Desc",
            "Data item",
            "Years",
            "LA and Regions",
            "Values",
            "LA Number",
            "Region",
        ]
        data = {c: [] for c in columns}
        for measure, years, number, value in rows:
            data["Short Desc"].append(measure)
            data["Data item"].append("item")
            data["Years"].append(years)
            data["LA and Regions"].append("somewhere")
            data["Values"].append(value)
            data["LA Number"].append(float(number))
            data["Region"].append("NA")
        table = pa.table(
            {
                c: pa.array(v, pa.float64() if c == "LA Number" else pa.string())
                for c, v in data.items()
            }
        )
        path = tmp_path / name
        pq.write_table(table, path)
        return path

    return _write


def run_import(path):
    return import_lait_file(path, dictionary_path=DICTIONARY, la_codes_path=LA_CODES)


def obs(code, area, label):
    return Observation.objects.select_related("period").get(
        indicator__code=code, area__code=area, period__label=label
    )


@pytest.mark.parametrize(
    ("label", "calendar", "expected"),
    [
        ("2019", False, (2019, 2019, False)),
        ("2019 (Rev)", False, (2019, 2019, False)),
        ("2025 (prov)", False, (2025, 2025, False)),
        ("2015/16", False, (2015, 2016, False)),
        ("2016-17", False, (2016, 2017, False)),
        ("2018-19 (OT)", False, (2018, 2019, False)),
        ("2014-16", False, (2014, 2016, True)),
        ("2014-16", True, (2014, 2016, True)),
        ("2016-17", True, (2016, 2017, True)),
        ("2013/14-15/16", False, (2013, 2016, True)),
        ("1999-00", False, (1999, 2000, False)),
    ],
)
def test_year_labels_are_read(label, calendar, expected):
    parsed = parse_year_label(label, calendar=calendar)
    assert (parsed.start_year, parsed.end_year, parsed.multi_year) == expected


@pytest.mark.parametrize("label", ["0", "", "2019-19", "2015/17", "Spring 2020", "2013/14-12/13"])
def test_unreadable_year_labels_are_not_guessed(label):
    assert parse_year_label(label) is None


def test_import_reads_each_label_form_values_and_areas(areas, parquet):
    path = parquet(
        [
            ("LAC", "2015/16", 383, "60"),
            ("LAC", "2014-16", 383, "7.0000000000000007E-2"),
            ("LAC", "2013/14-15/16", 970, "61.5"),
            ("LAC", "2019", 982, "70"),
            ("LAC", "2020", 987, "80"),
            ("LAC", "2020", 986, "81"),
            ("LAC", "2021", 383, "-"),
            ("LAC", "2022", 383, "c"),
            ("LAC", "0", 383, "5"),
            ("LAC", "0", 970, "5"),
            ("LAC", "2020", 928, "9"),
            ("LAC", "2020", 1234, "9"),
        ]
    )
    run, result = run_import(path)
    code = Indicator.objects.get(source="lait", code="lait_lac").code
    assert obs(code, LEEDS, "2015/16").value == Decimal("60")
    sci = obs(code, LEEDS, "2014-16")
    assert sci.value == Decimal("0.07")
    assert sci.period.time_identifier == "Multi-year"
    assert (sci.period.start_year, sci.period.end_year) == (2014, 2016)
    multi = obs(code, "E92000001", "2013/14-15/16")
    assert (multi.period.start_year, multi.period.end_year) == (2013, 2016)
    assert obs(code, "E12000003", "2019").value == Decimal("70")  # 982: Yorkshire
    assert obs(code, "E13000001", "2020").value == Decimal("80")  # 987: Inner London
    assert obs(code, "E12000007", "2020").value == Decimal("81")  # 986: London
    assert obs(code, "LA:928", "2020").value == Decimal("9")  # abolished
    assert obs(code, LEEDS, "2022").symbol == "c"
    assert not Observation.objects.filter(indicator__code=code, period__label="2021").exists()
    assert result.outcomes[UNPARSED] == {"0": 2}
    assert result.outcomes["Missing values ('-'), skipped"] == {"-": 1}
    assert sum(result.outcomes["Former councils, stored as historic areas"].values()) == 1
    assert result.outcomes["LA numbers that are not a council, region or England (rows skipped)"]
    assert not Period.objects.filter(label="0").exists()
    assert result.created == 8
    assert run.status == ImportStatus.SUCCEEDED and run.outcomes == result.outcomes


def test_indicators_come_from_the_dictionary(areas, parquet):
    run_import(parquet([("LAC", "2019", 383, "60")]))
    indicator = Indicator.objects.get(source="lait", code="lait_lac")
    assert indicator.theme and indicator.name
    assert indicator.polarity in {"higher", "lower", "neither"}
    assert indicator.definition


@pytest.mark.parametrize(
    ("topic", "theme"),
    [
        ("Child Protection", "Child protection"),
        ("Children in Need", "Children in need"),
        ("Children Looked After", "Children looked after"),
        ("Contextual\\Other", "Contextual and other"),
        ("Further & Higher Education", "Further and higher education"),
        ("Children with SEN", "Children with SEN"),
        ("  ", "LAIT"),
    ],
)
def test_lait_topics_become_themes_in_the_catalogues_case(topic, theme):
    assert theme_from(topic) == theme


def test_an_imported_indicator_sits_in_the_catalogues_theme(areas, parquet):
    # The dictionary's topic for LAC is "Children Looked After".
    run_import(parquet([("LAC", "2019", 383, "60")]))
    assert Indicator.objects.get(code="lait_lac").theme == "Children looked after"


def test_reimport_is_all_unchanged_and_a_revision_is_kept(areas, parquet):
    rows = [("LAC", "2019", 383, "60"), ("LAC", "2019", 970, "7.0000000000000007E-2")]
    run_import(parquet(rows))
    _, again = run_import(parquet(rows, name="again.parquet"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    _, revised = run_import(parquet([("LAC", "2019", 383, "61")], name="revised.parquet"))
    assert revised.updated == 1
    code = Indicator.objects.get(source="lait", code="lait_lac").code
    assert obs(code, LEEDS, "2019").revisions.get().value == Decimal("60")


def test_bad_values_reject_the_whole_file_listing_each_row(areas, parquet):
    path = parquet(
        [("LAC", "2019", 383, "60"), ("LAC", "2020", 383, "n/a"), ("LAC", "2021", 383, "lots")]
    )
    before = Observation.objects.count()
    with pytest.raises(ImportRejected) as caught:
        run_import(path)
    assert caught.value.errors[0].startswith("Row 2, column Values: 'n/a'")
    assert caught.value.errors[1].startswith("Row 3, column Values: 'lots'")
    assert Observation.objects.count() == before
    assert ImportRun.objects.latest("created_at").status == ImportStatus.FAILED


def test_unknown_measure_is_rejected(areas, parquet):
    with pytest.raises(ImportRejected) as caught:
        run_import(parquet([("Not_A_Measure", "2019", 383, "1")]))
    assert "Not_A_Measure" in caught.value.errors[0]
    assert not Indicator.objects.filter(source="lait").exists()


def test_datasets_load_skips_a_parquet_already_imported(areas, parquet, settings, monkeypatch):
    path = parquet([("LAC", "2019", 383, "60")], name=services.LAIT_FILE)
    run, result = services.lait_import(path=path)
    assert result.created == 1
    assert services.lait_import(path=path) == (None, None)
    assert ImportRun.objects.filter(sha256=run.sha256).count() == 1


def test_command_imports_and_reports(areas, parquet, capsys):
    call_command("import_lait", str(parquet([("LAC", "0", 383, "60"), ("LAC", "2019", 383, "1")])))
    out = capsys.readouterr().out
    assert "1 figures created" in out and "could not be read" in out and "0 (1)" in out
    with pytest.raises(CommandError):
        call_command("import_lait", str(parquet([("LAC", "2019", 383, "x y")], "bad.parquet")))
