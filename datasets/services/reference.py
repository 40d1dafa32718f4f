"""Loading the reference data set: areas for England, the regions and councils, the
catalogue of indicators and import specifications, the shipped EES files and DfE's LAIT
benchmarking data (`load_reference_data`)."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from regions.models import Council, Region

from .. import catalogue
from ..imports import (
    ImportResult,
    file_sha256,
    import_ees_file,
)
from ..models import (
    ENGLAND_CODE,
    Area,
    AreaLevel,
    ImportRun,
    ImportSpec,
    ImportStatus,
    Indicator,
    Source,
)

if TYPE_CHECKING:
    from accounts.models import User

from .imports import derived_indicators_compute

DATASETS_DIR = Path(settings.BASE_DIR) / "data" / "datasets"


class DatasetError(Exception):
    """A data set change cannot be made; the message says why."""


@transaction.atomic
def areas_sync() -> int:
    """Make sure England, every region and every council has an area; returns how many were
    created."""
    created = 0
    _, made = Area.objects.get_or_create(
        code=ENGLAND_CODE, defaults={"name": "England", "level": AreaLevel.NATIONAL}
    )
    created += made
    for region in Region.objects.all():
        _, made = Area.objects.update_or_create(
            code=region.gss_code,
            defaults={"name": region.name, "level": AreaLevel.REGIONAL, "region": region},
        )
        created += made
    for council in Council.objects.all():
        _, made = Area.objects.update_or_create(
            code=council.gss_code,
            defaults={"name": council.name, "level": AreaLevel.LOCAL_AUTHORITY, "council": council},
        )
        created += made
    return created


@transaction.atomic
def catalogue_sync() -> dict[str, int]:
    """Create the catalogue's indicators and specifications that are missing. Existing ones are
    left as national staff may have edited them."""
    counts = {"indicators": 0, "specifications": 0}
    for spec in catalogue.INDICATORS:
        fields = {k: v for k, v in spec.items() if k != "code"}
        _, made = Indicator.objects.get_or_create(code=spec["code"], defaults=fields)
        counts["indicators"] += made
    for spec in catalogue.DERIVED:
        if Indicator.objects.filter(code=spec["code"]).exists():
            continue
        Indicator.objects.create(
            code=spec["code"],
            name=spec["name"],
            theme=spec["theme"],
            unit=spec["unit"],
            polarity=spec["polarity"],
            source=Source.DERIVED,
            decimals=spec["decimals"],
            is_key=spec.get("is_key", False),
            definition=spec["definition"],
            numerator=Indicator.objects.get(code=spec["numerator"]),
            denominator=Indicator.objects.get(code=spec["denominator"]),
            scale=Decimal(spec["scale"]),
            denominator_lag=spec["lag"],
        )
        counts["indicators"] += 1
    for spec in catalogue.SPECS:
        _, made = ImportSpec.objects.get_or_create(
            name=spec["name"],
            defaults={
                "title": spec["title"],
                "publication": spec["publication"],
                "source": spec["source"],
                "mappings": spec["mappings"],
            },
        )
        counts["specifications"] += made
    return counts


def shipped_files_import(*, force: bool = False) -> list[tuple[str, ImportResult | None]]:
    """Import the EES files shipped in data/datasets; a file already imported unchanged (same
    SHA-256) is skipped unless `force`. Returns (file, result or None when skipped)."""
    out: list[tuple[str, ImportResult | None]] = []
    for spec in catalogue.SPECS:
        path = DATASETS_DIR / spec["file"]
        digest = file_sha256(path)
        done = ImportRun.objects.filter(
            sha256=digest, status=ImportStatus.SUCCEEDED, spec__name=spec["name"]
        ).exists()
        if done and not force:
            out.append((spec["file"], None))
            continue
        _, result = import_ees_file(path, spec=ImportSpec.objects.get(name=spec["name"]))
        out.append((spec["file"], result))
    return out


LAIT_FILE = "lait_bds_long_0.parquet"
LAIT_DICTIONARY = "lait_data_dictionary.csv"
LAIT_LA_CODES = "lait_la_code_list.csv"


def lait_import(
    *,
    path: Path | str | None = None,
    force: bool = False,
    started_by: User | None = None,
    run: ImportRun | None = None,
) -> tuple[ImportRun | None, ImportResult | None]:
    """Import DfE's LAIT benchmarking data (the shipped parquet unless `path` is given).

    A file already imported successfully (same SHA-256) is skipped unless `force`: returns
    (None, None) then. Raises ImportRejected with every problem when the file is refused."""
    from ..imports.lait import import_lait_file

    path = Path(path) if path else DATASETS_DIR / LAIT_FILE
    if not force and path.exists():
        digest = file_sha256(path)
        if ImportRun.objects.filter(
            sha256=digest, status=ImportStatus.SUCCEEDED, filename=path.name
        ).exists():
            return None, None
    return import_lait_file(
        path,
        dictionary_path=DATASETS_DIR / LAIT_DICTIONARY,
        la_codes_path=DATASETS_DIR / LAIT_LA_CODES,
        started_by=started_by,
        run=run,
    )


def datasets_load(*, stdout: io.TextIOBase | None = None) -> None:
    """Everything `load_reference_data` does for the data set: areas, catalogue, the shipped
    EES files, the LAIT benchmarking data and derived indicators. Idempotent."""

    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text + "\n")

    made = areas_sync()
    say(f"data set areas: {made} created")
    counts = catalogue_sync()
    say(
        f"catalogue: {counts['indicators']} indicators and {counts['specifications']} "
        "import specifications created"
    )
    for name, result in shipped_files_import():
        if result is None:
            say(f"{name}: already imported, unchanged")
        else:
            for line in result.lines():
                say(f"{name}: {line}")
    _, lait = lait_import()
    if lait is None:
        say(f"{LAIT_FILE}: already imported, unchanged")
    else:
        for line in lait.lines():
            say(f"{LAIT_FILE}: {line}")
    derived = derived_indicators_compute()
    say(
        f"derived indicators: {derived.created} created, {derived.updated} updated, "
        f"{derived.unchanged} unchanged"
    )
