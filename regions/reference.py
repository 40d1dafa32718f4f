"""Loading the reference data: regions, councils, statistical neighbours and Ofsted judgements.

The files are the published ones (see data/README.md). Everything is read and checked before
anything is written; the load is one transaction; loading again changes nothing.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import (
    NATIONAL_CODE,
    Council,
    OfstedInspection,
    Organisation,
    OrganisationKind,
    ProximityBand,
    Region,
    StatisticalNeighbour,
)

REFERENCE_DIR = Path(settings.BASE_DIR) / "data" / "reference"
COUNCILS_FILE = "la_reference_2025_derived.csv"
NEIGHBOURS_FILE = "sn_model_2025_wide.csv"
OFSTED_LATEST_FILE = "ofsted_ilacs_latest_judgements_as_at_2025-03-31.csv"
OFSTED_HISTORY_FILE = "ofsted_ilacs_inspection_history_2018-2025.csv"

EXPECTED_COUNCILS = 153
NEIGHBOURS_PER_COUNCIL = 10

_BANDS = {label.lower(): value for value, label in ProximityBand.choices}
_JUDGEMENTS = {
    "outstanding": "outstanding",
    "good": "good",
    "requires improvement to be good": "requires_improvement",
    "requires improvement": "requires_improvement",
    "inadequate": "inadequate",
}


class ReferenceDataError(Exception):
    """The reference files are not as expected; the message lists every problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class LoadReport:
    """What a load changed, per kind of record."""

    counts: dict[str, Counter] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += n

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] or c["deleted"] for c in self.counts.values())

    def lines(self) -> list[str]:
        out = []
        for kind, c in self.counts.items():
            parts = [f"{c[k]} {k}" for k in ("created", "updated", "deleted", "unchanged") if c[k]]
            out.append(f"{kind}: {', '.join(parts) or 'none'}")
        return out + self.notes


def _read(name: str) -> list[dict[str, str]]:
    path = REFERENCE_DIR / name
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            {k.strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)
        ]


def _judgement(value: str, where: str, problems: list[str], blank_ok: bool = False) -> str:
    key = value.strip().lower()
    if not key and blank_ok:
        return ""
    if key not in _JUDGEMENTS:
        problems.append(f"{where}: unknown Ofsted judgement {value!r}")
        return ""
    return _JUDGEMENTS[key]


def _date(value: str, where: str, problems: list[str]) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(f"{where}: {value!r} is not a date (YYYY-MM-DD)")
        return None


