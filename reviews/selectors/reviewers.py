"""Reads of the reviewer register: the list the programme manager searches, and one reviewer's
page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from .. import permissions
from ..models import Accreditation, Reviewer

if TYPE_CHECKING:
    from accounts.models import User


def reviewer_list(
    *, user: User, q: str = "", reviewer_type: str = "", accreditation: str = ""
) -> QuerySet[Reviewer]:
    """Reviewers on the register the user may see (the programme manager's: all of them),
    searched by name, email or organisation, filtered by type and accreditation status."""

    if not permissions.can_manage_reviewers(user):
        return Reviewer.objects.none()
    today = timezone.localdate()
    current = Accreditation.objects.filter(
        reviewer=OuterRef("pk"), valid_from__lte=today, expires_on__gte=today
    )
    reviewers = (
        Reviewer.objects.select_related("home_council")
        .annotate(is_accredited=Exists(current))
        .order_by("name", "pk")
    )
    if q.strip():
        term = q.strip()
        reviewers = reviewers.filter(
            Q(name__icontains=term) | Q(email__icontains=term) | Q(organisation__icontains=term)
        )
    if reviewer_type:
        reviewers = reviewers.filter(types__contains=[reviewer_type])
    if accreditation == "current":
        reviewers = reviewers.filter(is_accredited=True)
    elif accreditation == "lapsed":
        reviewers = reviewers.filter(is_accredited=False)
    return reviewers


def reviewer_detail(*, pk: int) -> Reviewer:
    """One reviewer with everything the detail page shows, in a fixed number of queries."""
    return (
        Reviewer.objects.select_related("home_council", "user")
        .prefetch_related(
            "accreditations", "unavailability", "conflicts__council", "employment__council"
        )
        .get(pk=pk)
    )
