"""A request's place: taken from its cohort (or from its offer, for one with places of its own
and no cohorts) with ONE conditional UPDATE, the CHECK constraint as the last word, and freed
on a cancellation."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet

from ..models.offers import Cohort, SupportOffer, SupportRequest


def full(cohort: Cohort | None) -> str:
    return (
        "The cohort is full."
        if cohort is not None
        else "The offer's places are all taken: it is full."
    )


def take_place(request: SupportRequest) -> bool:
    """One conditional UPDATE on the cohort (or on the offer, for one with places of its own
    and no cohorts): a place if one is left, else False; the CHECK is the last word. True when
    there are no places to count."""
    rows: QuerySet[Any]
    if request.cohort_id is not None:
        rows = Cohort.objects.filter(pk=request.cohort_id, places_taken__lt=F("places"))
    elif request.offer.places is not None:
        rows = SupportOffer.objects.filter(pk=request.offer_id, places_taken__lt=F("places"))
    else:
        return True
    try:
        with transaction.atomic():
            taken = rows.update(places_taken=F("places_taken") + 1)
    except IntegrityError:
        return False
    return taken == 1


def counts_places(request: SupportRequest) -> bool:
    return request.cohort_id is not None or request.offer.places is not None


def free_place(request: SupportRequest) -> None:
    rows: QuerySet[Any]
    if request.cohort_id is not None:
        rows = Cohort.objects.filter(pk=request.cohort_id, places_taken__gt=0)
    else:
        rows = SupportOffer.objects.filter(pk=request.offer_id, places_taken__gt=0)
    rows.update(places_taken=F("places_taken") - 1)
