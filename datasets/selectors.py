"""Reads for the data pages: the catalogue, an indicator's figures, a council's data profile,
comparisons with a chosen group, and saved comparison groups.

Every selector that lists things takes the user and returns only what that user may see; each
reads in a fixed number of queries whatever the number of councils or indicators.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar, cast
from urllib.parse import quote

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.template import Context, Template, loader
from django.urls import reverse

from cib_portal import access
from regions.models import Council, Region

from . import charts, permissions
from .comparison import (
    Comparison,
    cached,
    comparisons,
    competition_ranks,
    quartile_band,
    statistical_neighbour_ids,
)
from .models import (
    ENGLAND_CODE,
    AreaLevel,
    ComparisonGroup,
    Indicator,
    Observation,
    Period,
    Symbol,
)
from .templatetags.data_figures import band_words, figure

if TYPE_CHECKING:
    from django.template.backends.django import Template as DjangoBackendTemplate

    from accounts.models import User


def symbol_meaning(symbol: str) -> str:
    """What a suppression symbol means, as published ("" for no symbol)."""
    try:
        return Symbol(symbol).label
    except ValueError:
        return ""


# --- The catalogue ---------------------------------------------------------------------------


def indicators_visible(*, user: User) -> QuerySet[Indicator]:
    """Indicators the user may see: every national one for a member, shared local ones, and
    the unshared local ones of councils whose local indicators they may see
    (permissions.can_view_local_indicators)."""
    if not access.can_view_published(user):
        return Indicator.objects.none()
    confidential = permissions.councils_with_local_indicator_access(user).values("pk")
    return Indicator.objects.filter(
        Q(council__isnull=True) | Q(is_shared=True) | Q(council_id__in=confidential)
    )


def indicator_list(*, user: User) -> QuerySet[Indicator]:
    """The catalogue for the user, each indicator with the label of its latest period."""
    latest = (
        Observation.objects.filter(indicator_id=OuterRef("pk"))
        .order_by("-period__end_year", "-period__start_year")
        .values("period__label")[:1]
    )
    return (
        indicators_visible(user=user)
        .select_related("council")
        .annotate(latest_period=Subquery(latest))
        .order_by("theme", "name")
    )


def indicator_search(queryset: QuerySet[Indicator], text: str) -> QuerySet[Indicator]:
    """Full-text search over name, code and definition, with a plain substring match as well
    so that codes (cla_rate_per_10k) and part-words still find something."""
    text = text.strip()
    if not text:
        return queryset
    vector = SearchVector("name", weight="A") + SearchVector("definition", weight="B")
    query = SearchQuery(text, search_type="websearch", config="english")
    return queryset.annotate(_search=vector).filter(
        Q(_search=query)
        | Q(name__icontains=text)
        | Q(code__icontains=text)
        | Q(definition__icontains=text)
    )


def indicator_themes(*, user: User) -> list[str]:
    return sorted(set(indicators_visible(user=user).values_list("theme", flat=True)))


def national_themes() -> list[str]:
    """The themes of the national (published and derived) indicators, kept in the cache until
    the data changes."""
    return cached(
        "themes",
        (),
        lambda: sorted(
            Indicator.objects.filter(council__isnull=True)
            .order_by()
            .values_list("theme", flat=True)
            .distinct()
        ),
    )


def indicator_get(*, user: User, code: str) -> Indicator:
    """One indicator the user may see, or 404."""
    try:
        return indicators_visible(user=user).select_related("council").get(code=code)
    except Indicator.DoesNotExist:
        raise Http404 from None


T = TypeVar("T")


def _cached_if_national(
    indicator: Indicator, name: str, parts: tuple, compute: Callable[[], T]
) -> T:
    """National indicators' figures change only through imports and the models, which make
    cached results stale (comparison.data_changed); a council's local figures are read fresh."""
    if indicator.council_id is not None:
        return compute()
    return cached(name, (indicator.pk, *parts), compute)


def indicator_periods(*, indicator: Indicator) -> list[Period]:
    """The periods with a figure for the indicator, newest first."""
    return _cached_if_national(
        indicator,
        "indicator-periods",
        (),
        lambda: list(
            Period.objects.filter(observations__indicator=indicator)
            .distinct()
            .order_by("-end_year", "-start_year", "label")
        ),
    )


