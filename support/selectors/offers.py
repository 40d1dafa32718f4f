"""Reads of the offer: the catalogue (with places left) and one offer."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Sum, When
from django.utils import timezone

from ..models.offers import Cohort, SupportOffer

if TYPE_CHECKING:
    from cib_portal.access import UserOrAnonymous


def open_now_q(on: datetime.date | None = None) -> Q:
    day = on or timezone.localdate()
    return (Q(window_opens__isnull=True) | Q(window_opens__lte=day)) & (
        Q(window_closes__isnull=True) | Q(window_closes__gte=day)
    )


def catalogue(user: UserOrAnonymous) -> QuerySet[SupportOffer]:
    """Every offer, with its places left (its cohorts', or its own; None where it counts
    none).
    The catalogue is open to every member: the view asks permissions first."""
    return (
        SupportOffer.objects.annotate(
            cohort_places=Sum("cohorts__places"),
            cohort_places_taken=Sum("cohorts__places_taken"),
        )
        .annotate(
            places_left=Case(
                When(
                    cohort_places__isnull=False,
                    then=F("cohort_places") - F("cohort_places_taken"),
                ),
                When(places__isnull=False, then=F("places") - F("places_taken")),
                default=None,
                output_field=IntegerField(),
            )
        )
        .prefetch_related(Prefetch("cohorts", queryset=Cohort.objects.order_by("starts")))
        .order_by("name")
    )


def offer_by_code(code: str) -> SupportOffer | None:
    return SupportOffer.objects.prefetch_related("cohorts").filter(code=code).first()


def requestable_offers() -> QuerySet[SupportOffer]:
    return SupportOffer.objects.filter(requestable=True, booking_url="").order_by("name")
