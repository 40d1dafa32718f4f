"""The comparison engine (DOMAIN.md, "The common data set").

For a council, an indicator and a period: its value or symbol; the mean of a comparison group
(statistical neighbours by default) over the members that have a value, with how many did; the
region's and England's published figures (never recomputed); its rank among its neighbours and
among all councils by polarity (1 = best; ties share a rank); its national quartile band (A best
to D worst); and its trend and direction of travel over the last five periods.

Suppressed and missing figures are left out of means, ranks and quartiles, and the number of
councils actually compared is always given. For indicators with no polarity, ranks and bands
run from the highest value (1, A) to the lowest, and directions are "up" or "down".

The maths is in plain functions over dicts so it can be tested without a database; the
selectors at the bottom read what they need in a fixed number of queries.

Results can be kept in the cache (`cached`) under the published data's
version (`data_version`), which every committed change to figures, indicators, periods or
areas replaces (`data_changed`: the imports' merge, and the models' save and delete signals),
so a cached comparison is never older than the data it was made from.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q

from .models import ENGLAND_CODE, Area, Indicator, Period, Polarity

logger = logging.getLogger(__name__)

TREND_PERIODS = 5
BANDS = "ABCD"

Figure = tuple[Decimal | None, str]  # (value, symbol)


def competition_ranks(values: dict[int, Decimal], polarity: str) -> dict[int, int]:
    """Rank ids by value, 1 = best by polarity (highest first when there is none); equal values
    share a rank and the next rank skips (1, 2, 2, 4)."""
    descending = polarity != Polarity.LOWER
    ordered = sorted(values.items(), key=lambda kv: kv[1], reverse=descending)
    ranks: dict[int, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[key] = rank
    return ranks


def quartile_band(rank: int, count: int) -> str:
    """A (best quarter) … D (worst quarter) from a rank among `count` councils."""
    return BANDS[min(3, math.ceil(4 * rank / count) - 1)]


def mean(values: list[Decimal]) -> Decimal | None:
    return sum(values) / len(values) if values else None


def direction(first: Decimal | None, last: Decimal | None, polarity: str) -> str | None:
    """Direction of travel from the first to the last value of a trend."""
    if first is None or last is None:
        return None
    if last == first:
        return "no change"
    if polarity == Polarity.NEITHER:
        return "up" if last > first else "down"
    better = last > first if polarity == Polarity.HIGHER else last < first
    return "improving" if better else "worsening"


@dataclass
class Comparison:
    indicator: Indicator
    period: Period
    value: Decimal | None
    symbol: str
    group_label: str
    group_mean: Decimal | None
    group_count: int  # members with a value
    group_size: int  # members asked for
    group_rank: int | None  # among the council and the group's members with a value
    group_ranked: int
    region_value: Decimal | None
    region_symbol: str
    england_value: Decimal | None
    england_symbol: str
    national_rank: int | None
    national_count: int
    quartile: str | None
    trend: list[dict] = field(default_factory=list)
    direction: str | None = None
    # England's, the region's and the group's figures over the trend's periods
    # (comparisons(with_lines=True)), as {"england": [...], "region": [...], "group": [...]}.
    lines: dict[str, list[dict]] | None = None

    @property
    def sn_mean(self) -> Decimal | None:
        return self.group_mean


def compare_figures(
    *,
    council_id: int,
    figures: dict[int, Figure],
    group_ids: list[int],
    polarity: str,
) -> dict[str, Any]:
    """The maths of one comparison, from every council's figure for the period."""
    numeric = {cid: v for cid, (v, _) in figures.items() if v is not None}
    own_value, own_symbol = figures.get(council_id, (None, ""))
    members = [numeric[cid] for cid in group_ids if cid in numeric]
    national = competition_ranks(numeric, polarity)
    group_pool = {cid: numeric[cid] for cid in [council_id, *group_ids] if cid in numeric}
    group_ranks = competition_ranks(group_pool, polarity)
    rank = national.get(council_id)
    return {
        "value": own_value,
        "symbol": own_symbol,
        "group_mean": mean(members),
        "group_count": len(members),
        "group_size": len(group_ids),
        "group_rank": group_ranks.get(council_id),
        "group_ranked": len(group_pool),
        "national_rank": rank,
        "national_count": len(numeric),
        "quartile": quartile_band(rank, len(numeric)) if rank else None,
    }