@dataclass
class IndicatorFigures:
    indicator: Indicator
    period: Period
    rows: list[dict]  # one per council
    published: list[dict]  # England, then each region
    england_value: Decimal | None
    compared: int  # councils with a value
    left_out: int  # councils with a symbol or no figure
    rows_html: str = ""  # the table's rows (indicator_figures renders them)

    @cached_property
    def chart(self) -> str:
        return charts.distribution_chart(
            self.rows,
            None,
            indicator=self.indicator,
            period_label=self.period.label,
            england_value=self.england_value,
        )


SORT_KEYS = {
    "council": lambda r: (r["council"],),
    "region": lambda r: (r["region"], r["council"]),
    "value": lambda r: (r["value"] is None, r["value"] or 0, r["council"]),
    "rank": lambda r: (r["national_rank"] is None, r["national_rank"] or 0, r["council"]),
}


def indicator_figures(
    *, indicator: Indicator, period: Period, sort: str = "rank"
) -> IndicatorFigures:
    """Every council's figure for one period with national rank (by polarity, ties share) and
    quartile band, and the published England and regional figures, in three queries; with
    each figure written out as its cell shows it, and the chart. For a national indicator,
    kept in the cache until the data changes."""

    key = sort.lstrip("-").partition(":")[0]
    sort = ("-" if sort.startswith("-") else "") + (key if key in SORT_KEYS else "rank")

    template, digest = _fragment(INDICATOR_ROWS_TEMPLATE)

    def compute() -> IndicatorFigures:
        figures = _indicator_figures(indicator=indicator, period=period, sort="rank")
        figures.chart  # noqa: B018 - drawn now, so that it is kept with the figures
        figures.rows_html = template.render(Context({"figures": figures}))
        return figures

    # One entry per indicator and period, in the default order; another order is sorted from
    # it and drawn for the request (every sort key ends with the council's name, so the order
    # does not depend on the one it starts from).
    figures = _cached_if_national(indicator, "indicator-figures", (period.pk, digest), compute)
    if sort != "rank":
        figures = copy.copy(figures)
        figures.rows = sorted(figures.rows, key=SORT_KEYS[key], reverse=sort.startswith("-"))
        figures.rows_html = template.render(Context({"figures": figures}))
    return figures


INDICATOR_ROWS_TEMPLATE = "datasets/includes/indicator_rows.html"


def _fragment(name: str) -> tuple[Template, str]:
    """A template rendered into cached results, with a digest of its source for the cache key
    (so a changed template is rendered again, not read from the cache)."""
    template = cast("DjangoBackendTemplate", loader.get_template(name)).template
    return template, hashlib.sha256(template.source.encode()).hexdigest()


def _indicator_figures(*, indicator: Indicator, period: Period, sort: str) -> IndicatorFigures:
    councils = list(Council.objects.select_related("region").order_by("name"))
    regions = list(Region.objects.order_by("name"))
    figures: dict[int, tuple[Decimal | None, str]] = {}
    published_by_code: dict[str, tuple[Decimal | None, str]] = {}
    for council_id, code, value, symbol in Observation.objects.filter(
        indicator=indicator, period=period
    ).values_list("area__council_id", "area__code", "value", "symbol"):
        if council_id is not None:
            figures[council_id] = (value, symbol)
        else:
            published_by_code[code] = (value, symbol)
    numeric = {cid: v for cid, (v, _) in figures.items() if v is not None}
    ranks = competition_ranks(numeric, indicator.polarity)
    # One reverse() for every council's link: the URL with a stand-in code, then each code.
    profile_url = reverse("datasets:profile", args=["GSSCODE"])
    rows = []
    for council in councils:
        value, symbol = figures.get(council.pk, (None, ""))
        rank = ranks.get(council.pk)
        quartile = quartile_band(rank, len(numeric)) if rank else None
        rows.append(
            {
                "council_id": council.pk,
                "council": council.name,
                "gss_code": council.gss_code,
                "la_number": council.la_number,
                "region": council.region.name,
                "value": value,
                "symbol": symbol,
                "symbol_meaning": symbol_meaning(symbol),
                "has_figure": council.pk in figures,
                "national_rank": rank,
                "quartile": quartile,
                "figure_cell": figure(value, symbol, indicator),
                "band_cell": band_words(quartile, indicator.polarity),
                "profile_href": profile_url.replace("GSSCODE", council.gss_code),
            }
        )
    key, _, _ = sort.lstrip("-").partition(":")
    rows.sort(key=SORT_KEYS.get(key, SORT_KEYS["rank"]), reverse=sort.startswith("-"))
    published = []
    england = published_by_code.get(ENGLAND_CODE, (None, ""))
    published.append(
        {
            "name": "England",
            "value": england[0],
            "symbol": england[1],
            "symbol_meaning": symbol_meaning(england[1]),
            "has_figure": ENGLAND_CODE in published_by_code,
            "figure_cell": figure(england[0], england[1], indicator),
        }
    )
    for region in regions:
        value, symbol = published_by_code.get(region.gss_code, (None, ""))
        published.append(
            {
                "name": region.name,
                "value": value,
                "symbol": symbol,
                "symbol_meaning": symbol_meaning(symbol),
                "has_figure": region.gss_code in published_by_code,
                "figure_cell": figure(value, symbol, indicator),
            }
        )
    return IndicatorFigures(
        indicator=indicator,
        period=period,
        rows=rows,
        published=published,
        england_value=england[0],
        compared=len(numeric),
        left_out=len(councils) - len(numeric),
    )