def read_reference_files() -> dict:
    """Read and check every file; raise ReferenceDataError listing all problems."""
    problems: list[str] = []
    councils = _read(COUNCILS_FILE)
    if len(councils) != EXPECTED_COUNCILS:
        problems.append(f"{COUNCILS_FILE}: {len(councils)} councils, expected {EXPECTED_COUNCILS}")
    by_number: dict[str, dict] = {}
    by_gss: dict[str, dict] = {}
    for line, row in enumerate(councils, start=2):
        where = f"{COUNCILS_FILE} line {line}"
        for column in (
            "old_la_code",
            "new_la_code",
            "la_name",
            "region_code",
            "region_name",
            "la_type",
        ):
            if not row.get(column):
                problems.append(f"{where}, column {column}: empty")
        if row["la_type"] not in {"SC", "UA", "MD", "ILB", "OLB"}:
            problems.append(f"{where}, column la_type: unknown type {row['la_type']!r}")
        by_number[row["old_la_code"]] = row
        by_gss[row["new_la_code"]] = row

    neighbours: dict[str, list[tuple[str, str]]] = {}
    for line, row in enumerate(_read(NEIGHBOURS_FILE), start=2):
        where = f"{NEIGHBOURS_FILE} line {line}"
        number = row["old_la_code"]
        if number not in by_number:
            problems.append(f"{where}, column old_la_code: {number!r} is not a current council")
            continue
        links = []
        for rank in range(1, NEIGHBOURS_PER_COUNCIL + 1):
            sn, band = row.get(f"SN_{rank}", ""), row.get(f"SN_{rank}P", "")
            if sn not in by_number:
                problems.append(f"{where}, column SN_{rank}: {sn!r} is not a current council")
            if band.lower() not in _BANDS:
                problems.append(f"{where}, column SN_{rank}P: unknown band {band!r}")
            links.append((sn, _BANDS.get(band.lower(), "")))
        if len({sn for sn, _ in links}) != NEIGHBOURS_PER_COUNCIL or number in dict(links):
            problems.append(f"{where}: neighbours must be ten different other councils")
        neighbours[number] = links
    missing = sorted(set(by_number) - set(neighbours))
    if missing:
        problems.append(f"{NEIGHBOURS_FILE}: no neighbours for LA numbers {', '.join(missing)}")

    inspections: dict[tuple[str, date], dict] = {}
    skipped: Counter = Counter()
    for name, status_column in (
        (OFSTED_HISTORY_FILE, "Local authority status"),
        (OFSTED_LATEST_FILE, None),
    ):
        for line, row in enumerate(_read(name), start=2):
            where = f"{name} line {line}"
            gss = row["Local authority area code"]
            if gss not in by_gss:
                status = row.get(status_column, "") if status_column else ""
                if status == "No longer exists":
                    skipped[f"{row['Local authority name']} ({gss})"] += 1
                else:
                    problems.append(
                        f"{where}, column Local authority area code: {gss!r} is not a current "
                        "council"
                    )
                continue
            inspected = _date(row["Inspection date"], f"{where}, column Inspection date", problems)
            published = _date(
                row["Publication date"], f"{where}, column Publication date", problems
            )
            record = {
                "publication_date": published,
                "inspection_type": row.get("Inspection type", ""),
                "overall": _judgement(row["Overall effectiveness"], where, problems),
                "leadership": _judgement(
                    row["The impact of leaders on social work practice with children and families"],
                    where,
                    problems,
                ),
                "help_and_protection": _judgement(
                    row["The experiences and progress of children who need help and protection"],
                    where,
                    problems,
                ),
                "children_in_care": _judgement(
                    row["The experiences and progress of children in care"], where, problems
                ),
                "care_leavers": _judgement(
                    row["The experiences and progress of care leavers"],
                    where,
                    problems,
                    blank_ok=True,
                ),
            }
            key = (gss, inspected)
            if key in inspections:
                # The latest-judgements file repeats the history's newest row, without its type.
                earlier = inspections[key]
                for k, v in record.items():
                    if k != "inspection_type" and earlier[k] != v:
                        problems.append(f"{where}: {k} differs from the inspection history")
                continue
            inspections[key] = record
    if problems:
        raise ReferenceDataError(problems)
    return {
        "councils": councils,
        "neighbours": neighbours,
        "inspections": inspections,
        "skipped_inspections": skipped,
    }


def _sync(obj, values: dict) -> bool:
    """Set values on obj; True when anything changed."""
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    for k in changed:
        setattr(obj, k, values[k])
    return bool(changed)


