"""Reads of the facts the risk rules read: interventions and DCS tenures, by council, region
and the day they were in force."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from regions.models import Council

from ..models import DcsTenure, Intervention

if TYPE_CHECKING:
    from accounts.models import User


def _facts_filter(
    model: Any, *, council: Council | None, region_id: int | None, on: datetime.date | None
) -> QuerySet[Any]:
    qs = model.objects.select_related("council", "council__region")
    if council is not None:
        qs = qs.filter(council=council)
    if region_id:
        qs = qs.filter(council__region_id=region_id)
    if on:
        qs = qs.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    return qs


def interventions_filter(
    *,
    council: Council | None = None,
    region_id: int | None = None,
    kind: str = "",
    active_on: datetime.date | None = None,
) -> QuerySet[Intervention]:
    qs = _facts_filter(Intervention, council=council, region_id=region_id, on=active_on)
    return qs.filter(kind=kind) if kind else qs


def dcs_filter(
    *, council: Council | None = None, region_id: int | None = None, on: datetime.date | None = None
) -> QuerySet[DcsTenure]:
    return _facts_filter(DcsTenure, council=council, region_id=region_id, on=on)


def fact_sources_loaded(*, user: User) -> list[dict[str, Any]]:
    """For those who load them (the fact pages' own rule): each source of facts the risk rules
    read, with whether it was ever loaded. One query; nothing for anyone else."""
    from ..permissions import can_edit_risk_facts
    from ..sources import DCS_HISTORY, INTERVENTIONS, sources_loaded

    if not can_edit_risk_facts(user):
        return []
    loaded = sources_loaded(INTERVENTIONS, DCS_HISTORY)
    return [{"source": s, "loaded": loaded[s.key]} for s in (INTERVENTIONS, DCS_HISTORY)]
