"""Reads for mentoring and asks and offers between councils; lists take the user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from cib_portal import access
from regions.models import Council, Judgement, OfstedInspection

from .. import permissions
from ..matching import MentorFacts, RequestFacts
from ..models.mentoring import (
    LOAD_STATUSES,
    AssignmentStatus,
    CouncilAsk,
    CouncilMatch,
    Mentor,
    MentorAssignment,
)
from ..models.offers import OfferKind, SupportRequest

if TYPE_CHECKING:
    import datetime

    from accounts.models import User


def financial_year_of(day: datetime.date) -> int:
    """The year the financial year (April to March) holding `day` starts in."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    import datetime as dt

    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def _today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def council_requests_for_flags(*, council: Council) -> QuerySet[SupportRequest]:
    """The council's support requests, newest first, for a flag's "support agreed"."""
    return (
        SupportRequest.objects.filter(council=council)
        .select_related("offer")
        .order_by("-created_at", "-pk")
    )


def is_mentoring_request(support_request: SupportRequest) -> bool:
    return support_request.offer.kind == OfferKind.MENTORING


def mentor_loads(mentor_ids: list[int], *, year: int | None = None) -> dict[int, int]:
    """Each mentor's mentees this financial year: confirmed and ended assignments started in it."""
    start, end = financial_year_bounds(year if year is not None else financial_year_of(_today()))
    rows = (
        MentorAssignment.objects.filter(
            mentor_id__in=mentor_ids,
            status__in=LOAD_STATUSES,
            started__gte=start,
            started__lte=end,
        )
        .values("mentor_id")
        .annotate(n=Count("pk"))
    )
    return {r["mentor_id"]: r["n"] for r in rows}


@dataclass(frozen=True)
class MentorRow:
    mentor: Mentor
    load: int

    @property
    def capacity_left(self) -> int:
        return max(self.mentor.capacity_per_year - self.load, 0)


def mentors_visible(*, user: User, data: dict[str, str] | None = None) -> QuerySet[Mentor]:
    """The register, for those who may see it (none for anyone else), searched by name,
    council or tag and filtered to the active."""
    if not permissions.can_view_mentors(user):
        return Mentor.objects.none()
    qs = Mentor.objects.select_related("council", "council__region").prefetch_related("conflicts")
    data = data or {}
    if q := (data.get("q") or "").strip():
        qs = qs.filter(
            Q(name__icontains=q) | Q(council__name__icontains=q) | Q(tags__icontains=[q])
        )
    if data.get("active") == "yes":
        qs = qs.filter(active=True)
    if kind := data.get("role_kind"):
        qs = qs.filter(role_kind=kind)
    return qs.order_by("name", "pk")


def mentor_rows(mentors: list[Mentor]) -> list[MentorRow]:
    loads = mentor_loads([m.pk for m in mentors])
    return [MentorRow(m, loads.get(m.pk, 0)) for m in mentors]


def council_challenges(council_ids: list[int]) -> dict[int, frozenset[str]]:
    """What each council came through (or faces): an Inadequate or a 'requires improvement'
    Ofsted judgement in its history, DfE intervention (earlysupport's facts)."""
    from earlysupport.selectors.facts import interventions_filter

    out: dict[int, set[str]] = {cid: set() for cid in council_ids}
    for cid, overall in OfstedInspection.objects.filter(council_id__in=council_ids).values_list(
        "council_id", "overall"
    ):
        if overall == Judgement.INADEQUATE:
            out[cid].add("inadequate_inspection")
        elif overall == Judgement.REQUIRES_IMPROVEMENT:
            out[cid].add("requires_improvement")
    for cid in (
        interventions_filter()
        .filter(council_id__in=council_ids)
        .values_list("council_id", flat=True)
    ):
        out[cid].add("intervention")
    return {cid: frozenset(v) for cid, v in out.items()}


def current_challenges(council: Council) -> frozenset[str]:
    """What the requesting council faces now: its latest judgement, intervention in force."""
    from earlysupport.selectors.facts import interventions_filter

    faces: set[str] = set()
    latest = OfstedInspection.objects.filter(council=council).order_by("-inspection_date").first()
    if latest and latest.overall == Judgement.INADEQUATE:
        faces.add("inadequate_inspection")
    elif latest and latest.overall == Judgement.REQUIRES_IMPROVEMENT:
        faces.add("requires_improvement")
    if interventions_filter(council=council, active_on=_today()).exists():
        faces.add("intervention")
    return frozenset(faces)