# --- A council's data profile and comparisons --------------------------------------------------


def council_get(*, user: User, gss_code: str) -> Council:
    """A council for the data pages (published data: any member), or 404."""
    if not access.can_view_published(user):
        raise Http404
    try:
        return Council.objects.select_related("region").get(gss_code=gss_code)
    except Council.DoesNotExist:
        raise Http404 from None


def key_indicators() -> list[Indicator]:
    return list(
        Indicator.objects.filter(is_key=True, council__isnull=True).order_by("theme", "name")
    )


def trend_lines(
    *, council: Council, items: list[Comparison], group_ids: list[int]
) -> dict[int, dict[str, list[dict]]]:
    """For each comparison, England's, the region's and the group's mean figures over the same
    periods as the council's trend (the group mean leaves suppressed figures out). The engine
    reads them with the comparisons (`comparisons(with_lines=True)`): no query here."""
    missing = [c for c in items if c.lines is None]
    if missing:
        raise ValueError("trend_lines needs comparisons(..., with_lines=True)")
    return {c.indicator.pk: c.lines for c in items if c.lines is not None}


DIRECTION_WORDS = {
    "improving": ("Improving", "↗"),
    "worsening": ("Worsening", "↘"),
    "no change": ("No change", "→"),
    "up": ("Going up", "↑"),
    "down": ("Going down", "↓"),
}


def combined_figures(*, council: Council, items: list[Comparison]) -> dict[int, dict]:
    """Where the council has no figure of its own (no value, no symbol) but DfE published one
    for it together with other councils (North and West Northamptonshire "940 / 941" in the
    workforce census, stored as a combined historic area "LA:940/941"): that figure, by
    indicator id, with the councils it covers in words. One query."""
    missing = {(c.indicator.pk, c.period.pk) for c in items if c.value is None and not c.symbol}
    if not missing:
        return {}
    number = str(council.la_number)
    found: dict[int, dict] = {}
    rows = (
        Observation.objects.filter(
            area__level=AreaLevel.HISTORIC,
            area__code__startswith="LA:",
            area__code__contains="/",
            indicator_id__in={i for i, _ in missing},
            period_id__in={p for _, p in missing},
        )
        .values_list("indicator_id", "period_id", "value", "symbol", "area__code", "area__name")
        .order_by("area__code")
    )
    for indicator_id, period_id, value, symbol, code, name in rows:
        if (indicator_id, period_id) not in missing or number not in code[3:].split("/"):
            continue
        names = name.split(" (combined", 1)[0].split(" / ")
        found.setdefault(
            indicator_id,
            {
                "value": value,
                "symbol": symbol,
                "symbol_meaning": symbol_meaning(symbol),
                "councils": " and ".join(
                    [", ".join(names[:-1]), names[-1]] if len(names) > 1 else names
                ),
            },
        )
    return found


