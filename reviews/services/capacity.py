"""The weekly cap on reviews on site: setting it (audited), and holding it while a booking is
scheduled."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from audit.services import audit_record

from ..audit_actions import Action
from ..models import CapacitySetting
from ..selectors.pipeline import DEFAULT_WEEKLY_CAP


class CapacityError(Exception):
    """The cap cannot be set as asked."""


@transaction.atomic
def weekly_cap_set(*, cap: int, actor: Any) -> CapacitySetting:
    """Change the weekly cap (audited)."""
    if cap < 1:
        raise CapacityError("The cap must be at least 1.")
    setting = CapacitySetting.objects.select_for_update().order_by("pk").first()
    before = setting.weekly_cap if setting else DEFAULT_WEEKLY_CAP
    setting = setting or CapacitySetting()
    setting.weekly_cap, setting.updated_by = cap, actor
    setting.save()
    audit_record(
        actor=actor,
        action=Action.CAPACITY_SET,
        obj=setting,
        summary=f"Weekly cap on reviews on site changed from {before} to {cap}",
        before={"weekly_cap": before},
        after={"weekly_cap": cap},
    )
    return setting


def capacity_lock() -> None:
    """Serialise scheduling: hold the capacity row until the transaction ends, so two people
    scheduling at once cannot both take the last place in a week."""
    setting = CapacitySetting.objects.select_for_update().order_by("pk").first()
    if setting is None:
        CapacitySetting.objects.create(weekly_cap=DEFAULT_WEEKLY_CAP)
        CapacitySetting.objects.select_for_update().order_by("pk").first()
