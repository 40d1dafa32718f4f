"""Reads of challenges for the home pages: the challenges a person is on as a challenger, the
ones their councils host, and each one's next date. Each runs a fixed number of queries,
whatever the number of challenges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, cast

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from cib_portal import access
from peerchallenge import permissions
from peerchallenge.models import (
    Challenge,
    Challenger,
    ChallengeStatus,
    DateOption,
    DateVote,
    Programme,
    ProgrammeStatus,
)

if TYPE_CHECKING:
    from accounts.models import User
    from regions.models import Council


@dataclass(frozen=True)
class NextDate:
    """What happens next in a challenge, in words, and on what day."""

    label: str
    on: date | None


def next_date(challenge: Challenge, *, today: date) -> NextDate:
    """The challenge's next date: its on-site days, its follow-up review, or the first of the
    dates proposed for it (`date_options` prefetched), else none yet."""
    if challenge.starts_on and challenge.starts_on >= today:
        return NextDate("On site from", challenge.starts_on)
    if challenge.ends_on and challenge.starts_on and challenge.ends_on >= today:
        return NextDate("On site until", challenge.ends_on)
    if challenge.starts_on:
        follow_up = challenge.follow_up_due()
        if follow_up and not challenge.follow_up_completed_on and follow_up >= today:
            return NextDate("Follow-up review due", follow_up)
        return NextDate("On site was", challenge.starts_on)
    proposed = [o.starts_on for o in challenge.date_options.all() if o.starts_on >= today]
    if proposed:
        return NextDate("Dates proposed from", min(proposed))
    return NextDate("No dates agreed yet", None)


def _open_challenges() -> QuerySet[Challenge]:
    """Published, not closed, with what the home pages show."""
    today = timezone.localdate()
    return (
        Challenge.objects.filter(programme__status=ProgrammeStatus.PUBLISHED)
        .exclude(status=ChallengeStatus.CLOSED)
        .select_related("host", "programme__region")
        .prefetch_related(
            Prefetch("challengers", queryset=Challenger.objects.select_related("council")),
            Prefetch(
                "date_options",
                queryset=DateOption.objects.filter(starts_on__gte=today).order_by("starts_on"),
            ),
        )
    )


def _with_next_dates(challenges: QuerySet[Challenge], user: User) -> list[Challenge]:
    today = timezone.localdate()
    unanswered = DateOption.objects.filter(challenge=OuterRef("pk"), starts_on__gte=today).exclude(
        Exists(DateVote.objects.filter(option=OuterRef("pk"), user_id=user.pk))
    )
    rows = list(
        challenges.annotate(dates_to_answer=Exists(unanswered)).order_by(
            "starts_on", "host__name", "pk"
        )
    )
    for challenge in rows:
        # An attribute for the home pages' templates, as `dates_to_answer` is.
        challenge.next = next_date(challenge, today=today)  # type: ignore[attr-defined]
        # Only a challenge whose dates are still being chosen asks anyone to answer.
        challenge.dates_to_answer = challenge.dates_to_answer and not challenge.starts_on
    # Challenges, annotated: django-stubs types them apart, and a list cannot widen by itself.
    return cast(list[Challenge], rows)


def challenges_as_challenger(*, user: User) -> list[Challenge]:
    """The open challenges of published programmes the user is assigned to as a challenger,
    soonest first, each with `next` (its next date) and `dates_to_answer`."""
    if not access.is_member(user):
        return []
    mine = _open_challenges().filter(challengers__person_id=user.pk).distinct()
    return _with_next_dates(mine, user)


def challenges_hosted(*, user: User, council_ids: list[int]) -> list[Challenge]:
    """The open challenges of published programmes hosted by those of `council_ids` where the
    user is on the staff, soonest first, each with `next` and `dates_to_answer`."""
    own = [cid for cid in council_ids if cid in access.grants_for(user).council_roles]
    if not own:
        return []
    return _with_next_dates(_open_challenges().filter(host_id__in=own), user)


def councils_in_published_programme(*, year: int, council_ids: list[int] | None) -> set[int]:
    """For early support's dashboard: the councils (of those given; None: every council) that
    take part in a published programme of the year. One query."""
    from peerchallenge.models import Participant

    participants = Participant.objects.filter(
        programme__year=year, programme__status=ProgrammeStatus.PUBLISHED
    )
    if council_ids is not None:
        participants = participants.filter(council_id__in=council_ids)
    return set(participants.values_list("council_id", flat=True))


def challenges_hosted_visible(*, user: User, council: Council) -> QuerySet[Challenge]:
    """The challenges the council hosts that the user may see, the latest programme first: the
    support a flag can record."""
    return (
        Challenge.objects.filter(permissions.challenges_visible_filter(user), host=council)
        .distinct()
        .select_related("programme")
        .order_by("-programme__year")
    )


def challenge_by_pk(pk: int) -> Challenge | None:
    return Challenge.objects.filter(pk=pk).first()


def programmes_visible(*, user: User) -> QuerySet[Programme]:
    """The programmes the user may see, the latest year first."""
    return (
        Programme.objects.filter(permissions.programmes_visible_filter(user))
        .distinct()
        .select_related("region")
        .order_by("-year", "region__name")
    )


def challenges_visible(*, user: User) -> QuerySet[Challenge]:
    """The challenges the user may see, with their challengers, the latest year first."""
    return (
        Challenge.objects.filter(permissions.challenges_visible_filter(user))
        .distinct()
        .select_related("programme__region", "host")
        .prefetch_related(
            Prefetch(
                "challengers",
                queryset=Challenger.objects.select_related("council", "person").order_by(
                    "council__name"
                ),
            )
        )
        .order_by("-programme__year", "host__name", "pk")
    )
