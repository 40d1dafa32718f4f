"""DCS history imports at scale: 49,000 and 100,000 tenures (every council's directors back
through the years, none overlapping), imported into an empty table and then again unchanged.
Also an interventions file of the same size. The facts tables are emptied (TRUNCATE) before and
after each file, and the bench's audit rows deleted: run it on a scratch database only.

Needs a migrated database with the councils (regions.reference.load_reference_data, which this
script runs first; it is idempotent). Point it at a scratch database:

    DATABASE_URL=postgres://…/cib_bench_facts \\
        python bench/bench_fact_imports.py [--rows 49000 100000]
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cib_portal.settings.local")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402


def dcs_file(rows: int, codes: list[str]) -> bytes:
    """`rows` tenures spread over the councils, each council's back to back (a handover on
    the day the next starts), ten days long each."""
    lines = ["council,name,starts_on,ends_on,interim"]
    start = datetime.date(1900, 1, 1)
    for i in range(rows):
        code = codes[i % len(codes)]
        n = i // len(codes)
        begins = start + datetime.timedelta(days=10 * n)
        ends = begins + datetime.timedelta(days=10)
        lines.append(f"{code},Director {i},{begins},{ends},{'yes' if i % 7 == 0 else 'no'}")
    return ("\n".join(lines) + "\n").encode()


def interventions_file(rows: int, codes: list[str]) -> bytes:
    lines = ["council,kind,starts_on,ends_on,notes"]
    start = datetime.date(1900, 1, 1)
    for i in range(rows):
        code = codes[i % len(codes)]
        begins = start + datetime.timedelta(days=i // len(codes))
        kind = "improvement_notice" if i % 2 else "statutory_direction"
        lines.append(f"{code},{kind},{begins},,Bench row {i}")
    return ("\n".join(lines) + "\n").encode()


def _clear() -> None:
    """Empty the facts tables (TRUNCATE, so no dead rows are left to slow the next run) and
    remove the bench's audit rows."""
    from audit.models import AuditEvent

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE earlysupport_dcstenure, earlysupport_intervention")
    AuditEvent.objects.filter(action__in=["dcs_tenure.import", "intervention.import"]).delete()


def timed(spec, data: bytes) -> tuple[float, float, object, object]:
    """(first import s, unchanged re-import s), on an empty table, emptied again after."""
    from earlysupport.services.fact_imports import fact_import

    _clear()
    t0 = time.perf_counter()
    first = fact_import(spec, user=None, data=data)
    t1 = time.perf_counter()
    again = fact_import(spec, user=None, data=data)
    t2 = time.perf_counter()
    _clear()
    return t1 - t0, t2 - t1, first, again


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[49_000, 100_000])
    args = parser.parse_args()
    from earlysupport.services.facts import DCS_HISTORY, INTERVENTIONS
    from regions.models import Council
    from regions.reference import load_reference_data

    load_reference_data()
    codes = list(Council.objects.order_by("gss_code").values_list("gss_code", flat=True))
    print("| file | rows | size | first import | unchanged re-import |")
    print("|---|---:|---:|---:|---:|")
    for rows in args.rows:
        for label, spec, make in (
            ("DCS history", DCS_HISTORY, dcs_file),
            ("interventions", INTERVENTIONS, interventions_file),
        ):
            data = make(rows, codes)
            first, again, r1, r2 = timed(spec, data)
            assert r1.created == rows and r2.unchanged == rows, (r1, r2)
            print(
                f"| {label} | {rows:,} | {len(data) / 1e6:.1f} MB | {first:.1f} s | {again:.1f} s |"
            )


if __name__ == "__main__":
    main()
