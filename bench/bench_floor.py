"""The data pages and the flags list against the signed-in floor, measured in one run.

"The signed-in floor" is a page with nothing on it: a view defined here (``/bench/floor/``,
added to the portal's URLs for this process only) that renders ``base.html`` with an empty
content block. A request for it pays everything every signed-in page pays (session, user,
the MFA check, access grants, the context processor's navigation, the layout) and nothing
else, so a page's ratio to it is what the page itself costs. ``/healthz/`` (one ``SELECT 1``
and a Redis write and read, no session) is measured too.

Every round requests each path once, in turn, so a busy machine slows all of them alike;
the ratios are the figures to compare between runs. Per path: p50, p95 (nearest rank), the
SQL queries of one request, and the ratio of its p50 to the floor's p50 for the same user.

    DATABASE_URL=... DEBUG=false python bench/bench_floor.py [--requests 100] [--warmup 10]
        [--markdown FILE] [--uncached]

The data pages keep their comparisons in the cache until the data changes
(datasets.comparison.cached), so by default they are timed as most requests find them, from
the cache (the warm-up fills it); `--uncached` times them as the first request after an
import. (The data version is kept per database, so other databases sharing the Redis do not
disturb a run.)

Needs the demo accounts (manage.py load_demo_data) and, for figures at national scale, a
database seeded as for bench/run_datasets.sh.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.chdir(BASE_DIR)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cib_portal.settings.local")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402

from cib_portal import urls as portal_urls  # noqa: E402

_FLOOR = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}Floor{% endblock %}{% block content %}{% endblock %}'
)


def floor(request):
    """The signed-in floor: the layout and nothing in it."""
    return HttpResponse(_FLOOR.render({}, request))


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *portal_urls.urlpatterns]
handler400 = portal_urls.handler400
handler403 = portal_urls.handler403
handler404 = portal_urls.handler404
handler500 = portal_urls.handler500
settings.ROOT_URLCONF = __name__
clear_url_caches()

sys.path.insert(0, str(BASE_DIR / "bench"))
from bench_pages import client_for, get, percentile, query_count  # noqa: E402

FLOOR = "/bench/floor/"
# (label, path, demo account): each page is compared with the floor for the same account.
PATHS = [
    ("/healthz/", "/healthz/", "officer"),
    ("Signed-in floor", FLOOR, "officer"),
    ("Data profile (Leeds)", "/data/councils/E08000035/", "officer"),
    ("Compare (Leeds)", "/data/councils/E08000035/compare/", "officer"),
    ("Indicator (CLA rate)", "/data/indicators/cla_rate_per_10k/", "officer"),
    ("Signed-in floor", FLOOR, "national-adviser"),
    ("Flags list (national)", "/early-support/flags/", "national-adviser"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument(
        "--uncached",
        action="store_true",
        help="time the data pages as the first request after an import (a new data version "
        "before each, so their comparisons are computed, not read from the cache)",
    )
    args = parser.parse_args()
    from datasets.comparison import new_data_version

    clients = {}
    for _, p, who in PATHS:
        client = clients.setdefault(who, client_for(who))
        for _ in range(args.warmup):
            get(client, p)
    queries = {}
    for _, p, who in PATHS:
        if args.uncached and p.startswith("/data/"):
            new_data_version()
        queries[(p, who)] = query_count(clients[who], p)[0]
    times = {(p, who): [] for _, p, who in PATHS}
    for _ in range(args.requests):
        for _, p, who in PATHS:
            if args.uncached and p.startswith("/data/"):
                new_data_version()
            start = time.perf_counter()
            get(clients[who], p)
            times[(p, who)].append((time.perf_counter() - start) * 1000)
    for values in times.values():
        values.sort()

    from datasets.models import Observation

    observations = Observation.objects.count()
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    out = [
        f"Run {time.strftime('%Y-%m-%d %H:%M %Z')}: {observations:,} observations, "
        f"{args.requests} rounds after {args.warmup} warm-up requests per path, load average "
        f"{' '.join(load)}, DEBUG={settings.DEBUG}"
        + (", data pages uncached (a new data version before each)." if args.uncached else "."),
        "",
        "| Page | Path | As | p50 ms | p95 ms | SQL queries | × floor (p50) |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    healthz = statistics.median(times[("/healthz/", "officer")])
    for label, p, who in PATHS:
        values = times[(p, who)]
        p50 = statistics.median(values)
        base = statistics.median(times[(FLOOR, who)])
        ratio = f"{p50 / base:.1f}" if p != "/healthz/" else "–"
        if p == FLOOR:
            ratio = f"1.0 ({p50 / healthz:.1f} × /healthz/)"
        out.append(
            f"| {label} | `{p}` | {who} | {p50:.1f} | {percentile(values, 95):.1f} | "
            f"{queries[(p, who)]} | {ratio} |"
        )
    text = "\n".join(out)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
