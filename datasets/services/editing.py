"""Writes behind the data pages: national staff's edits to an indicator, and people's saved
comparison groups."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction

from audit.services import audit_record
from regions.models import Council

from ..audit_actions import Action
from ..models import ComparisonGroup, Indicator

if TYPE_CHECKING:
    from accounts.models import User

EDITABLE_FIELDS = ("name", "theme", "definition", "polarity", "is_key")


class DataEditError(Exception):
    """A change to the data set's catalogue or a group cannot be made; the message says why."""


@transaction.atomic
def indicator_update(*, actor: User, indicator: Indicator, changes: dict[str, Any]) -> Indicator:
    """Change an indicator's name, theme, definition, polarity or key flag, recorded in the
    audit trail with the figures before and after."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DataEditError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    if indicator.is_local:
        raise DataEditError("Local indicators are changed by their council.")
    before = {f: getattr(indicator, f) for f in EDITABLE_FIELDS}
    for name, value in changes.items():
        setattr(indicator, name, value)
    after = {f: getattr(indicator, f) for f in EDITABLE_FIELDS}
    if before == after:
        return indicator
    indicator.save(update_fields=[*EDITABLE_FIELDS, "updated_at"])
    changed = [f for f in EDITABLE_FIELDS if before[f] != after[f]]
    audit_record(
        actor=actor,
        action=Action.INDICATOR_UPDATE,
        obj=indicator,
        summary=f"Changed {', '.join(changed)} of indicator {indicator.code}",
        before={f: before[f] for f in changed},
        after={f: after[f] for f in changed},
    )
    return indicator


@transaction.atomic
def comparison_group_create(
    *, owner: User, name: str, councils: Iterable[Council]
) -> ComparisonGroup:
    """Save a new comparison group for its owner."""
    group = ComparisonGroup.objects.create(owner=owner, name=name)
    group.councils.set(councils)
    return group


@transaction.atomic
def comparison_group_update(
    *, group: ComparisonGroup, name: str, councils: Iterable[Council]
) -> ComparisonGroup:
    """Rename a comparison group and change its councils."""
    group.name = name
    group.save(update_fields=["name"])
    group.councils.set(councils)
    return group


def comparison_group_delete(*, group: ComparisonGroup) -> None:
    """Delete a comparison group (its councils are untouched)."""
    group.delete()
