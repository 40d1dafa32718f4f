"""Devolved funds jobs, run by Celery beat."""

from __future__ import annotations

from cib_portal.tasks import reliable_task

from .services.returns import returns_remind


@reliable_task
def send_return_reminders(self) -> int:
    """Celery beat, daily: quarterly returns due within 14 days (the region, once) and
    overdue returns (escalated to CIB and the region's leads, once)."""
    return returns_remind()
