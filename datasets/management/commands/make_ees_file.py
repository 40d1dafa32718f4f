"""manage.py make_ees_file PATH [--rows 1000000]: write a SYNTHETIC EES open-data CSV to
benchmark `manage.py import_ees`, with the import specification that reads it.

The file has the EES layout (time_period, time_identifier, geographic_level, country_code, …,
new_la_code, la_name, then a filter pair and value columns): England, the 9 regions and the
153 councils for the Reporting years 2006–2025, each broken down by `breakdown` (B001, B002, …)
until the file has `--rows` rows. About 3% of cells are suppression symbols.

The specification `synthetic-ees` maps each of the `--columns` value columns of the first
`--mapped` breakdowns to its own synthetic indicator (`synthetic_ees_0001` …, created here);
the other rows are read and checked but map to nothing, as in a real publication where the
portal takes the totals and a few breakdowns. Default: 1,000,000 rows, 5 columns × 20
breakdowns = 100 indicators, 65,200 mapped rows, 326,000 figures.

`seed_scale --clear` removes the indicators and the specification (source "synthetic").
"""

from __future__ import annotations

import time
import zlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from datasets.models import Area, AreaLevel, ImportSpec, Indicator, Polarity, Source, Unit
from regions.models import Council, Region

SPEC_NAME = "synthetic-ees"
PREFIX = "synthetic_ees_"
YEARS = range(2006, 2026)
HEADER = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    "breakdown_topic",
    "breakdown",
]
SYMBOLS = ["c", "x", "z", "k", "low"]


def ees_spec_sync(*, columns: int, mapped: int) -> ImportSpec:
    """The synthetic specification and its indicators (made or brought up to date)."""
    mappings = []
    n = 0
    for b in range(1, mapped + 1):
        for col in range(1, columns + 1):
            n += 1
            code = f"{PREFIX}{n:04d}"
            Indicator.objects.get_or_create(
                code=code,
                defaults={
                    "name": f"Synthetic EES indicator {n:04d} (value_{col}, B{b:03d})",
                    "theme": "Synthetic EES",
                    "unit": Unit.NUMBER,
                    "polarity": [Polarity.HIGHER, Polarity.LOWER, Polarity.NEITHER][n % 3],
                    "source": Source.SYNTHETIC,
                    "definition": "Made up by manage.py make_ees_file for benchmarking.",
                },
            )
            mappings.append(
                {"indicator": code, "column": f"value_{col}", "filters": {"breakdown": f"B{b:03d}"}}
            )
    spec, _ = ImportSpec.objects.update_or_create(
        name=SPEC_NAME,
        defaults={
            "title": "Synthetic EES file (benchmark)",
            "publication": "Made up by manage.py make_ees_file",
            "source": Source.SYNTHETIC,
            "mappings": mappings,
        },
    )
    return spec


def geography() -> list[list[str]]:
    """The geography columns of every area row: England, regions, councils."""
    rows = [["National", "E92000001", "England", "", "", "", "", ""]]
    for region in Region.objects.order_by("gss_code"):
        rows.append(["Regional", "E92000001", "England", region.gss_code, region.name, "", "", ""])
    for c in Council.objects.select_related("region").order_by("region__gss_code", "name"):
        rows.append(
            [
                "Local authority",
                "E92000001",
                "England",
                c.region.gss_code,
                c.region.name,
                str(c.la_number),
                c.gss_code,
                c.name,
            ]
        )
    return rows


def csv_text(text: str) -> str:
    """A CSV field, quoted when it holds a comma or a quote ("Bristol, City of")."""
    if "," in text or '"' in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def cell(seed: str) -> str:
    h = zlib.crc32(seed.encode())
    if h % 100 < 3:
        return SYMBOLS[h % len(SYMBOLS)]
    return f"{(h % 1_000_000) / 100:.1f}"


class Command(BaseCommand):
    help = "Write a synthetic EES CSV (default 1,000,000 rows) and its import specification."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--rows", type=int, default=1_000_000)
        parser.add_argument("--columns", type=int, default=5, help="value columns")
        parser.add_argument(
            "--mapped", type=int, default=20, help="breakdowns the specification reads"
        )

    def handle(self, *args, path, rows, columns, mapped, **options):
        if not Area.objects.filter(level=AreaLevel.LOCAL_AUTHORITY).exists():
            raise CommandError("No council areas: run manage.py load_reference_data first.")
        started = time.perf_counter()
        spec = ees_spec_sync(columns=columns, mapped=mapped)
        areas = geography()
        per_breakdown = len(areas) * len(YEARS)
        # Every area and year gets `base` breakdowns (B001 … first), the first `extra` one more.
        base, extra = divmod(rows, per_breakdown)
        breakdowns = base + (1 if extra else 0)
        if base < mapped:
            raise CommandError(
                f"{rows} rows hold only {breakdowns} breakdowns; --mapped is {mapped}."
            )
        header = HEADER + [f"value_{c}" for c in range(1, columns + 1)]
        written = 0
        with Path(path).open("w", encoding="utf-8", newline="") as out:
            out.write(",".join(header) + "\r\n")
            k = 0
            for year in YEARS:
                for a, geo in enumerate(areas):
                    prefix = f"{year},Reporting year," + ",".join(map(csv_text, geo))
                    lines = []
                    for b in range(1, base + (1 if k < extra else 0) + 1):
                        values = ",".join(
                            cell(f"{year}:{a}:{b}:{c}") for c in range(1, columns + 1)
                        )
                        lines.append(f"{prefix},Breakdown,B{b:03d},{values}\r\n")
                        written += 1
                    out.write("".join(lines))
                    k += 1
        size = Path(path).stat().st_size
        self.stdout.write(
            f"Wrote {written} rows ({size / 1e6:.0f} MB, {breakdowns} breakdowns × "
            f"{len(areas)} areas × {len(YEARS)} years, {columns} value columns) in "
            f"{time.perf_counter() - started:.0f} s."
        )
        self.stdout.write(
            f"Specification {spec.name}: {len(spec.mappings)} mappings ({mapped} breakdowns × "
            f"{columns} columns). Import with:\n"
            f"  manage.py import_ees {path} --spec {spec.name}"
        )
