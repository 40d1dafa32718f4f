"""Reads of comparison groups and the comparison of a council with a chosen group."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from django.http import Http404
from django.template import Context, Template

from cib_portal import access
from regions.models import Council

from .. import charts
from ..comparison import (
    cached,
    comparisons,
    statistical_neighbour_ids,
)
from ..models import (
    ComparisonGroup,
    Indicator,
)
from ..templatetags.data_figures import figure
from .catalogue import fragment, symbol_meaning
from .profiles import figures_href

if TYPE_CHECKING:
    from accounts.models import User


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
    template, digest = fragment(COMPARE_ROWS_TEMPLATE)
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
                "figures_href": figures_href(c),
            }
        )
    rows_html = template.render(Context({"rows": rows}))
    return {"rows": rows, "rows_html": rows_html, "group_label": label, "members": members}