# --- Reading what a comparison needs ---------------------------------------------------------


_PERIOD_FIELDS = ["id", "label", "time_identifier", "start_year", "end_year"]


def latest_periods(
    indicator_ids: list[int], *, upto: Period | None = None, count: int = TREND_PERIODS
) -> dict[int, list[Period]]:
    """For each indicator, its last `count` periods with figures, oldest first (one query)."""
    # A skip scan of the unique index (indicator, period, area): one probe per indicator and
    # period found, instead of reading every figure of the indicators (at 3 million figures
    # that read took ~50 ms, and an EXISTS over all periods let the planner scan the table).
    # The periods themselves come in the same statement.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH RECURSIVE found(indicator_id, period_id) AS (
                SELECT i.id, (SELECT min(o.period_id) FROM datasets_observation o
                              WHERE o.indicator_id = i.id)
                FROM unnest(%s::int[]) AS i(id)
                UNION ALL
                SELECT f.indicator_id, (SELECT min(o.period_id) FROM datasets_observation o
                                        WHERE o.indicator_id = f.indicator_id
                                          AND o.period_id > f.period_id)
                FROM found f WHERE f.period_id IS NOT NULL
            )
            SELECT f.indicator_id, p.id, p.label, p.time_identifier, p.start_year, p.end_year
            FROM found f JOIN datasets_period p ON p.id = f.period_id
            """,
            [list(indicator_ids)],
        )
        rows = cursor.fetchall()
    periods: dict[int, Period] = {}
    by_indicator: dict[int, list[Period]] = {}
    for indicator_id, pk, label, time_identifier, start_year, end_year in rows:
        period = periods.get(pk)
        if period is None:
            period = periods[pk] = Period.from_db(
                connection.alias,
                _PERIOD_FIELDS,
                (pk, label, time_identifier, start_year, end_year),
            )
        by_indicator.setdefault(indicator_id, []).append(period)
    out: dict[int, list[Period]] = {}
    for indicator_id, found in by_indicator.items():
        ordered = sorted(found, key=lambda p: (p.end_year, p.start_year))
        if upto is not None:
            ordered = [
                p for p in ordered if (p.end_year, p.start_year) <= (upto.end_year, upto.start_year)
            ]
        out[indicator_id] = ordered[-count:]
    return out


@dataclass
class Context:
    """The areas the comparisons of one council need, read once (ids only)."""

    council_area_id: int
    region_area_id: int | None
    england_area_id: int | None
    area_to_council: dict[int, int]
    council_to_area: dict[int, int]


def context_for(council) -> Context:
    rows = Area.objects.filter(
        Q(council__isnull=False) | Q(code__in=[ENGLAND_CODE, council.region.gss_code])
    ).values_list("id", "code", "council_id")
    by_code: dict[str, int] = {}
    area_to_council: dict[int, int] = {}
    for pk, code, council_id in rows:
        by_code[code] = pk
        if council_id:
            area_to_council[pk] = council_id
    return Context(
        council_area_id=by_code[council.gss_code],
        region_area_id=by_code.get(council.region.gss_code),
        england_area_id=by_code.get(ENGLAND_CODE),
        area_to_council=area_to_council,
        council_to_area={c: a for a, c in area_to_council.items()},
    )


# Every area's figure for each indicator's latest period (the first half), and the figures of
# a few areas over each indicator's other trend periods (the second): probes of the unique
# index (indicator, period, area) for exactly the pairs and areas wanted (an area filter on
# the pairs instead read every area's figure, ~4x the index pages), so an indicator whose
# latest period is another's trend period reads no more than it needs.
_FIGURES_SQL = """
    SELECT o.indicator_id, o.period_id, o.area_id, o.value, o.symbol
    FROM unnest(%s::bigint[], %s::bigint[]) AS w(indicator_id, period_id)
    JOIN datasets_observation o
      ON o.indicator_id = w.indicator_id AND o.period_id = w.period_id
    UNION ALL
    SELECT o.indicator_id, o.period_id, o.area_id, o.value, o.symbol
    FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) AS w(indicator_id, period_id, area_id)
    JOIN datasets_observation o
      ON o.indicator_id = w.indicator_id AND o.period_id = w.period_id AND o.area_id = w.area_id
