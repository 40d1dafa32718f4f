"""The offer's own rules: whether its window is open, and saving offers and cohorts."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record

from ..audit_actions import Action
from ..models.offers import Cohort, SupportOffer

if TYPE_CHECKING:
    from accounts.models import User


def offer_window_refusal(offer: SupportOffer, on: datetime.date | None = None) -> str:
    """Why the offer cannot be asked for today, or "" when its window is open."""
    day = on or timezone.localdate()
    if offer.window_opens and day < offer.window_opens:
        return f"Requests for {offer.name} open on {offer.window_opens:%-d %B %Y}."
    if offer.window_closes and day > offer.window_closes:
        return f"Requests for {offer.name} closed on {offer.window_closes:%-d %B %Y}."
    return ""


@transaction.atomic
def offer_save(*, user: User | None, offer: SupportOffer, **fields: Any) -> SupportOffer:
    """Create or change an offer (the demo data and the admin's commands), audited."""
    created = offer.pk is None
    for name, value in fields.items():
        setattr(offer, name, value)
    offer.full_clean()
    offer.save()
    audit_record(
        actor=user,
        action=Action.OFFER_SAVE,
        obj=offer,
        summary=("Added" if created else "Changed") + f" the offer {offer.name}",
        after={"code": offer.code, "kind": offer.kind},
    )
    return offer


@transaction.atomic
def cohort_save(*, user: User | None, cohort: Cohort, **fields: Any) -> Cohort:
    created = cohort.pk is None
    for name, value in fields.items():
        setattr(cohort, name, value)
    cohort.save()
    audit_record(
        actor=user,
        action=Action.COHORT_SAVE,
        obj=cohort,
        summary=("Added" if created else "Changed") + f" the cohort {cohort}",
        after={"places": cohort.places, "starts": str(cohort.starts)},
    )
    return cohort
