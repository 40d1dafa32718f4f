"""Reads for regions and councils. Each selector takes the user and owns its joins, so a
page's query count does not grow with its rows."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404

from cib_portal import access

from .governance import regions_missing_leads
from .models import (
    ADVISER_ROLES,
    Council,
    Judgement,
    Membership,
    OfstedInspection,
    Region,
    StatisticalNeighbour,
)

if TYPE_CHECKING:
    from accounts.models import User

JUDGEMENT_ORDER = {value: i for i, value in enumerate(Judgement.values, start=1)}


def _judgement_rank() -> Case:
    """1 = Outstanding … 4 = Inadequate, for sorting; councils never inspected sort last."""
    return Case(
        *[When(latest_inspection__overall=v, then=Value(i)) for v, i in JUDGEMENT_ORDER.items()],
        default=Value(9),
        output_field=IntegerField(),
    )


def council_list(*, user: User) -> QuerySet[Council]:
    """Every council (published data), with what the list shows, for a member."""
    if not access.can_view_published(user):
        return Council.objects.none()
    return Council.objects.select_related("region", "latest_inspection").annotate(
        judgement_rank=_judgement_rank()
    )


def council_detail(*, user: User, gss_code: str) -> Council:
    """One council with its region, neighbours (in order) and inspection history."""
    if not access.can_view_published(user):
        raise Http404
    try:
        return (
            Council.objects.select_related("region", "latest_inspection")
            .prefetch_related(
                Prefetch(
                    "neighbour_links",
                    queryset=StatisticalNeighbour.objects.select_related(
                        "neighbour__region", "neighbour__latest_inspection"
                    ).order_by("rank"),
                ),
                Prefetch(
                    "inspections",
                    queryset=OfstedInspection.objects.order_by("-inspection_date"),
                ),
            )
            .get(gss_code=gss_code)
        )
    except Council.DoesNotExist:
        raise Http404 from None


def region_list(*, user: User) -> QuerySet[Region]:
    """Every region with its number of councils and their latest Ofsted judgements."""
    if not access.can_view_published(user):
        return Region.objects.none()
    counts = {
        f"n_{value}": Count("councils", filter=Q(councils__latest_inspection__overall=value))
        for value in Judgement.values
    }
    return Region.objects.annotate(n_councils=Count("councils"), **counts).order_by("name")


def region_people(*, region_ids: list[int]) -> dict[int, dict[str, list[Membership]]]:
    """Active governance leads, programme managers and advisers of regions, by region id."""
    people: dict[int, dict[str, list[Membership]]] = {rid: {} for rid in region_ids}
    memberships = (
        Membership.objects.active()
        .filter(organisation__region_id__in=region_ids)
        .select_related("user", "organisation")
        .order_by("role", "user__full_name")
    )
    for m in memberships:
        # A region's organisation: its region_id is one of region_ids, never None.
        people[cast(int, m.organisation.region_id)].setdefault(m.role, []).append(m)
    return people


def region_detail(*, user: User, gss_code: str) -> tuple[Region, list[Council], dict]:
    """A region, its councils, and its people (governance leads, programme manager, advisers)."""
    if not access.can_view_published(user):
        raise Http404
    region = Region.objects.filter(gss_code=gss_code).first()
    if region is None:
        raise Http404
    councils = list(region.councils.select_related("latest_inspection").order_by("name"))
    people = region_people(region_ids=[region.pk])[region.pk]
    national_advisers = list(
        Membership.objects.active()
        .filter(organisation__kind="national", role__in=ADVISER_ROLES)
        .select_related("user")
        .order_by("user__full_name")
    )
    return region, councils, {"by_role": people, "national_advisers": national_advisers}


def national_overview(*, user: User) -> dict:
    """The adviser's national picture: Ofsted outcomes by region, councils judged Inadequate,
    and regions without their governance leads."""
    region_ids = access.adviser_region_ids(user)
    regions = region_list(user=user)
    if region_ids is not None:
        regions = regions.filter(pk__in=region_ids)
    inadequate = (
        council_list(user=user)
        .filter(latest_inspection__overall=Judgement.INADEQUATE)
        .order_by("-latest_inspection__publication_date")
    )
    if region_ids is not None:
        inadequate = inadequate.filter(region_id__in=region_ids)
    totals = {value: 0 for value in Judgement.values}
    region_rows = list(regions)
    for region in region_rows:
        for value in Judgement.values:
            totals[value] += getattr(region, f"n_{value}")
    missing = regions_missing_leads()
    return {
        "regions": region_rows,
        "totals": totals,
        "inadequate": list(inadequate),
        "missing_leads": [
            (r, missing[r.pk])
            for r in Region.objects.filter(pk__in=list(missing)).order_by("name")
            if region_ids is None or r.pk in region_ids
        ],
    }


def neighbour_codes() -> dict[int, list[tuple[int, str, str]]]:
    """Every council's statistical neighbours as (rank, GSS code, band), in official order."""
    out: dict[int, list[tuple[int, str, str]]] = {}
    rows = StatisticalNeighbour.objects.order_by("council_id", "rank").values_list(
        "council_id", "rank", "neighbour__gss_code", "band"
    )
    for council_id, rank, code, band in rows:
        out.setdefault(council_id, []).append((rank, code, band))
    return out


def user_councils(*, user: User) -> list[Council]:
    """Councils where the user holds a council role, by name, with their region, latest
    inspection and statistical neighbours (in rank order) read alongside."""
    ids = access.grants_for(user).council_roles.keys()
    return list(
        Council.objects.filter(pk__in=ids)
        .select_related("region", "latest_inspection")
        .prefetch_related(
            Prefetch(
                "neighbour_links",
                queryset=StatisticalNeighbour.objects.select_related(
                    "neighbour__latest_inspection"
                ).order_by("rank"),
            )
        )
        .order_by("name")
    )


def user_regions(*, user: User) -> list[Region]:
    """Regions where the user holds a regional role."""
    ids = access.grants_for(user).region_roles.keys()
    return list(Region.objects.filter(pk__in=ids).order_by("name"))


def user_memberships(*, user: User) -> list[Membership]:
    return list(
        Membership.objects.active()
        .filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def missing_governance_leads(*, today: date | None = None) -> dict[int, list[str]]:
    """{region id: labels of the governance lead roles nobody holds today}, for the regions
    missing any (for other apps' national views); one query."""
    return regions_missing_leads(today=today)
