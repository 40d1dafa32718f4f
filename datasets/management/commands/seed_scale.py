"""manage.py seed_scale: fill the data set with SYNTHETIC indicators to benchmark it at scale.

Adds indicators `synthetic_0001` … (source "synthetic", spread over ten synthetic themes, mixed
units and polarities) beside the real ones, with a figure for every council, region and England
in each of the periods 2006 … 2025 (Reporting year): 1,000 indicators × 163 areas × 20 periods
is about 3.3 million observations. About 3% of figures carry a suppression symbol instead of a
value (c, x, z, k, and a few 'u' with a value), so means, ranks and quartiles have gaps to skip.

Synthetic indicators are not key indicators unless `--key N` marks the first N of them, so a
council's real data profile stays real. The figures are made inside PostgreSQL from
generate_series and a hash (deterministic: a re-run gives the same numbers), so the command
takes about a minute. It is idempotent (what exists is kept); `--clear` removes every synthetic
indicator and its figures first (and on its own, with `--indicators 0`, just removes them).

Use it on a benchmark database, not the one you develop with, e.g.
    EMBEDDED_DATABASE_NAME=cib_bench python -m cib_portal.embedded python manage.py seed_scale
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from datasets.comparison import data_changed
from datasets.models import (
    AreaLevel,
    Indicator,
    Period,
    PeriodType,
    Polarity,
    Source,
    Unit,
)

PREFIX = "synthetic_"
FIRST_YEAR = 2006
THEMES = [f"Synthetic theme {n:02d}" for n in range(1, 11)]
UNITS = [Unit.PERCENTAGE, Unit.RATE_10K, Unit.COUNT, Unit.DAYS, Unit.CURRENCY]
POLARITIES = [Polarity.HIGHER, Polarity.LOWER, Polarity.NEITHER]
AREA_LEVELS = [AreaLevel.NATIONAL, AreaLevel.REGIONAL, AreaLevel.LOCAL_AUTHORITY]

# One hash per figure decides its level, slope and whether it is suppressed; another its noise.
FIGURES_SQL = """
INSERT INTO datasets_observation (indicator_id, area_id, period_id, value, symbol)
SELECT f.indicator_id, f.area_id, f.period_id,
       CASE WHEN f.roll < 30 AND f.roll <> 25 THEN NULL
            ELSE round(greatest(0, f.base + f.slope * f.step + f.noise)::numeric, 1) END,
       CASE WHEN f.roll < 12 THEN 'c' WHEN f.roll < 18 THEN 'x' WHEN f.roll < 22 THEN 'z'
            WHEN f.roll < 25 THEN 'k' WHEN f.roll < 26 THEN 'u' WHEN f.roll < 30 THEN 'c'
            ELSE '' END
FROM (
    SELECT i.id AS indicator_id, a.id AS area_id, p.id AS period_id,
           p.end_year - %(first_year)s AS step,
           (abs(hashtext(i.id || ':' || a.id)) %% 10000) / 100.0 + 5 AS base,
           ((abs(hashtext(a.id || ':' || i.id)) %% 200) - 100) / 100.0 AS slope,
           ((abs(hashtext(i.id || ':' || a.id || ':' || p.id)) %% 400) - 200) / 100.0 AS noise,
           abs(hashtext(p.id || ':' || a.id || ':' || i.id)) %% 1000 AS roll
    FROM datasets_indicator i
    CROSS JOIN datasets_area a
    CROSS JOIN datasets_period p
    WHERE i.id = ANY(%(indicators)s) AND a.level = ANY(%(levels)s) AND p.id = ANY(%(periods)s)
) f
ON CONFLICT (indicator_id, period_id, area_id) DO NOTHING
"""


def synthetic_clear() -> tuple[int, int]:
    """Remove every synthetic indicator with its figures (and their revisions); returns
    (indicators, observations) removed. Set-based: Django's cascade would load every row."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(array_agg(id), '{}') FROM datasets_indicator WHERE source = %s",
            [Source.SYNTHETIC],
        )
        ids = cursor.fetchone()[0]
        if not ids:
            return 0, 0
        cursor.execute(
            "DELETE FROM datasets_observationrevision r USING datasets_observation o "
            "WHERE r.observation_id = o.id AND o.indicator_id = ANY(%s)",
            [ids],
        )
        cursor.execute("DELETE FROM datasets_observation WHERE indicator_id = ANY(%s)", [ids])
        observations = cursor.rowcount
        cursor.execute("DELETE FROM datasets_indicator WHERE id = ANY(%s)", [ids])
        # The synthetic specification's runs go with it (as Django's SET_NULL would, by hand).
        cursor.execute(
            "SELECT coalesce(array_agg(r.id), '{}') FROM datasets_importrun r "
            "JOIN datasets_importspec s ON s.id = r.spec_id WHERE s.source = %s",
            [Source.SYNTHETIC],
        )
        runs = cursor.fetchone()[0]
        cursor.execute(
            "UPDATE datasets_observation SET import_run_id = NULL WHERE import_run_id = ANY(%s)",
            [runs],
        )
        cursor.execute(
            "UPDATE datasets_observationrevision SET replaced_by_run_id = NULL "
            "WHERE replaced_by_run_id = ANY(%s)",
            [runs],
        )
        cursor.execute("DELETE FROM datasets_importrun WHERE id = ANY(%s)", [runs])
        cursor.execute("DELETE FROM datasets_importspec WHERE source = %s", [Source.SYNTHETIC])
    return len(ids), observations


