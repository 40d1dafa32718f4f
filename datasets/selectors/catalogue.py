"""Reads of the indicator catalogue: the indicators a person may see, their themes, and
an indicator's figures for a period (ranked, banded, cached for national ones)."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar, cast

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.template import Context, Template, loader
from django.urls import reverse

from cib_portal import access
from regions.models import Council, Region

from .. import charts, permissions
from ..comparison import (
    cached,
    competition_ranks,
    quartile_band,
)
from ..models import (
    ENGLAND_CODE,
    Indicator,
    Observation,
    Period,
    Symbol,
)
from ..templatetags.data_figures import band_words, figure

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


def periods_with_figures(indicator: Indicator) -> list[Period]:
    """The periods an indicator has figures for, oldest first (one query)."""
    return list(
        Period.objects.filter(
            pk__in=Observation.objects.filter(indicator=indicator).values("period_id")
        ).order_by("end_year", "start_year", "label")
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

    template, digest = fragment(INDICATOR_ROWS_TEMPLATE)

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


def fragment(name: str) -> tuple[Template, str]:
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
