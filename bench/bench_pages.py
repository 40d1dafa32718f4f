"""Server time and SQL queries of the portal's busiest pages, through Django's whole stack.

Each request goes through django.test.Client (middleware, sessions, the MFA check, the view,
templates, DRF), so the time is the server's time without the network. Per page: warm-up
requests, then N timed requests (p50, p95, max), and the number of SQL queries of one request.

Run it with bench/run.sh (which loads the data first). Options:
    python bench/bench_pages.py [--requests 200] [--warmup 20] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cib_portal.settings.local")
os.environ.setdefault("DEBUG", "false")
# The API's per-user throttle (2000/hour) would cut a benchmark short.
os.environ.setdefault("API_USER_RATE", "1000000/hour")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

DEMO = "demo.cib-portal.example"
HOST = "127.0.0.1"
TARGET_P95_MS = 100.0


@dataclass
class Page:
    label: str
    path: str
    who: str  # demo account's local part
    accept: str = "text/html"


PAGES = [
    Page("Councils list, page 1 (50 rows)", "/councils/", "officer"),
    Page("Councils list, filtered + sorted", "/councils/?region=E12000003&sort=-ofsted", "officer"),
    Page("Council page (Leeds, own council)", "/councils/E08000035/", "officer"),
    Page("Region page (Yorkshire, regional lead)", "/regions/E12000003/", "regional-lead"),
    Page("Adviser home (national)", "/home/", "national-adviser"),
    Page("API: all councils (153)", "/api/v1/councils/", "officer", "application/json"),
    Page("API: one council (Leeds)", "/api/v1/councils/E08000035/", "officer", "application/json"),
]

# Same page, different numbers of rows: the query count must not change.
ROW_SCALING = [
    ("/councils/?region=E12000001", "officer"),  # North East: 12 councils
    ("/councils/?region=E12000003", "officer"),  # Yorkshire and The Humber: 15
    ("/councils/", "officer"),  # page 1 of 153: 50 rows
    ("/councils/?page=4", "officer"),  # last page: 3 rows
    ("/api/v1/councils/?region=E12000001", "officer"),
    ("/api/v1/councils/", "officer"),  # 153 councils, 1530 neighbour links
]


def client_for(who: str) -> Client:
    from accounts.models import User

    user = User.objects.get(email=f"{who}@{DEMO}")
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    return client


def get(client: Client, path: str, accept: str = "text/html"):
    response = client.get(path, HTTP_ACCEPT=accept)
    if response.status_code != 200:
        raise SystemExit(f"{path}: HTTP {response.status_code} (is the demo data loaded?)")
    return response


def rows_in(response) -> int | None:
    if response.get("Content-Type", "").startswith("application/json"):
        import json

        data = json.loads(response.content)
        if isinstance(data, dict) and "results" in data:
            return len(data["results"])
        return 1
    return response.content.count(b'<tr class="govuk-table__row">') - response.content.count(
        b"<thead"
    )


def query_count(client: Client, path: str, accept: str = "text/html") -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = get(client, path, accept)
    return len(ctx.captured_queries), response


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def bench(page: Page, clients: dict[str, Client], n: int, warmup: int) -> dict:
    client = clients.setdefault(page.who, client_for(page.who))
    for _ in range(warmup):
        get(client, page.path, page.accept)
    queries, response = query_count(client, page.path, page.accept)
    times = []
    for _ in range(n):
        start = time.perf_counter()
        get(client, page.path, page.accept)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "page": page,
        "queries": queries,
        "bytes": len(response.content),
        "p50": statistics.median(times),
        "p95": percentile(times, 95),
        "max": times[-1],
    }


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return {
        "CPUs (nproc)": str(os.cpu_count()),
        "CPU": cpu,
        "RAM": ram,
        "PostgreSQL": pg,
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "Database": "Unix socket (embedded)"
        if "host=/" in os.environ.get("DATABASE_URL", "")
        or connection.settings_dict.get("HOST", "").startswith("/")
        else f"TCP {connection.settings_dict.get('HOST')}",
        "DEBUG": str(settings.DEBUG),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    args = parser.parse_args()

    from regions.models import Council

    if Council.objects.count() != 153:
        raise SystemExit("Reference data missing: run manage.py load_reference_data first.")

    out: list[str] = []
    info = machine()
    out.append(
        f"Run {time.strftime('%Y-%m-%d %H:%M %Z')}: {args.requests} timed requests per "
        f"page after {args.warmup} warm-up requests; server time through "
        "django.test.Client (whole Django stack, no network)."
    )
    out.append("")
    out.append("| Machine | |\n|---|---|")
    out.extend(f"| {k} | {v} |" for k, v in info.items())
    out.append("")

    clients: dict[str, Client] = {}
    results = [bench(page, clients, args.requests, args.warmup) for page in PAGES]
    out.append("| Page | Path | As | p50 ms | p95 ms | max ms | SQL queries | KB |")
    out.append("|---|---|---|---:|---:|---:|---:|---:|")
    for r in results:
        p = r["page"]
        out.append(
            f"| {p.label} | `{p.path}` | {p.who} | {r['p50']:.1f} | {r['p95']:.1f} | "
            f"{r['max']:.1f} | {r['queries']} | {r['bytes'] / 1024:.0f} |"
        )
    out.append("")

    out.append("Query count against the number of rows shown:")
    out.append("")
    out.append("| Path | Rows | SQL queries |")
    out.append("|---|---:|---:|")
    for path, who in ROW_SCALING:
        client = clients.setdefault(who, client_for(who))
        accept = "application/json" if path.startswith("/api/") else "text/html"
        get(client, path, accept)
        queries, response = query_count(client, path, accept)
        out.append(f"| `{path}` | {rows_in(response)} | {queries} |")
    out.append("")

    slow = [r for r in results if r["p95"] >= TARGET_P95_MS]
    out.append(
        f"Target: p95 < {TARGET_P95_MS:.0f} ms on every page: "
        + ("met." if not slow else "NOT met on " + ", ".join(r["page"].label for r in slow) + ".")
    )
    text = "\n".join(out)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