def _figures_href(c: Comparison) -> str:
    """The indicator's page at the comparison's period (the query as `urlencode` writes it)."""
    url = reverse("datasets:indicator_detail", args=[c.indicator.code])
    return f"{url}?period={quote(c.period.label, safe='/')}"


def profile_item(
    comparison: Comparison, lines: dict, council: Council, combined: dict | None = None
) -> dict:
    """One key indicator on the data profile: the comparison, its trend chart and table, and
    every figure already written out as its cell shows it (about 30 cells an indicator, which
    as template tags were the page's largest cost)."""
    ind = comparison.indicator
    c = comparison

    def number(value: Decimal | None) -> str:
        return "" if value is None else charts.format_number(value, ind.decimals, ind.unit)

    trend_rows = [
        {
            **t,
            "symbol_meaning": symbol_meaning(t["symbol"]),
            "group": g,
            "region": r,
            "england": e,
            "own_cell": figure(t["value"], t["symbol"], ind),
            "group_cell": number(g["value"]),
            "region_cell": figure(r["value"], r["symbol"], ind),
            "england_cell": figure(e["value"], e["symbol"], ind),
        }
        for t, g, r, e in zip(
            c.trend, lines["group"], lines["region"], lines["england"], strict=True
        )
    ]
    words, arrow = DIRECTION_WORDS.get(c.direction or "", ("Not enough figures", ""))
    return {
        "c": c,
        "combined": combined,
        "combined_cell": figure(combined["value"], combined["symbol"], ind) if combined else "",
        "symbol_meaning": symbol_meaning(c.symbol),
        "region_symbol_meaning": symbol_meaning(c.region_symbol),
        "england_symbol_meaning": symbol_meaning(c.england_symbol),
        "own_cell": figure(c.value, c.symbol, ind),
        "group_mean_cell": number(c.group_mean),
        "region_cell": figure(c.region_value, c.region_symbol, ind),
        "england_cell": figure(c.england_value, c.england_symbol, ind),
        "quartile_words": band_words(c.quartile, ind.polarity),
        "figures_href": _figures_href(c),
        "direction_words": words,
        "direction_arrow": arrow,
        "trend_rows": trend_rows,
        "chart": charts.trend_chart(
            c,
            lines["group"],
            region=lines["region"],
            england=lines["england"],
            region_name=council.region.name,
            council_name=council.name,
        ),
    }


def by_theme(items: list[dict]) -> list[dict]:
    themes: dict[str, list[dict]] = {}
    for item in items:
        themes.setdefault(item["c"].indicator.theme, []).append(item)
    return [{"theme": t, "items": rows} for t, rows in themes.items()]


def data_profile(*, council: Council) -> dict:
    """A council's data profile: every key indicator compared with its statistical neighbours,
    region and England, with trends, grouped by theme (published data only).

    Kept in the cache until the data changes (comparison.cached): two queries when it is
    there (the neighbours, which are part of the key, and the data version lives in Redis)."""
    group_ids = statistical_neighbour_ids(council)
    template, digest = _fragment(PROFILE_ITEM_TEMPLATE)
    parts = (
        council.pk,
        council.la_number,
        council.name,
        council.region.name,
        tuple(group_ids),
        digest,
    )
    profile = cached("profile", parts, lambda: _data_profile(council, group_ids, template))
    return {"council": council, **profile}


PROFILE_ITEM_TEMPLATE = "datasets/includes/profile_indicator.html"


def _data_profile(council: Council, group_ids: list[int], template: Template) -> dict:
    items = comparisons(
        council=council,
        indicators=key_indicators(),
        group_ids=group_ids,
        group_label="Statistical neighbours",
        with_lines=True,
    )
    lines = trend_lines(council=council, items=items, group_ids=group_ids)
    combined = combined_figures(council=council, items=items)
    rows = [
        profile_item(c, lines[c.indicator.pk], council, combined.get(c.indicator.pk)) for c in items
    ]
    # Each indicator's section of the page, rendered once (the PDF renders its own, for_pdf).
    for row in rows:
        row["html"] = template.render(
            Context({"item": row, "council": council, "group_size": len(group_ids)})
        )
    periods = sorted({c.period.label for c in items})
    return {
        "themes": by_theme(rows),
        "group_size": len(group_ids),
        "periods": periods,
        # Indicators the portal derives are not a source DfE publishes: the page says so apart.
        "sources": sorted(
            {c.indicator.get_source_display() for c in items if c.indicator.source != "derived"}
        ),
        "derived": any(c.indicator.source == "derived" for c in items),
    }


