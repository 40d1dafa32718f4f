"""Reads of a council's data profile: its key indicators compared, with trends."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.http import Http404
from django.template import Context, Template
from django.urls import reverse

from cib_portal import access
from regions.models import Council

from .. import charts
from ..comparison import (
    Comparison,
    cached,
    comparisons,
    statistical_neighbour_ids,
)
from ..models import (
    AreaLevel,
    Indicator,
    Observation,
)
from ..templatetags.data_figures import band_words, figure
from .catalogue import fragment, symbol_meaning

if TYPE_CHECKING:
    from accounts.models import User


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


def figures_href(c: Comparison) -> str:
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
        "figures_href": figures_href(c),
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
    template, digest = fragment(PROFILE_ITEM_TEMPLATE)
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
