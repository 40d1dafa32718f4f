"""Reads of the audit trail for the apps' pages (a thing's history)."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from .models import AuditEvent


def events_for(obj: models.Model) -> QuerySet[AuditEvent]:
    """The audit events of one object, newest first (AuditEvent's ordering), with their
    actors."""
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")