"""


def comparisons(
    *,
    council,
    indicators: list[Indicator],
    group_ids: list[int],
    group_label: str,
    period: Period | None = None,
    with_lines: bool = False,
) -> list[Comparison]:
    """Comparisons of a council on several indicators (each at its latest period, or at
    `period`), in a fixed number of queries whatever the number of indicators or councils.

    With `with_lines`, each comparison's `lines` also gives England's, the region's and the
    group's mean figures over the same periods as its trend (the group mean leaves suppressed
    figures out), read in the same query."""
    if not indicators:
        return []
    ctx = context_for(council)
    windows = latest_periods([i.pk for i in indicators], upto=period)
    latest = {iid: ps[-1].pk for iid, ps in windows.items() if ps}
    earlier = [(iid, p.pk) for iid, ps in windows.items() for p in ps[:-1]]
    own = ctx.council_area_id
    trend_areas = [own]
    group_areas = [ctx.council_to_area[c] for c in group_ids if c in ctx.council_to_area]
    if with_lines:
        trend_areas += [a for a in (ctx.region_area_id, ctx.england_area_id) if a is not None]
        trend_areas += group_areas
    with connection.cursor() as cursor:
        cursor.execute(
            _FIGURES_SQL,
            [
                list(latest),
                list(latest.values()),
                [i for i, _ in earlier for _ in trend_areas],
                [p for _, p in earlier for _ in trend_areas],
                [a for _ in earlier for a in trend_areas],
            ],
        )
        rows = cursor.fetchall()
    # Every figure read, by (indicator, period, area).
    figures: dict[tuple[int, int, int], Figure] = {}
    latest_figures: dict[int, dict[int, Figure]] = {}
    area_to_council = ctx.area_to_council
    for indicator_id, period_id, area_id, value, symbol in rows:
        figures[(indicator_id, period_id, area_id)] = (value, symbol)
        if period_id == latest[indicator_id]:
            council_id = area_to_council.get(area_id)
            if council_id is not None:
                latest_figures.setdefault(indicator_id, {})[council_id] = (value, symbol)
    none: Figure = (None, "")
    out = []
    for indicator in indicators:
        iid = indicator.pk
        window = windows.get(iid) or []
        if not window:
            continue
        maths = compare_figures(
            council_id=council.pk,
            figures=latest_figures.get(iid, {}),
            group_ids=group_ids,
            polarity=indicator.polarity,
        )
        # (pk, label) once: a model's pk is a property, and this runs per figure.
        steps = [(p.pk, p.label, p.time_identifier) for p in window]
        last = steps[-1][0]
        region = figures.get((iid, last, ctx.region_area_id)) if ctx.region_area_id else None
        england = figures.get((iid, last, ctx.england_area_id)) if ctx.england_area_id else None
        trend = []
        for pk, label, time_identifier in steps:
            value, symbol = figures.get((iid, pk, own), none)
            trend.append(
                {
                    "period": label,
                    "time_identifier": time_identifier,
                    "value": value,
                    "symbol": symbol,
                }
            )
        numeric = [t["value"] for t in trend if t["value"] is not None]
        lines = None
        if with_lines:
            lines = {"england": [], "region": [], "group": []}
            for pk, label, _ in steps:
                for key, area_id in (
                    ("england", ctx.england_area_id),
                    ("region", ctx.region_area_id),
                ):
                    value, symbol = figures.get((iid, pk, area_id), none)
                    lines[key].append({"period": label, "value": value, "symbol": symbol})
                members = [
                    v for a in group_areas if (v := figures.get((iid, pk, a), none)[0]) is not None
                ]
                lines["group"].append(
                    {"period": label, "value": mean(members), "count": len(members)}
                )
        out.append(
            Comparison(
                indicator=indicator,
                period=window[-1],
                group_label=group_label,
                region_value=region[0] if region else None,
                region_symbol=region[1] if region else "",
                england_value=england[0] if england else None,
                england_symbol=england[1] if england else "",
                trend=trend,
                direction=direction(numeric[0], numeric[-1], indicator.polarity)
                if len(numeric) >= 2
                else None,
                lines=lines,
                **maths,
            )
        )
    return out


def statistical_neighbour_ids(council) -> list[int]:
    from regions.models import StatisticalNeighbour

    return list(
        StatisticalNeighbour.objects.filter(council=council)
        .order_by("rank")
        .values_list("neighbour_id", flat=True)
    )


# --- Keeping results in the cache --------------------------------------------------------------


def _version_key() -> str:
    # Per database, so that two databases sharing a Redis (development, a benchmark) never
    # share a version, and so never each other's entries.
    return f"datasets:data-version:{connection.settings_dict['NAME']}"


# The modules whose code decides what is cached and in what shape: a deployment that changes
# any of them (a field added to Comparison, a new key in a page's result) never reads entries
# written by the code before it.
# A package (selectors/) counts with every module in it.
_CACHED_BY = ("comparison", "selectors", "charts", "templatetags.data_figures")


@functools.cache
def _code_digest() -> str:
    base = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in _CACHED_BY:
        path = base / name.replace(".", "/")
        files = sorted(path.glob("*.py")) if path.is_dir() else [path.with_suffix(".py")]
        for file in files:
            digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


# Entries are made stale by a new data version, not by time: the time bounds what a crawl of
# every council, group, theme, indicator and period can leave in Redis.
CACHE_SECONDS = 60 * 60

T = TypeVar("T")


def data_version() -> str | None:
    """The published data's current version (a random token), or None when the cache cannot
    be reached (then nothing is cached). A missing version (first use, or evicted) is replaced
    by a fresh one, never by an old value, so entries made before cannot be read again."""
    version = cache.get(_version_key())
    if version is None:
        cache.add(_version_key(), uuid.uuid4().hex, timeout=None)
        version = cache.get(_version_key())
    return version


def new_data_version() -> None:
    """Replace the data version (data_changed does it now and at commit)."""
    cache.set(_version_key(), uuid.uuid4().hex, timeout=None)


def data_changed() -> None:
    """Published figures, indicators, periods or areas have changed: cached comparisons are
    stale. Call it inside the transaction that makes the change. The version is replaced now,
    so the changing transaction itself reads fresh results, and again once it commits, so an
    entry another request made from the old figures in between is never read afterwards."""
    new_data_version()
    pending = getattr(connection, "run_on_commit", [])
    if not any(callback is new_data_version for _, callback, _ in pending):  # once a transaction
        transaction.on_commit(new_data_version, robust=True)


def cached(name: str, parts: tuple, compute: Callable[[], T]) -> T:
    """`compute()`, kept in the cache under `name`, `parts` (a tuple of plain values that
    decide the result) and the data version. Without the cache (unreachable, or an entry that
    cannot be read back) the result is computed: a cache failure costs time, never the page."""
    version = data_version()
    if version is None:
        return compute()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"datasets:{name}:{_code_digest()}:{version}:{digest}"
    try:
        found = cache.get(key)
    except Exception:  # an entry that does not unpickle: computed again and replaced
        logger.warning("Cached %s could not be read; computing it again", name, exc_info=True)
        found = None
    if found is not None and found[0] == parts:
        return found[1]
    value = compute()
    try:
        cache.set(key, (parts, value), CACHE_SECONDS)
    except Exception:
        logger.warning("Could not cache %s", name, exc_info=True)
    return value
