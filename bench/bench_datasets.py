"""The common data set at scale: server time and SQL queries of the data pages, the comparison
API and engine, and the data-profile PDF, on a database filled by `manage.py seed_scale`.

Run it with bench/run_datasets.sh (which makes the benchmark database first). Per page: warm-up
requests, then N timed requests through django.test.Client (p50, p95, max) and the number of
SQL queries of one request. The profile and the compare page are measured twice: with the real
key indicators only, then with `--synthetic-key` synthetic indicators marked key as well (put
back afterwards).

    python bench/bench_datasets.py [--requests 100] [--warmup 10] [--synthetic-key 50]
                                   [--pdf] [--pdf-all] [--workers 2] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The reports are queued on a queue of their own, so no other worker on the same Redis (a
# developer's, on another database) can take them.
os.environ.setdefault("CELERY_TASK_DEFAULT_QUEUE", "bench_datasets")

import bench_pages as bp  # noqa: E402  (sets up Django)
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

LEEDS = "E08000035"
WHO = "officer"

PAGES = [
    bp.Page("Data profile (Leeds)", f"/data/councils/{LEEDS}/", WHO),
    bp.Page("Indicator page (CLA rate)", "/data/indicators/cla_rate_per_10k/", WHO),
    bp.Page("Compare page (Leeds)", f"/data/councils/{LEEDS}/compare/", WHO),
    bp.Page(
        "API: comparison (Leeds, CLA rate, 2025)",
        f"/api/v1/councils/{LEEDS}/comparison/?indicator=cla_rate_per_10k&period=2025",
        WHO,
        "application/json",
    ),
    bp.Page(
        "API: comparison (Leeds, synthetic, 2025)",
        f"/api/v1/councils/{LEEDS}/comparison/?indicator=synthetic_0001&period=2025",
        WHO,
        "application/json",
    ),
    bp.Page(
        "API: observations (1 indicator × 1 period, 153 councils)",
        "/api/v1/observations/?indicator=synthetic_0500&period=2025&level=local_authority",
        WHO,
        "application/json",
    ),
    bp.Page("API: indicators (page of 200)", "/api/v1/indicators/", WHO, "application/json"),
]
KEY_PAGES = PAGES[0:1] + PAGES[2:3]
TARGETS = {
    "Data profile (Leeds)": 150.0,
    "Indicator page (CLA rate)": 100.0,
}


def try_bench(page: bp.Page, clients: dict, n: int, warmup: int) -> dict:
    """bp.bench, or a row saying why the page could not be measured."""
    client = clients.setdefault(page.who, bp.client_for(page.who))
    response = client.get(page.path, HTTP_ACCEPT=page.accept)
    if response.status_code != 200:
        return {"page": page, "error": f"HTTP {response.status_code}"}
    return bp.bench(page, clients, n, warmup)


def row(r: dict, label: str | None = None) -> str:
    p = r["page"]
    name = label or p.label
    if "error" in r:
        return f"| {name} | `{p.path}` | not measured: {r['error']} | | | | |"
    return (
        f"| {name} | `{p.path}` | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | "
        f"{r['queries']} | {r['bytes'] / 1024:.0f} |"
    )


def engine(n: int) -> dict:
    """The comparison engine alone: Leeds on every key indicator, with its neighbours."""
    from datasets.comparison import comparisons, statistical_neighbour_ids
    from datasets.models import Indicator
    from regions.models import Council

    council = Council.objects.select_related("region").get(gss_code=LEEDS)
    times = []
    for i in range(n + 3):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            indicators = list(Indicator.objects.filter(is_key=True, council__isnull=True))
            found = comparisons(
                council=council,
                indicators=indicators,
                group_ids=statistical_neighbour_ids(council),
                group_label="Statistical neighbours",
            )
        if i >= 3:
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "indicators": len(indicators),
        "comparisons": len(found),
        "queries": len(ctx.captured_queries),
        "p50": times[len(times) // 2],
        "p95": bp.percentile(times, 95),
    }


def scale_facts() -> dict[str, str]:
    from datasets.models import Indicator, Observation, Source

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('datasets_observation'))")
        size = cursor.fetchone()[0]
    # count(*) over 3M rows takes a moment; the planner's estimate would do, but be exact.
    synthetic = Observation.objects.filter(indicator__source=Source.SYNTHETIC).count()
    return {
        "Observations": f"{Observation.objects.count():,}",
        "of which synthetic": f"{synthetic:,}",
        "Indicators (synthetic)": f"{Indicator.objects.count():,} "
        f"({Indicator.objects.filter(source=Source.SYNTHETIC).count():,})",
        "Key indicators (real)": str(
            Indicator.objects.filter(is_key=True).exclude(source=Source.SYNTHETIC).count()
        ),
        "datasets_observation on disk (with indexes)": size,
    }


def set_synthetic_key(count: int) -> list[int]:
    """Mark the first `count` synthetic indicators key; returns their ids (to put back)."""
    from datasets.comparison import data_changed
    from datasets.models import Indicator, Source

    ids = list(
        Indicator.objects.filter(source=Source.SYNTHETIC, code__startswith="synthetic_0")
        .order_by("code")
        .values_list("pk", flat=True)[:count]
    )
    Indicator.objects.filter(pk__in=ids).update(is_key=True)
    data_changed()  # a bulk update bypasses the signals that make cached pages stale
    return ids


def report_user():
    from accounts.models import User

    return User.objects.get(email=f"{WHO}@{bp.DEMO}")


def make_job(council):
    from reports.models import ReportJob, ReportKind

    return ReportJob.objects.create(
        kind=ReportKind.DATA_PROFILE,
        requested_by=report_user(),
        subject_council=council,
        params={"include_local": False},
    )


def pdf_one(repeat: int = 3) -> dict:
    """One data-profile PDF rendered in this process (what a worker does for one job)."""
    from regions.models import Council
    from reports.models import ReportJob
    from reports.services import report_render

    council = Council.objects.get(gss_code=LEEDS)
    times, sizes = [], []
    for _ in range(repeat):
        job = make_job(council)
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            job = report_render(job_id=str(job.pk))
        times.append(time.perf_counter() - start)
        sizes.append(job.file.size)
        job.file.delete(save=False)
        ReportJob.objects.filter(pk=job.pk).delete()
    return {"times": times, "bytes": sizes[-1], "queries": len(ctx.captured_queries)}


def pdf_all(workers: int) -> dict:
    """A data-profile PDF for every council, queued to `workers` Celery worker processes
    (concurrency 1 each) started here and stopped afterwards."""
    from regions.models import Council
    from reports.models import ReportJob, ReportStatus
    from reports.tasks import generate_report

    queue = os.environ["CELERY_TASK_DEFAULT_QUEUE"]
    procs = []
    for n in range(workers):
        procs.append(
            subprocess.Popen(  # noqa: S603 - our own worker
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "cib_portal",
                    "worker",
                    "-Q",
                    queue,
                    "-c",
                    "1",
                    "-n",
                    f"bench{n}@%h",
                    "--loglevel",
                    "WARNING",
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=bp.BASE_DIR,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    try:
        from cib_portal.celery import app

        deadline = time.time() + 60
        while time.time() < deadline:
            replies = app.control.ping(timeout=1.0) or []
            if sum(1 for r in replies for k in r if k.startswith("bench")) >= workers:
                break
        jobs = [make_job(c) for c in Council.objects.order_by("name")]
        ids = [str(j.pk) for j in jobs]
        start = time.perf_counter()
        for job_id in ids:
            generate_report.apply_async([job_id], queue=queue)
        while True:
            pending = ReportJob.objects.filter(
                pk__in=ids, status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING]
            ).count()
            if pending == 0 or time.perf_counter() - start > 1800:
                break
            time.sleep(0.5)
        elapsed = time.perf_counter() - start
        done = ReportJob.objects.filter(pk__in=ids, status=ReportStatus.DONE)
        failed = list(
            ReportJob.objects.filter(pk__in=ids, status=ReportStatus.FAILED).values_list(
                "error", flat=True
            )[:3]
        )
        result = {"elapsed": elapsed, "done": done.count(), "failed": failed, "total": len(ids)}
        for job in ReportJob.objects.filter(pk__in=ids):
            if job.file:
                job.file.delete(save=False)
        ReportJob.objects.filter(pk__in=ids).delete()
        return result
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--synthetic-key", type=int, default=50)
    parser.add_argument("--pdf", action="store_true", help="time one data-profile PDF")
    parser.add_argument("--pdf-all", action="store_true", help="all 153 with Celery workers")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pdf-only", action="store_true", help="skip the pages")
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()

    out: list[str] = []

    def say(line: str = "") -> None:
        out.append(line)
        print(line, flush=True)

    say(
        f"Run {time.strftime('%Y-%m-%d %H:%M %Z')}: {args.requests} timed requests per page "
        f"after {args.warmup} warm-up requests; server time through django.test.Client."
    )
    say()
    say("| Machine | |\n|---|---|")
    for k, v in bp.machine().items():
        say(f"| {k} | {v} |")
    say()
    say("| Scale | |\n|---|---|")
    for k, v in scale_facts().items():
        say(f"| {k} | {v} |")
    say()

    if args.pdf_only:
        args.requests = 0
    clients: dict = {}
    header = (
        "| Page | Path | p50 ms | p95 ms | max ms | SQL queries | KB |\n"
        "|---|---|---:|---:|---:|---:|---:|"
    )
    say("Real key indicators only:")
    say()
    say(header)
    results = {}
    for page in PAGES if not args.pdf_only else []:
        r = try_bench(page, clients, args.requests, args.warmup)
        results[page.label] = r
        say(row(r))
    if not args.pdf_only:
        e = engine(args.requests)
        say(
            f"| Comparison engine alone: Leeds × {e['indicators']} key indicators | "
            f"`datasets.comparison.comparisons` | {e['p50']:.1f} | {e['p95']:.1f} | | "
            f"{e['queries']} | |"
        )
    say()

    from datasets.comparison import data_changed
    from datasets.models import Indicator

    marked = (
        set_synthetic_key(args.synthetic_key) if args.synthetic_key and not args.pdf_only else []
    )
    try:
        if marked:
            say(f"With {len(marked)} synthetic indicators marked key as well:")
            say()
            say(header)
            for page in KEY_PAGES:
                r = try_bench(page, clients, args.requests, args.warmup)
                results[page.label + " +synthetic"] = r
                say(row(r, f"{page.label}, +{len(marked)} key"))
            e = engine(args.requests)
            say(
                f"| Comparison engine alone: Leeds × {e['indicators']} key indicators | "
                f"`datasets.comparison.comparisons` | {e['p50']:.1f} | {e['p95']:.1f} | | "
                f"{e['queries']} | |"
            )
            say()
            if args.pdf:
                p = pdf_one()
                say(
                    f"One data-profile PDF (Leeds, +{len(marked)} key), rendered in-process: "
                    + ", ".join(f"{t:.2f} s" for t in p["times"])
                    + f" ({p['bytes'] / 1024:.0f} KB, {p['queries']} queries)."
                )
                say()
    finally:
        Indicator.objects.filter(pk__in=marked).update(is_key=False)
        data_changed()

    from reports.models import ReportKind

    if not hasattr(ReportKind, "DATA_PROFILE"):
        say("The report kind data_profile does not exist yet: PDFs not measured.")
    else:
        if args.pdf:
            p = pdf_one()
            say(
                "One data-profile PDF (Leeds, real key indicators), rendered in-process: "
                + ", ".join(f"{t:.2f} s" for t in p["times"])
                + f" ({p['bytes'] / 1024:.0f} KB, {p['queries']} queries)."
            )
        if args.pdf_all:
            a = pdf_all(args.workers)
            say(
                f"All {a['total']} data-profile PDFs with {args.workers} Celery workers "
                f"(concurrency 1 each): {a['elapsed']:.0f} s ({a['done']} made"
                + (f"; failed: {a['failed']}" if a["failed"] else "")
                + ")."
            )
        say()

    checks = []
    for label, target in TARGETS.items():
        r = results.get(label)
        if r and "error" not in r:
            checks.append(f"{label} p95 {r['p95']:.0f} ms (target ≤ {target:.0f} ms)")
    prof = results.get("Data profile (Leeds)")
    if prof and "error" not in prof:
        checks.append(f"profile queries {prof['queries']} (target ≤ 15)")
    say("Targets: " + "; ".join(checks) + ".")
    if args.markdown:
        args.markdown.write_text("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