def synthetic_periods(count: int) -> list[Period]:
    """The last `count` Reporting years up to 2025 (created if missing)."""
    out = []
    for year in range(FIRST_YEAR + 20 - count, FIRST_YEAR + 20):
        period, _ = Period.objects.get_or_create(
            label=str(year),
            time_identifier=PeriodType.REPORTING_YEAR,
            defaults={"start_year": year, "end_year": year},
        )
        out.append(period)
    return out


def synthetic_indicators(count: int, *, key: int = 0) -> list[Indicator]:
    """Indicators synthetic_0001 … synthetic_<count> (missing ones created); the first `key`
    are key indicators, the others not."""
    codes = [f"{PREFIX}{n:04d}" for n in range(1, count + 1)]
    existing = set(Indicator.objects.filter(code__in=codes).values_list("code", flat=True))
    Indicator.objects.bulk_create(
        [
            Indicator(
                code=code,
                name=f"Synthetic indicator {n:04d}",
                theme=THEMES[n % len(THEMES)],
                unit=UNITS[n % len(UNITS)],
                polarity=POLARITIES[n % len(POLARITIES)],
                source=Source.SYNTHETIC,
                decimals=1,
                definition="Made up by manage.py seed_scale for benchmarking; not real data.",
            )
            for n, code in enumerate(codes, start=1)
            if code not in existing
        ],
        batch_size=1000,
    )
    Indicator.objects.filter(source=Source.SYNTHETIC).update(is_key=False)
    if key:
        Indicator.objects.filter(code__in=codes[:key]).update(is_key=True)
    return list(Indicator.objects.filter(code__in=codes).order_by("code"))


class Command(BaseCommand):
    help = "Add synthetic indicators and ~3 million figures to benchmark the data set at scale."

    def add_arguments(self, parser):
        parser.add_argument("--indicators", type=int, default=1000)
        parser.add_argument("--periods", type=int, default=20, help="1 to 20 (2025 backwards)")
        parser.add_argument(
            "--key",
            type=int,
            default=0,
            help="mark the first N synthetic indicators as key indicators (default none)",
        )
        parser.add_argument(
            "--clear", action="store_true", help="remove every synthetic indicator first"
        )
        parser.add_argument(
            "--batch", type=int, default=100, help="indicators per INSERT (progress is shown)"
        )

    def handle(self, *args, indicators, periods, key, clear, batch, **options):
        if not 1 <= periods <= 20:
            raise CommandError("--periods must be between 1 and 20.")
        if not 0 <= key <= indicators:
            raise CommandError("--key must be between 0 and --indicators.")
        started = time.perf_counter()
        if clear:
            removed, figures = synthetic_clear()
            data_changed()
            self.stdout.write(f"Removed {removed} synthetic indicators and {figures} figures.")
        if indicators == 0:
            return
        made = synthetic_periods(periods)
        inds = synthetic_indicators(indicators, key=key)
        self.stdout.write(
            f"{len(inds)} synthetic indicators ({key} key), {len(made)} periods "
            f"({made[0].label}–{made[-1].label})."
        )
        total = 0
        ids = [i.pk for i in inds]
        for start in range(0, len(ids), batch):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
                cursor.execute(
                    FIGURES_SQL,
                    {
                        "first_year": FIRST_YEAR,
                        "indicators": ids[start : start + batch],
                        "levels": [str(level) for level in AREA_LEVELS],
                        "periods": [p.pk for p in made],
                    },
                )
                total += cursor.rowcount
                data_changed()
            self.stdout.write(
                f"  {min(start + batch, len(ids))}/{len(ids)} indicators: {total} figures "
                f"added ({time.perf_counter() - started:.0f} s)"
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE datasets_observation")
            cursor.execute("SELECT count(*) FROM datasets_observation")
            count = cursor.fetchone()[0]
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {total} synthetic figures in {time.perf_counter() - started:.0f} s; "
                f"the data set now holds {count} observations."
            )
        )
