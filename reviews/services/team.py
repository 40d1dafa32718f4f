"""Team assembly: who may review a booking, a proposed team, and assigning people to it.

The rules (DOMAIN.md, "Teams and scheduling"): a reviewer never reviews their own council, a
council they worked for in the last five years, or one they declared a conflict with; never
while their accreditation for the type lapses on an on-site day; never while unavailable; and
never on two bookings whose on-site days overlap (the last is also an exclusion constraint in
the database, so two people assigning at once cannot double-book).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Q, QuerySet

from audit.services import audit_record

from ..audit_actions import Action
from ..models import (
    Accreditation,
    Booking,
    BookingStatus,
    Conflict,
    RecentEmployment,
    Reviewer,
    ReviewerType,
    TeamAssignment,
    Unavailability,
)

DOUBLE_BOOKING_CONSTRAINT = "reviewer_never_double_booked"
RECENT_EMPLOYMENT_YEARS = 5
CLOSED_STATUSES = (BookingStatus.CANCELLED, BookingStatus.CLOSED, BookingStatus.REPORT_PUBLISHED)


def type_label(reviewer_type: str) -> str:
    """A reviewer type in words (a type edited into a product may be unknown: shown as is)."""
    return dict(ReviewerType.choices).get(reviewer_type, reviewer_type)


class TeamError(Exception):
    """A reviewer cannot be put on (or taken off) a team as asked; the message says why."""


@dataclass(frozen=True)
class Candidate:
    """A reviewer considered for one reviewer type on a booking, with any reasons against."""

    reviewer: Reviewer
    reviewer_type: str
    days_this_year: int
    reasons: tuple[str, ...] = ()

    @property
    def eligible(self) -> bool:
        return not self.reasons

    @property
    def type_label(self) -> str:
        return type_label(self.reviewer_type)


@dataclass
class Proposal:
    """A team that meets the product's make-up as far as the register allows."""

    booking: Booking
    make_up: dict[str, int]
    current: list[TeamAssignment]
    proposed: list[Candidate] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    excluded: list[Candidate] = field(default_factory=list)
    shortfall: dict[str, int] = field(default_factory=dict)

    @property
    def is_complete(self) -> bool:
        return not self.shortfall


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _last_day(booking: Booking) -> date:
    return booking.on_site.upper - timedelta(days=1)


DAYS_IN_YEAR_SQL = """
    SELECT reviewer_id,
           SUM(upper(on_site * daterange(%s, %s)) - lower(on_site * daterange(%s, %s)))
    FROM reviews_teamassignment
    WHERE is_active AND on_site && daterange(%s, %s)
    GROUP BY reviewer_id
"""
DAYS_IN_YEAR_OF_SOME_SQL = DAYS_IN_YEAR_SQL.replace(
    "GROUP BY", "AND reviewer_id = ANY(%s) GROUP BY"
)


