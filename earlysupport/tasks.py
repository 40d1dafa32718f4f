"""Early support jobs: the nightly evaluation of the risk rules (Celery beat), also queued
after each data import."""

from __future__ import annotations

from cib_portal.tasks import reliable_task


@reliable_task
def evaluate_risk_flags_nightly(self) -> dict:
    """Evaluate every active rule as of today: raise, update or propose flags for closing."""
    from .evaluation import evaluate_risk_flags

    result = evaluate_risk_flags()
    return {
        "raised": result.raised,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "gone": result.gone,
    }
