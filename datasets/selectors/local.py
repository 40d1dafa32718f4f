"""Reads of local indicators: a council's own measures, confidential to it unless it shares
them (who may see them: datasets.permissions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from cib_portal import access
from regions.models import Council

from .. import permissions
from ..models import (
    Indicator,
    Observation,
    Source,
)

if TYPE_CHECKING:
    from accounts.models import User


def local_indicator_councils(*, user: User) -> QuerySet[Council]:
    """The councils whose local indicators the user keeps: those where they hold a role."""
    return Council.objects.filter(pk__in=access.grants_for(user).council_roles).order_by("name")


def other_local_indicators(*, user: User, own: list[Council]) -> list[Indicator]:
    """Local indicators of councils other than the user's own that they may see: shared ones,
    and the unshared ones of councils whose local indicators they may read."""
    others = (
        Indicator.objects.filter(source=Source.LOCAL)
        .exclude(council__in=own)
        .select_related("council")
        .order_by("council__name", "name")
    )
    visible = set(
        permissions.councils_with_local_indicator_access(user).values_list("pk", flat=True)
    )
    return [i for i in others if i.is_shared or i.council_id in visible]


def visible_local_indicators(*, user: User, council: Council) -> QuerySet[Indicator]:
    """The council's local indicators this user may see (none for non-members)."""
    qs = Indicator.objects.filter(council=council, source=Source.LOCAL)
    if permissions.can_view_local_indicators(user, council):
        return qs
    if access.is_member(user):
        return qs.filter(is_shared=True)
    return qs.none()


def local_profile_rows(*, user: User, council: Council) -> list[dict]:
    """The council's visible local indicators with their latest value or symbol.

    Each row: indicator (Indicator), period (label or None), value (Decimal or None),
    symbol (str), shared (bool). Indicators with no value yet are included with period None.
    """
    indicators = list(visible_local_indicators(user=user, council=council).order_by("name"))
    if not indicators:
        return []
    latest: dict[int, Observation] = {}
    area_filter = Q(area__council=council)
    observations = (
        Observation.objects.filter(area_filter, indicator__in=indicators)
        .select_related("period")
        .order_by("indicator_id", "-period__end_year", "-period__start_year", "-period__label")
    )
    for obs in observations:
        latest.setdefault(obs.indicator_id, obs)
    rows = []
    for ind in indicators:
        found = latest.get(ind.pk)
        rows.append(
            {
                "indicator": ind,
                "period": found.period.label if found else None,
                "value": found.value if found else None,
                "symbol": found.symbol if found else "",
                "shared": ind.is_shared,
            }
        )
    return rows


def local_indicator_values(indicator: Indicator) -> list[Observation]:
    """The indicator's values, newest period first."""
    return list(
        Observation.objects.filter(indicator=indicator)
        .select_related("period")
        .order_by("-period__end_year", "-period__start_year", "-period__label")
    )