def _days_this_year(reviewer_ids: list[int] | None, year: int) -> dict[int, int]:
    """On-site days of active assignments falling in a calendar year, by reviewer (of the
    reviewers given; None: of everyone)."""
    if reviewer_ids is not None and not reviewer_ids:
        return {}
    params: list[Any] = [date(year, 1, 1), date(year + 1, 1, 1)] * 3
    sql = DAYS_IN_YEAR_SQL if reviewer_ids is None else DAYS_IN_YEAR_OF_SOME_SQL
    if reviewer_ids is not None:
        params.append(reviewer_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {rid: days or 0 for rid, days in cursor.fetchall()}


def _assess(booking: Booking, reviewers: list[Reviewer], types: list[str]) -> list[Candidate]:
    """Every (reviewer, type) pair among `types` the reviewers hold, with reasons against."""
    first, last = booking.on_site.lower, _last_day(booking)
    council = booking.council
    ids = [r.pk for r in reviewers]

    def mine(queryset: QuerySet[Any]) -> QuerySet[Any]:
        # For a handful of reviewers, ask about them only; for the whole register, skip the
        # long IN list (building it costs more than reading the few extra rows).
        return queryset.filter(reviewer_id__in=ids) if len(ids) <= 50 else queryset

    conflicts = dict(
        mine(Conflict.objects.filter(council=council)).values_list("reviewer_id", "reason")
    )
    recent_since = first - relativedelta(years=RECENT_EMPLOYMENT_YEARS)
    recent = set(
        mine(RecentEmployment.objects.filter(council=council))
        .filter(Q(worked_until__isnull=True) | Q(worked_until__gte=recent_since))
        .values_list("reviewer_id", flat=True)
    )
    accredited = set(
        mine(
            Accreditation.objects.filter(
                reviewer_type__in=types, valid_from__lte=first, expires_on__gte=last
            )
        ).values_list("reviewer_id", "reviewer_type")
    )
    unavailable: dict[int, Any] = {}
    for rid, days in mine(Unavailability.objects.filter(days__overlap=booking.on_site)).values_list(
        "reviewer_id", "days"
    ):
        unavailable.setdefault(rid, days)
    busy: dict[int, Booking] = {}
    for assignment in (
        mine(TeamAssignment.objects.filter(is_active=True, on_site__overlap=booking.on_site))
        .exclude(booking=booking)
        .select_related("booking__council", "booking__product")
    ):
        busy.setdefault(assignment.reviewer_id, assignment.booking)
    on_team = set(mine(booking.team.filter(is_active=True)).values_list("reviewer_id", flat=True))
    days = _days_this_year(ids if len(ids) <= 50 else None, first.year)

    out = []
    for reviewer in reviewers:
        common: list[str] = []
        if reviewer.pk in on_team:
            common.append("Already on this team.")
        if reviewer.home_council_id == council.pk:
            common.append(f"Works for {council.name}, the council under review.")
        if reviewer.pk in recent:
            common.append(f"Worked for {council.name} in the last five years.")
        if reviewer.pk in conflicts:
            common.append(f"Declared a conflict of interest: {conflicts[reviewer.pk]}.")
        if reviewer.pk in unavailable:
            span = unavailable[reviewer.pk]
            common.append(
                f"Unavailable from {_long(span.lower)} to {_long(span.upper - timedelta(days=1))}."
            )
        if reviewer.pk in busy:
            other = busy[reviewer.pk]
            common.append(
                f"On the team for {other.product.name} at {other.council.name} "
                f"from {_long(other.on_site.lower)}, which overlaps."
            )
        for reviewer_type in types:
            if reviewer_type not in reviewer.types:
                continue
            reasons = list(common)
            if (reviewer.pk, reviewer_type) not in accredited:
                reasons.append(
                    f"Not accredited as {type_label(reviewer_type).lower()} for every "
                    f"on-site day ({_long(first)} to {_long(last)})."
                )
            out.append(Candidate(reviewer, reviewer_type, days.get(reviewer.pk, 0), tuple(reasons)))
    return out


def team_make_up(booking: Booking) -> dict[str, int]:
    """The product's make-up: how many reviewers of each type the team needs."""
    return {t: int(n) for t, n in (booking.product.team_make_up or {}).items() if int(n) > 0}


def team_shortfall(booking: Booking) -> dict[str, int]:
    """How many more reviewers of each type the booking's active team needs to meet the
    product's make-up (empty: the team is complete)."""
    make_up = team_make_up(booking)
    have: dict[str, int] = {}
    for reviewer_type in booking.team.filter(is_active=True).values_list(
        "reviewer_type", flat=True
    ):
        have[reviewer_type] = have.get(reviewer_type, 0) + 1
    # In the register's order of types (the product's JSON keeps no order); unknown ones last.
    order = {t: i for i, t in enumerate(ReviewerType.values)}
    return {
        t: make_up[t] - have.get(t, 0)
        for t in sorted(make_up, key=lambda t: (order.get(t, len(order)), t))
        if have.get(t, 0) < make_up[t]
    }


def _plural(label: str) -> str:
    # "Reviewer from another sector" → "reviewers from another sector"; others take an s.
    head, sep, tail = label.lower().partition(" from ")
    return f"{head}s{sep}{tail}"


def type_count_in_words(reviewer_type: str, n: int) -> str:
    """E.g. "1 lead reviewer", "2 officer peers", "2 reviewers from another sector"."""
    label = type_label(reviewer_type)
    return f"{n} {label.lower() if n == 1 else _plural(label)}"


def shortfall_in_words(shortfall: dict[str, int]) -> str:
    """E.g. "1 more lead reviewer and 2 more officer peers"."""
    parts = [
        f"{n} more {type_label(t).lower() if n == 1 else _plural(type_label(t))}"
        for t, n in shortfall.items()
    ]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _balance_key(candidate: Candidate) -> tuple:
    # Fewest on-site days this year first; name and id make the choice deterministic.
    return (candidate.days_this_year, candidate.reviewer.name, candidate.reviewer.pk)


def team_proposal(booking: Booking) -> Proposal:
    """Propose a team meeting the product's make-up, and list the other candidates and the
    reviewers excluded with the reasons why."""
    make_up = team_make_up(booking)
    types = list(make_up)
    current = list(
        booking.team.filter(is_active=True).select_related("reviewer").order_by("reviewer__name")
    )
    reviewers = list(
        Reviewer.objects.filter(is_active=True, types__overlap=types).only(
            "pk", "name", "types", "home_council_id", "is_active"
        )
    )
    assessed = _assess(booking, reviewers, types)
    proposal = Proposal(booking=booking, make_up=make_up, current=current)
    chosen: set[int] = {a.reviewer_id for a in current}
    eligible = sorted((c for c in assessed if c.eligible), key=_balance_key)
    for reviewer_type, wanted in make_up.items():
        have = sum(1 for a in current if a.reviewer_type == reviewer_type)
        for candidate in eligible:
            if have >= wanted:
                break
            if candidate.reviewer_type == reviewer_type and candidate.reviewer.pk not in chosen:
                proposal.proposed.append(candidate)
                chosen.add(candidate.reviewer.pk)
                have += 1
        if have < wanted:
            proposal.shortfall[reviewer_type] = wanted - have
    proposed_pairs = {(c.reviewer.pk, c.reviewer_type) for c in proposal.proposed}
    proposal.candidates = [
        c for c in eligible if (c.reviewer.pk, c.reviewer_type) not in proposed_pairs
    ]
    proposal.excluded = sorted(
        (c for c in assessed if not c.eligible and c.reviewer.pk not in chosen),
        key=lambda c: (c.reviewer.name, c.reviewer.pk, c.reviewer_type),
    )
    return proposal


def team_check(*, booking: Booking, reviewer: Reviewer, reviewer_type: str) -> list[str]:
    """The reasons `reviewer` may not join `booking`'s team as `reviewer_type` (none: may)."""
    if booking.status in CLOSED_STATUSES:
        return [f"The booking is {booking.get_status_display().lower()}."]
    if reviewer_type not in ReviewerType.values:
        return ["Choose a reviewer type."]
    if not reviewer.is_active:
        return [f"{reviewer.name} is no longer on the register."]
    if reviewer_type not in reviewer.types:
        return [f"{reviewer.name} is not a {ReviewerType(reviewer_type).label.lower()}."]
    (candidate,) = _assess(booking, [reviewer], [reviewer_type])
    return list(candidate.reasons)


def team_assign(
    *, booking: Booking, reviewer: Reviewer, reviewer_type: str, assigned_by: Any
) -> TeamAssignment:
    """Put a reviewer on a booking's team, refusing one the rules exclude (the database has
    the last word on overlapping bookings)."""
    reasons = team_check(booking=booking, reviewer=reviewer, reviewer_type=reviewer_type)
    if reasons:
        raise TeamError(f"{reviewer.name} cannot join this team: {' '.join(reasons)}")
    try:
        with transaction.atomic():
            assignment = TeamAssignment.objects.create(
                booking=booking,
                reviewer=reviewer,
                reviewer_type=reviewer_type,
                on_site=booking.on_site,
                assigned_by=assigned_by,
            )
            audit_record(
                actor=assigned_by,
                action=Action.TEAM_ASSIGN,
                obj=booking,
                summary=f"{reviewer.name} assigned as {ReviewerType(reviewer_type).label} "
                f"to {booking}",
                after={"reviewer_id": reviewer.pk, "reviewer_type": reviewer_type},
            )
    except (IntegrityError, OperationalError) as exc:
        # Two assignments checked against the exclusion constraint at once may also end in a
        # deadlock, PostgreSQL failing one of them: to the person it is the same clash.
        deadlock = getattr(exc.__cause__, "pgcode", None) == "40P01"
        if DOUBLE_BOOKING_CONSTRAINT in str(exc) or deadlock:
            raise TeamError(
                f"{reviewer.name} cannot join this team: they were put on another booking "
                "whose on-site days overlap at the same moment. Choose someone else."
            ) from exc
        raise
    return assignment


@transaction.atomic
def team_confirm(*, booking: Booking, proposal: Proposal, assigned_by: Any) -> int:
    """Assign the whole proposed team, or nobody if one of them can no longer join."""
    for candidate in proposal.proposed:
        team_assign(
            booking=booking,
            reviewer=candidate.reviewer,
            reviewer_type=candidate.reviewer_type,
            assigned_by=assigned_by,
        )
    return len(proposal.proposed)


@transaction.atomic
def team_remove(*, assignment: TeamAssignment, removed_by: Any) -> TeamAssignment:
    """Take a reviewer off a team (the assignment is kept, inactive, for the record)."""
    assignment = TeamAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.is_active:
        raise TeamError("That reviewer is no longer on the team.")
    assignment.is_active = False
    assignment.save(update_fields=["is_active"])
    audit_record(
        actor=removed_by,
        action=Action.TEAM_REMOVE,
        obj=assignment.booking,
        summary=f"{assignment.reviewer.name} taken off the team for {assignment.booking}",
        before={"reviewer_id": assignment.reviewer_id},
    )
    return assignment
