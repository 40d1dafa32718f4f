"""The EES importer against its floor: PostgreSQL's own COPY of the same CSV, in the same run.

Steps, each in a process of its own (so each one's peak RSS is its own, read with wait4):

1. floor: COPY the whole CSV (every row and column, as text) into a plain table, commit;
2. first import: `manage.py import_ees FILE --spec synthetic-ees` with none of the file's
   figures stored yet (those of an earlier run are deleted first, and its runs, so nothing can
   be skipped);
3. unchanged re-import: the same command on the same file (skipped by its content hash);
4. same figures, different bytes: a copy of the file with a blank line added at the end, so
   the hash differs and the whole file is read, checked, staged and merged, changing nothing;
5. one figure changed: a copy with one mapped value altered (the merge path that updates).

The file and the specification come from `manage.py make_ees_file` (run it first; the
database should hold the seed_scale figures so the merge works against a large table). Use a
database of your own:

    DATABASE_URL=postgres://…/cib_bench python bench/bench_ees_import.py FILE [--markdown OUT]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PY = os.environ.get("PYTHON", str(BASE_DIR / ".venv" / "bin" / "python"))
SPEC = "synthetic-ees"

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cib_portal.settings.local")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Risk flag evaluation after the import is queued here, where no worker listens.
os.environ.setdefault("CELERY_TASK_DEFAULT_QUEUE", "bench_ees_import")

FLOOR = """
import sys, time
import django
django.setup()
from django.db import connection, transaction
path = sys.argv[1]
with open(path, encoding="utf-8-sig", newline="") as handle:
    header = handle.readline().strip().split(",")
cols = ", ".join(f'"{c}" text' for c in header)
start = time.perf_counter()
with transaction.atomic(), connection.cursor() as cursor:
    cursor.execute("DROP TABLE IF EXISTS bench_copy_floor")
    cursor.execute(f"CREATE TABLE bench_copy_floor ({cols})")
    with open(path, "rb") as handle:
        cursor.copy_expert(
            "COPY bench_copy_floor FROM STDIN WITH (FORMAT csv, HEADER true)", handle
        )
    cursor.execute("SELECT count(*) FROM bench_copy_floor")
    rows = cursor.fetchone()[0]
print(f"{rows} rows copied in {time.perf_counter() - start:.2f} s")
with connection.cursor() as cursor:
    cursor.execute("DROP TABLE bench_copy_floor")
"""

CLEAR = """
import django
django.setup()
from django.db import connection
from datasets.models import ImportRun, Observation, ObservationRevision
codes = "synthetic_ees_%"
with connection.cursor() as cursor:
    cursor.execute(
        "DELETE FROM datasets_observationrevision r USING datasets_observation o, "
        "datasets_indicator i WHERE r.observation_id = o.id AND o.indicator_id = i.id "
        "AND i.code LIKE %s", [codes])
    cursor.execute(
        "DELETE FROM datasets_observation o USING datasets_indicator i "
        "WHERE o.indicator_id = i.id AND i.code LIKE %s", [codes])
    print(f"{cursor.rowcount} figures deleted")
ImportRun.objects.filter(spec__name="synthetic-ees").delete()
with connection.cursor() as cursor:
    cursor.execute("VACUUM ANALYZE datasets_observation")
    cursor.execute("VACUUM ANALYZE datasets_observationrevision")
"""


def run(label: str, argv: list[str]) -> dict:
    """Run one step in a child process: wall time, CPU time, peak RSS, its last lines."""
    start = time.perf_counter()
    child = subprocess.Popen(
        argv, cwd=BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{label} failed ({child.returncode}):\n{out}")
    lines = [line for line in out.splitlines() if line.strip()]
    return {
        "label": label,
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,  # kilobytes on Linux
        "out": lines,
    }


def python(code: str, *args: str) -> list[str]:
    return [PY, "-c", code, *args]


def manage(*args: str) -> list[str]:
    return [PY, "manage.py", *args]


def changed_copy(path: Path, target: Path) -> None:
    """The file with one value of the first mapped row (breakdown B001) changed."""
    with path.open(encoding="utf-8") as source, target.open("w", encoding="utf-8") as out:
        header = source.readline()
        out.write(header)
        done = False
        for line in source:
            if not done and ",B001," in line:
                cells = line.rstrip("\n").split(",")
                cells[-1] = "123456.7"
                line = ",".join(cells) + "\n"
                done = True
            out.write(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    path = args.file.resolve()
    size_mb = path.stat().st_size / 1e6
    results = []

    def say(line: str = "") -> None:
        print(line, flush=True)

    with tempfile.TemporaryDirectory() as folder:
        blank = Path(folder) / "same_figures.csv"
        shutil.copyfile(path, blank)
        with blank.open("a") as handle:
            handle.write("\n")
        changed = Path(folder) / "one_changed.csv"
        changed_copy(path, changed)

        say(run("clear", python(CLEAR))["out"][-1])
        floor_label = "PostgreSQL COPY of the CSV into a plain table"
        results.append(run(floor_label, python(FLOOR, str(path))))
        say(f"floor: {results[-1]['wall']:.1f} s ({results[-1]['out'][-1]})")
        steps = [
            ("first import", path),
            ("unchanged re-import (same file)", path),
            ("same figures, different bytes (blank line added)", blank),
            ("one figure changed", changed),
        ]
        for label, file in steps:
            argv = manage("import_ees", str(file), "--spec", SPEC, "--skip-checks")
            results.append(run(label, argv))
            say(f"{label}: {results[-1]['wall']:.1f} s; " + " / ".join(results[-1]["out"][-3:]))

    # The floor is the COPY itself (its process's start-up left out), so the ratio is strict.
    floor = float(results[0]["out"][-1].split(" in ")[1].split()[0])
    table = [
        f"1,000,000-row EES file ({size_mb:.0f} MB), `{SPEC}`; each step a process of its own "
        "(wall time includes Django's start-up); peak RSS from `wait4`.",
        "",
        "| Step | Wall s | × COPY | CPU s | Peak RSS MB | Result |",
        "|---|---:|---:|---:|---:|---|",
    ]
    table.append(f"| COPY alone (the floor) | {floor:.1f} | 1.0 | | | |")
    for r in results:
        result = next(
            (line for line in r["out"] if "rows read" in line or "identical" in line),
            r["out"][-1],
        )
        table.append(
            f"| {r['label']} | {r['wall']:.1f} | {r['wall'] / floor:.1f} | {r['cpu']:.1f} | "
            f"{r['rss_mb']:.0f} | {result} |"
        )
    say()
    for line in table:
        say(line)
    if args.markdown:
        args.markdown.write_text("\n".join(table) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
