"""manage.py seed_scale and make_ees_file: the synthetic data used to benchmark the data set."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from datasets.imports import import_ees_file
from datasets.models import (
    Area,
    AreaLevel,
    ImportSpec,
    Indicator,
    Observation,
    Period,
    Source,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("data_set")]

LEVELS = [AreaLevel.NATIONAL, AreaLevel.REGIONAL, AreaLevel.LOCAL_AUTHORITY]


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_seed_scale_adds_a_figure_per_area_and_period_and_is_idempotent(reference_data):
    real_key = set(Indicator.objects.filter(is_key=True).values_list("code", flat=True))
    areas = Area.objects.filter(level__in=LEVELS).count()
    assert areas == 1 + 9 + 153
    run("seed_scale", "--indicators", "4", "--periods", "3", "--key", "1")

    synthetic = Indicator.objects.filter(source=Source.SYNTHETIC).order_by("code")
    assert list(synthetic.values_list("code", flat=True)) == [
        "synthetic_0001",
        "synthetic_0002",
        "synthetic_0003",
        "synthetic_0004",
    ]
    assert len({i.polarity for i in synthetic}) == 3  # mixed polarities
    figures = Observation.objects.filter(indicator__source=Source.SYNTHETIC)
    assert figures.count() == 4 * 3 * areas
    assert set(figures.values_list("period__label", flat=True)) == {"2023", "2024", "2025"}
    assert Period.objects.filter(label="2025", time_identifier="Reporting year").count() == 1
    # Suppressed figures carry a symbol and no value; a 'u' keeps its value.
    assert not figures.filter(value__isnull=True, symbol="").exists()
    assert figures.filter(value__isnull=False, symbol="").count() > 0.9 * figures.count()
    # Only the one asked for is key; the real key indicators are untouched.
    assert list(synthetic.filter(is_key=True).values_list("code", flat=True)) == ["synthetic_0001"]
    assert real_key <= set(Indicator.objects.filter(is_key=True).values_list("code", flat=True))

    before = list(figures.order_by("pk").values_list("value", "symbol"))
    assert "0 figures added" in run("seed_scale", "--indicators", "4", "--periods", "3")
    assert list(figures.order_by("pk").values_list("value", "symbol")) == before
    assert not synthetic.filter(is_key=True).exists()


def test_seed_scale_clear_removes_only_synthetic_data(reference_data):
    real = Observation.objects.exclude(indicator__source=Source.SYNTHETIC).count()
    run("seed_scale", "--indicators", "2", "--periods", "2")
    output = run("seed_scale", "--clear", "--indicators", "0")
    assert "Removed 2 synthetic indicators" in output
    assert not Indicator.objects.filter(source=Source.SYNTHETIC).exists()
    assert Observation.objects.count() == real


def test_make_ees_file_writes_an_importable_file_for_its_specification(reference_data, tmp_path):
    path = tmp_path / "synthetic.csv"
    per_breakdown = 163 * 20
    run(
        "make_ees_file",
        str(path),
        "--rows",
        str(per_breakdown * 3 + 7),
        "--columns",
        "2",
        "--mapped",
        "2",
    )
    lines = path.read_text().splitlines()
    assert len(lines) == 1 + per_breakdown * 3 + 7
    assert lines[0].startswith("time_period,time_identifier,geographic_level,country_code")
    spec = ImportSpec.objects.get(name="synthetic-ees")
    assert len(spec.mappings) == 4
    _, result = import_ees_file(path, spec=spec)
    # Breakdowns B001 and B002 of every area and year, two columns each; B003 maps to nothing.
    assert result.rows_read == per_breakdown * 3 + 7
    assert result.created == per_breakdown * 2 * 2
    leeds = Observation.objects.filter(indicator__code="synthetic_ees_0001", area__code="E08000035")
    assert leeds.count() == 20
    run("seed_scale", "--clear", "--indicators", "0")
    assert not ImportSpec.objects.filter(name="synthetic-ees").exists()