# --- Comparison groups --------------------------------------------------------------------------

GROUP_KINDS = {
    "sn": "Statistical neighbours (DfE model)",
    "region": "Councils in the same region",
    "england": "All councils in England",
    "type": "Councils of the same type",
}


def comparison_groups(*, user: User) -> QuerySet[ComparisonGroup]:
    """The user's own saved comparison groups, with how many councils each has."""
    if not access.can_view_published(user):
        return ComparisonGroup.objects.none()
    return ComparisonGroup.objects.filter(owner=user).annotate(size=Count("councils"))


def comparison_group_get(*, user: User, pk: int) -> ComparisonGroup:
    """One of the user's own groups; anyone else's is a 404."""
    try:
        return comparison_groups(user=user).get(pk=pk)
    except ComparisonGroup.DoesNotExist:
        raise Http404 from None


def group_choices(*, user: User, council: Council) -> list[tuple[str, str]]:
    choices = [
        ("sn", GROUP_KINDS["sn"]),
        ("region", f"Councils in {council.region.name}"),
        ("england", GROUP_KINDS["england"]),
        ("type", f"Councils of the same type ({council.get_type_display().lower()})"),
    ]
    if access.can_view_published(user):  # as comparison_groups, without counting members
        groups = ComparisonGroup.objects.filter(owner=user).order_by("name")
        choices += [
            (f"custom-{pk}", f"Your group: {name}") for pk, name in groups.values_list("pk", "name")
        ]
    return choices


def group_members(*, user: User, council: Council, kind: str) -> tuple[list[int], str]:
    """The ids of the councils in a comparison group (never the council itself) and its label."""
    if kind == "region":
        ids = Council.objects.filter(region_id=council.region_id)
        label = f"Councils in {council.region.name}"
    elif kind == "england":
        ids = Council.objects.all()
        label = "All councils in England"
    elif kind == "type":
        ids = Council.objects.filter(type=council.type)
        label = f"{council.get_type_display()}s"
    elif kind.startswith("custom-") and kind[7:].isdigit():
        group = comparison_group_get(user=user, pk=int(kind[7:]))
        ids = group.councils.all()
        label = group.name
    else:
        return statistical_neighbour_ids(council), GROUP_KINDS["sn"]
    return list(ids.exclude(pk=council.pk).values_list("pk", flat=True)), label


def compare(*, user: User, council: Council, kind: str, theme: str | None) -> dict:
    """The council against a chosen group across indicators: key ones, or one theme's.
    Kept in the cache until the data changes: one query (the group) when it is there."""
    group_ids, label = group_members(user=user, council=council, kind=kind)
    template, digest = _fragment(COMPARE_ROWS_TEMPLATE)
    parts = (council.pk, tuple(group_ids), label, theme, digest)
    return cached("compare", parts, lambda: _compare(council, group_ids, label, theme, template))


COMPARE_ROWS_TEMPLATE = "datasets/includes/compare_rows.html"


def _compare(
    council: Council, group_ids: list[int], label: str, theme: str | None, template: Template
) -> dict:
    indicators = Indicator.objects.filter(council__isnull=True)
    indicators = indicators.filter(theme=theme) if theme else indicators.filter(is_key=True)
    items = comparisons(
        council=council,
        indicators=list(indicators.order_by("theme", "name")),
        group_ids=group_ids,
        group_label=label,
    )
    members = list(
        Council.objects.filter(pk__in=group_ids).select_related("region").order_by("name")
    )
    rows = []
    for c in items:
        ind = c.indicator
        rows.append(
            {
                "c": c,
                "symbol_meaning": symbol_meaning(c.symbol),
                "england_symbol_meaning": symbol_meaning(c.england_symbol),
                "own_cell": figure(c.value, c.symbol, ind),
                "group_mean_cell": ""
                if c.group_mean is None
                else charts.format_number(c.group_mean, ind.decimals, ind.unit),
                "england_cell": figure(c.england_value, c.england_symbol, ind),
                "figures_href": _figures_href(c),
            }
        )
    rows_html = template.render(Context({"rows": rows}))
    return {"rows": rows, "rows_html": rows_html, "group_label": label, "members": members}


