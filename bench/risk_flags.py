"""Risk rules at scale: time `findings(as_of=today)` for every active rule and all councils,
and `evaluate_risk_flags` end to end, on a database filled by `manage.py seed_scale` (about 3.3
million observations; see bench/run_datasets.sh for how that database is made).

    DATABASE_URL=postgres://.../cib_bench python bench/risk_flags.py [--runs 10]
        [--synthetic 50] [--markdown FILE]

Rows measured (each run N times after one warm-up; p50 and max, SQL queries of one run):
- findings, the default rules (the real workforce and deterioration indicators);
- findings, with two more rules (workforce and deterioration kinds) watching `--synthetic`
  synthetic indicators each, so the bulk reads cover many indicators at 3 million rows;
- evaluate_risk_flags, first evaluation (raises every flag) and a re-evaluation (every flag
  unchanged), each inside a transaction that is rolled back, so the database is left as it was.
Target (issue 7): every rule for all 153 councils within 10 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cib_portal.settings.local")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

TARGET_S = 10.0


class Rollback(Exception):
    pass


def timed(fn, runs: int) -> dict:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return {
        "p50": statistics.median(times),
        "max": max(times),
        "queries": len(ctx.captured_queries),
        "out": out,
    }


def in_rollback(fn):
    """Run fn in a transaction that is rolled back; return its result."""
    box = {}
    try:
        with transaction.atomic():
            box["out"] = fn()
            raise Rollback
    except Rollback:
        pass
    return box["out"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--synthetic", type=int, default=50)
    parser.add_argument("--markdown", type=Path, default=None)
    args = parser.parse_args()

    from datasets.models import Indicator, Observation, Polarity
    from earlysupport.defaults import rules_sync
    from earlysupport.models import Flag, Rule
    from earlysupport.services.evaluation import evaluate_risk_flags, findings
    from regions.models import Council

    rules_sync()
    today = timezone.localdate()
    observations = Observation.objects.count()
    councils = Council.objects.count()
    rules = list(Rule.objects.filter(is_active=True))
    synthetic = list(
        Indicator.objects.filter(code__startswith="synthetic_")
        .exclude(polarity=Polarity.NEITHER)
        .order_by("code")
        .values_list("code", flat=True)[: args.synthetic]
    )
    extra = [
        Rule(
            code="bench-workforce",
            name="Bench workforce",
            kind="workforce",
            severity="amber",
            params={"worst_quartile": True, "above_neighbours_by": 5},
            indicators=synthetic,
            rationale="Benchmark only.",
        ),
        Rule(
            code="bench-deterioration",
            name="Bench deterioration",
            kind="deterioration",
            severity="amber",
            params={"periods": 3},
            indicators=synthetic,
            rationale="Benchmark only.",
        ),
    ]
    rows = []

    def add(label: str, result: dict, what: str) -> None:
        rows.append((label, result["p50"], result["max"], result["queries"], what))

    r = timed(lambda: findings(as_of=today), args.runs)
    add(f"findings: {len(rules)} default rules", r, f"{len(r['out'])} findings")
    r = timed(lambda: findings(as_of=today, rules=rules + extra), args.runs)
    add(
        f"findings: + 2 rules over {len(synthetic)} synthetic indicators",
        r,
        f"{len(r['out'])} findings",
    )
    r = timed(lambda: findings(as_of=dt.date(2020, 4, 1)), args.runs)
    add("findings: default rules as of 2020-04-01", r, f"{len(r['out'])} findings")

    def evaluation(times: int):
        """Inside a rolled-back transaction: no rule flags, then `times` evaluations; the
        result and time of the last one."""

        def run():
            from earlysupport.models import FlagEvent

            FlagEvent.objects.filter(flag__rule__isnull=False).delete()
            Flag.objects.filter(rule__isnull=False).delete()
            for _ in range(times - 1):
                evaluate_risk_flags(as_of=today)
            start = time.perf_counter()
            result = evaluate_risk_flags(as_of=today)
            return result, (time.perf_counter() - start) * 1000

        return in_rollback(run)

    for label, times in (
        ("evaluate_risk_flags: first evaluation (raises every flag)", 1),
        ("evaluate_risk_flags: re-evaluation (every flag exists)", 2),
    ):
        evaluation(times)  # warm-up
        samples = [evaluation(times) for _ in range(args.runs)]
        ms = [t for _, t in samples]
        rows.append((label, statistics.median(ms), max(ms), None, str(samples[-1][0])))

    lines = [
        f"Risk rules at scale: {observations:,} observations, {councils} councils, "
        f"{args.runs} runs each (target: every rule for every council within {TARGET_S:.0f} s)",
        "",
        "| What | p50 (ms) | max (ms) | SQL queries | Result |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for label, p50, worst, queries, what in rows:
        lines.append(
            f"| {label} | {p50:,.0f} | {worst:,.0f} | {'' if queries is None else queries} | "
            f"{what} |"
        )
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")
    worst = max(r[2] for r in rows)
    if worst > TARGET_S * 1000:
        sys.exit(f"Over the target: {worst:,.0f} ms > {TARGET_S:.0f} s")


if __name__ == "__main__":
    main()
