"""Reads of risk flags: those the user may see, filtered and ordered as the flags list offers,
and the councils they may raise a flag on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce

from regions.models import Council

from .. import permissions
from ..forms.flags import STATUS_NOT_CLOSED
from ..models import Flag, FlagStatus
from .dashboards import PERSON_FLAG_WEIGHT

if TYPE_CHECKING:
    from accounts.models import User

SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "raised": ("Raised", ("raised_at", "pk")),
    # "-severity" (the default) is the most serious first: red, then the rule's weight (the
    # flag's score; a person's flag counts 1, as on the dashboard), then the newest.
    "severity": ("Severity", ("severity", "-score", "-raised_at", "pk")),
    "council": ("Council", ("council__name", "-raised_at", "pk")),
}
DEFAULT_SORT = "-severity"


def flags_visible(*, user: User) -> QuerySet[Flag]:
    """The flags the user may see, with what their rows show."""
    return Flag.objects.filter(permissions.flags_visible_filter(user)).select_related(
        "council", "council__region", "rule", "owner"
    )


def flags_filtered(*, user: User, data: dict[str, Any]) -> tuple[QuerySet[Flag], bool]:
    """The flags the user may see, filtered by the list's filters (a FlagFilterForm's cleaned
    data); and whether any filter but the default (not closed) applies."""
    qs = flags_visible(user=user)
    status = data.get("status") or STATUS_NOT_CLOSED
    filtered = False
    if status == STATUS_NOT_CLOSED:
        qs = qs.exclude(status=FlagStatus.CLOSED)
    elif status != "all":
        qs = qs.filter(status=status)
        filtered = True
    if data.get("severity"):
        qs = qs.filter(severity=data["severity"])
        filtered = True
    if data.get("rule") == "person":
        qs = qs.filter(rule__isnull=True)
        filtered = True
    elif data.get("rule"):
        qs = qs.filter(rule__code=data["rule"])
        filtered = True
    if data.get("region"):
        qs = qs.filter(council__region__gss_code=data["region"])
        filtered = True
    if data.get("council"):
        qs = qs.filter(council__gss_code=data["council"].strip())
        filtered = True
    if data.get("q"):
        qs = qs.filter(council__name__icontains=data["q"].strip())
        filtered = True
    if data.get("mine"):
        qs = qs.filter(owner=user)
        filtered = True
    if data.get("proposed"):
        qs = qs.filter(evidence_gone_at__isnull=False).exclude(status=FlagStatus.CLOSED)
        filtered = True
    return qs, filtered


def flags_ordered(qs: QuerySet[Flag], sort: str) -> QuerySet[Flag]:
    """The flags in the order of one of SORTS (its key; "-key" reversed)."""
    fields = SORTS[sort.lstrip("-")][1]
    if sort.startswith("-"):
        first = fields[0]
        fields = (first[1:] if first.startswith("-") else f"-{first}", *fields[1:])
    score = Coalesce("rule__weight", Value(PERSON_FLAG_WEIGHT))
    order = [
        (score.desc() if f == "-score" else score.asc()) if f.lstrip("-") == "score" else f
        for f in fields
    ]
    return qs.order_by(*order)


def councils_user_may_triage(*, user: User) -> QuerySet[Council]:
    """The councils the user may raise flags on, by name."""
    councils = Council.objects.select_related("region").order_by("name")
    regions = permissions.triage_region_ids(user)
    return councils if regions is None else councils.filter(region_id__in=regions)


def flags_answered_by(*, user: User, support_request: Any) -> list[Flag]:
    """The flags whose agreed support is this support request (support.SupportRequest), for a
    user who may see the council's flags; none for anyone else."""
    if not permissions.can_view_flags(user, support_request.council):
        return []
    return list(
        Flag.objects.filter(support_request=support_request).select_related("council", "rule")
    )
