"""Reads for reviews that other apps' pages show (the reviewer's home)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import TeamAssignment


def reviewer_assignments(*, user: Any) -> QuerySet[TeamAssignment]:
    """The user's places on review teams while they are on them (as access.can_view_booking
    decides), soonest first, with the booking, its council and product."""
    return (
        TeamAssignment.objects.filter(is_active=True, reviewer__user_id=user.pk)
        .select_related("booking__council", "booking__product")
        .order_by("booking__first_on_site_day", "booking_id")
    )