@transaction.atomic
def load_reference_data() -> LoadReport:
    """Load (or bring up to date) regions, councils, neighbours and Ofsted judgements."""
    data = read_reference_files()
    report = LoadReport()

    regions: dict[str, Region] = {r.gss_code: r for r in Region.objects.all()}
    for row in data["councils"]:
        code, name = row["region_code"], row["region_name"]
        region = regions.get(code)
        if region is None:
            regions[code] = Region.objects.create(gss_code=code, name=name)
            report.count("regions", "created")
        elif _sync(region, {"name": name}):
            region.save()
            report.count("regions", "updated")
    seen_regions = {row["region_code"] for row in data["councils"]}
    touched = report.counts.get("regions", Counter())
    report.count(
        "regions", "unchanged", len(seen_regions) - touched["created"] - touched["updated"]
    )

    councils: dict[str, Council] = {c.gss_code: c for c in Council.objects.all()}
    for row in data["councils"]:
        values = {
            "alt_gss_code": row["alt_new_la_code"],
            "la_number": int(row["old_la_code"]),
            "name": row["la_name"],
            "region": regions[row["region_code"]],
            "type": row["la_type"],
            "london_subregion": row["london_subregion"],
            "ofsted_region": row["ofsted_region"],
        }
        council = councils.get(row["new_la_code"])
        if council is None:
            councils[row["new_la_code"]] = Council.objects.create(
                gss_code=row["new_la_code"], **values
            )
            report.count("councils", "created")
        elif _sync(council, values):
            council.save()
            report.count("councils", "updated")
        else:
            report.count("councils", "unchanged")
    extra = set(councils) - {row["new_la_code"] for row in data["councils"]}
    if extra:
        report.notes.append(
            "Councils in the database but not in the file (left in place): "
            + ", ".join(sorted(extra))
        )

    _load_organisations(regions, councils, report)
    _load_neighbours(data, councils, report)
    _load_inspections(data, councils, report)
    for name, n in sorted(data["skipped_inspections"].items()):
        report.notes.append(f"Skipped {n} inspection(s) of {name}: the council no longer exists.")
    return report


def _load_organisations(regions, councils, report: LoadReport) -> None:
    existing = {o.code: o for o in Organisation.objects.all()}
    wanted = [(NATIONAL_CODE, OrganisationKind.NATIONAL, "National team (CIB and LGA)", {})]
    wanted += [
        (r.gss_code, OrganisationKind.REGION, r.name, {"region": r}) for r in regions.values()
    ]
    wanted += [
        (c.gss_code, OrganisationKind.COUNCIL, c.name, {"council": c}) for c in councils.values()
    ]
    for code, kind, name, link in wanted:
        org = existing.get(code)
        values = {"kind": kind, "name": name, **link}
        if org is None:
            Organisation.objects.create(code=code, **values)
            report.count("organisations", "created")
        elif _sync(org, values):
            org.save()
            report.count("organisations", "updated")
        else:
            report.count("organisations", "unchanged")


def _load_neighbours(data, councils: dict[str, Council], report: LoadReport) -> None:
    by_number = {str(c.la_number): c for c in councils.values()}
    existing: dict[int, list[tuple[int, str]]] = {}
    for link in StatisticalNeighbour.objects.order_by("council_id", "rank"):
        existing.setdefault(link.council_id, []).append((link.neighbour_id, link.band))
    for number, links in data["neighbours"].items():
        council = by_number[number]
        wanted = [(by_number[sn].pk, band) for sn, band in links]
        if existing.get(council.pk) == wanted:
            report.count("statistical neighbour lists", "unchanged")
            continue
        created = council.pk not in existing
        StatisticalNeighbour.objects.filter(council=council).delete()
        StatisticalNeighbour.objects.bulk_create(
            StatisticalNeighbour(council=council, neighbour_id=nid, rank=rank, band=band)
            for rank, (nid, band) in enumerate(wanted, start=1)
        )
        report.count("statistical neighbour lists", "created" if created else "updated")


def _load_inspections(data, councils: dict[str, Council], report: LoadReport) -> None:
    existing = {(i.council_id, i.inspection_date): i for i in OfstedInspection.objects.all()}
    latest: dict[int, OfstedInspection] = {}
    for (gss, inspected), values in data["inspections"].items():
        council = councils[gss]
        inspection = existing.get((council.pk, inspected))
        if inspection is None:
            inspection = OfstedInspection.objects.create(
                council=council, inspection_date=inspected, **values
            )
            report.count("Ofsted inspections", "created")
        elif _sync(inspection, values):
            inspection.save()
            report.count("Ofsted inspections", "updated")
        else:
            report.count("Ofsted inspections", "unchanged")
        current = latest.get(council.pk)
        if current is None or inspection.inspection_date > current.inspection_date:
            latest[council.pk] = inspection
    for council in councils.values():
        newest = latest.get(council.pk)
        if council.latest_inspection_id != (newest.pk if newest else None):
            council.latest_inspection = newest
            council.save(update_fields=["latest_inspection"])
