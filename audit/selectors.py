"""Reads of the audit trail for the apps' pages (a thing's history)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import models
from django.db.models import QuerySet

from .models import AuditEvent


def events_for(obj: models.Model) -> QuerySet[AuditEvent]:
    """The audit events of one object, newest first (AuditEvent's ordering), with their
    actors."""
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")


def objects_with_event_since(
    *, model: type[models.Model], object_ids: Iterable[object], action: str, since: datetime
) -> set[str]:
    """The ids (as text, as the trail keeps them) of those of `model`'s objects among
    `object_ids` with an `action` event recorded after `since`: one query."""
    return set(
        AuditEvent.objects.filter(
            action=action,
            object_type=model._meta.label_lower,
            object_id__in=[str(pk) for pk in object_ids],
            at__gt=since,
        ).values_list("object_id", flat=True)
    )