def proposal_facts(
    support_request: SupportRequest, *, political_group: str = ""
) -> tuple[RequestFacts, list[MentorFacts], dict[int, Mentor]]:
    """The request's and every active mentor's facts for support.matching."""
    council = support_request.council
    request_facts = RequestFacts(
        council_id=council.pk,
        council_name=council.name,
        challenges=current_challenges(council),
        political_group=political_group,
    )
    mentors = list(
        Mentor.objects.filter(active=True)
        .select_related("council")
        .prefetch_related("conflicts")
        .order_by("pk")
    )
    loads = mentor_loads([m.pk for m in mentors])
    challenges = council_challenges(sorted({m.council_id for m in mentors}))
    facts = [
        MentorFacts(
            id=m.pk,
            name=m.name,
            council_id=m.council_id,
            council_name=m.council.name,
            capacity=m.capacity_per_year,
            load=loads.get(m.pk, 0),
            political_group=m.political_group,
            tags=frozenset(m.tags),
            conflicts=frozenset(c.pk for c in m.conflicts.all()),
            challenges=challenges.get(m.council_id, frozenset()),
            active=m.active,
        )
        for m in mentors
    ]
    return request_facts, facts, {m.pk: m for m in mentors}


def assignments_for(support_request: SupportRequest) -> QuerySet[MentorAssignment]:
    return (
        MentorAssignment.objects.filter(support_request=support_request)
        .select_related("mentor", "mentor__council", "decided_by")
        .order_by("-status", "-created_at", "pk")
    )


def confirmed_assignment(support_request: SupportRequest) -> MentorAssignment | None:
    return assignments_for(support_request).filter(status=AssignmentStatus.CONFIRMED).first()


# --- Asks and offers between councils -------------------------------------------------------


def asks_visible(*, user: User) -> QuerySet[CouncilAsk]:
    """Asks and offers are shared with every member (that is their point); none for others.
    support.filters.CouncilAskFilter filters them by theme, kind and open or closed."""
    if not permissions.can_view_asks(user):
        return CouncilAsk.objects.none()
    return CouncilAsk.objects.select_related("council", "council__region").order_by(
        "-created_at", "-pk"
    )


def matches_visible(*, user: User) -> QuerySet[CouncilMatch]:
    """Brokered matches the user may see: those of councils whose support records they see."""
    qs = CouncilMatch.objects.select_related(
        "ask", "ask__council", "ask__council__region", "offer", "offer__council", "brokered_by"
    )
    grants = access.grants_for(user)
    if grants.is_national_staff:
        return qs
    ids = [
        m.pk
        for m in qs
        if permissions.can_view_match(user, m)  # few rows: a register of brokered matches
    ]
    return qs.filter(pk__in=ids)


def matches_for(ask: CouncilAsk) -> QuerySet[CouncilMatch]:
    return CouncilMatch.objects.filter(Q(ask=ask) | Q(offer=ask)).select_related(
        "ask", "ask__council", "offer", "offer__council", "brokered_by"
    )


def offers_to_match(ask: CouncilAsk) -> QuerySet[CouncilAsk]:
    """The open posts of the other kind from other councils, same theme first."""
    other = "offer" if ask.kind == "ask" else "ask"
    return (
        CouncilAsk.objects.filter(kind=other, is_open=True)
        .exclude(council=ask.council)
        .select_related("council")
        .annotate(
            other_theme=Case(
                When(theme=ask.theme, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("other_theme", "-created_at", "-pk")
    )


def mentoring_request_for(user: User, pk: int) -> SupportRequest | None:
    """The mentoring request the user may see (its request's own rule), or None."""
    found = (
        SupportRequest.objects.select_related("council", "council__region", "offer", "requested_by")
        .filter(pk=pk, offer__kind=OfferKind.MENTORING)
        .first()
    )
    if found is None or not permissions.can_view_mentoring(user, found):
        return None
    return found


def ask_for(user: User, pk: int) -> CouncilAsk | None:
    if not permissions.can_view_asks(user):
        return None
    return (
        CouncilAsk.objects.select_related("council", "council__region", "posted_by")
        .filter(pk=pk)
        .first()
    )


def councils_user_posts_for(user: User) -> list[Council]:
    """Councils the user may post asks and offers for: their own, or those an adviser covers."""
    grants = access.grants_for(user)
    qs = Council.objects.order_by("name")
    if grants.is_national_staff:
        return list(qs)
    regions = access.adviser_region_ids(user) or frozenset()
    return list(qs.filter(Q(pk__in=permissions.ask_council_ids(user)) | Q(region_id__in=regions)))


def support_request_by_pk(pk: int) -> SupportRequest | None:
    """A support request by id, for another app linking one (a risk flag's agreed support);
    the caller's service checks it is the right council's."""
    return SupportRequest.objects.select_related("council", "offer").filter(pk=pk).first()