# --- For early support's risk rules and flags: what they read of the data set --------------


def indicators_with_codes(codes: list[str]) -> list[Indicator]:
    return list(Indicator.objects.filter(code__in=codes))


def indicator_names(codes: list[str] | None = None) -> dict[str, str]:
    """{code: name} of the indicators with these codes (None: every indicator)."""
    indicators = Indicator.objects.all()
    if codes is not None:
        indicators = indicators.filter(code__in=codes)
    return dict(indicators.values_list("code", "name"))


def indicator_formats(codes: set[str]) -> dict[str, tuple[int, str]]:
    """{code: (decimals, unit)} of the indicators with these codes: one query."""
    return {
        code: (decimals, unit)
        for code, decimals, unit in Indicator.objects.filter(code__in=codes).values_list(
            "code", "decimals", "unit"
        )
    }


def is_percentage(unit: str) -> bool:
    from .models import Unit

    return unit == Unit.PERCENTAGE


def has_polarity(indicator: Indicator) -> bool:
    """Whether a higher or a lower figure is better (so councils can be ranked)."""
    from .models import Polarity

    return indicator.polarity != Polarity.NEITHER


def worse_by(value: Decimal, reference: Decimal, polarity: str) -> Decimal | None:
    """How much worse `value` is than `reference` (positive = worse); None with no polarity."""
    from .models import Polarity

    if polarity == Polarity.LOWER:
        return value - reference
    if polarity == Polarity.HIGHER:
        return reference - value
    return None


def ranks(values: dict[int, Decimal], polarity: str) -> dict[int, int]:
    """Competition ranks by polarity, 1 = best (datasets.comparison.competition_ranks)."""
    return competition_ranks(values, polarity)


def quartile(rank: int, count: int) -> str:
    """A (best quarter) … D (worst quarter) from a rank among `count` councils."""
    return quartile_band(rank, count)


def mean_of(values: list[Decimal]) -> Decimal | None:
    from .comparison import mean

    return mean(values)


def published_periods(indicator_ids: list[int], *, count: int) -> dict[int, list[Period]]:
    """For each indicator, its last `count` periods with figures, oldest first (one query)."""
    from .comparison import latest_periods

    return latest_periods(indicator_ids, count=count)


def council_areas() -> dict[int, int]:
    """{area id: council id} of the areas that are councils."""
    from .models import Area

    return dict(Area.objects.filter(council__isnull=False).values_list("id", "council_id"))


def council_figures(
    *, indicator_ids: set[int], period_ids: set[int], area_ids: list[int]
) -> list[tuple[int, int, int, Decimal | None, str]]:
    """(indicator id, period id, area id, value, symbol) of every figure asked for: one query."""
    return list(
        Observation.objects.filter(
            indicator_id__in=indicator_ids, period_id__in=period_ids, area_id__in=area_ids
        ).values_list("indicator_id", "period_id", "area_id", "value", "symbol")
    )


def latest_import_run_id() -> int | None:
    """The newest import run's id: it changes whenever figures are imported."""
    from django.db.models import Max

    from .models import ImportRun

    run_id: int | None = ImportRun.objects.aggregate(m=Max("id"))["m"]
    return run_id


# --- For peer challenge: the councils' standing and a host's key indicators ---------------


def rankable_key_indicators() -> list[Indicator]:
    """The key indicators with a better direction (so councils rank on them)."""
    from .models import Polarity

    return list(Indicator.objects.filter(is_key=True).exclude(polarity=Polarity.NEITHER))


def key_indicator_comparisons(*, council: Council) -> list[Comparison]:
    """The council's key indicators against its statistical neighbours (a fixed query count)."""
    from .comparison import comparisons, statistical_neighbour_ids

    return comparisons(
        council=council,
        indicators=key_indicators(),
        group_ids=statistical_neighbour_ids(council),
        group_label="Statistical neighbours",
    )
