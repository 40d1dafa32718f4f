"""Scheduling a peer challenge: the availability poll (dates proposed by either side, each
person's answers), agreeing the dates, and the calendar entry every participant gets.

Whoever may see the challenge sees the poll (anyone else gets a 404); the host's staff, the
assigned challengers and the region's leads may propose and answer (others who may see it get
a 403); the host's side and the leads agree the dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from cib_portal import access
from cib_portal.downloads import content_disposition
from peerchallenge import permissions
from peerchallenge.forms.scheduling import AnswersForm, DateOptionForm
from peerchallenge.ics import challenge_calendar as calendar_text
from peerchallenge.models import Answer, Challenge, DateOption, DateVote
from peerchallenge.services.scheduling import (
    AGREEABLE,
    SchedulingError,
    date_option_agree,
    date_option_propose,
    date_votes_record,
    participant_emails,
)
from regions.models import COUNCIL_ROLES, Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# --- Reads ----------------------------------------------------------------------------------


def _challenge_queryset():
    return Challenge.objects.select_related("programme", "programme__region", "host")


def _visible(request: HttpRequest, pk: int) -> Challenge:
    challenge = get_object_or_404(_challenge_queryset(), pk=pk)
    access.require(permissions.can_view_challenge(request.user, challenge))
    return challenge


def may_take_part(user: User | AnonymousUser, challenge: Challenge) -> access.Decision:
    """Propose and answer dates: either side, and the region's leads."""
    return permissions.can_edit_challenge_either_side(user, challenge)


@dataclass
class PollRow:
    name: str
    side: str
    cells: list[str] = field(default_factory=list)


@dataclass
class OptionColumn:
    option: DateOption
    counts: dict[str, int]


def poll(challenge: Challenge) -> tuple[list[OptionColumn], list[PollRow]]:
    """The poll as a table: one column a proposed date, one row a person, in a fixed number of
    queries."""
    options = list(challenge.date_options.select_related("proposed_by"))
    votes = list(DateVote.objects.filter(option__challenge=challenge).select_related("user"))
    people: dict[int, tuple[str, str]] = {}
    for user_id, name, email in (
        Membership.objects.active()
        .filter(organisation__council_id=challenge.host_id, role__in=COUNCIL_ROLES)
        .order_by("user__full_name")
        .values_list("user_id", "user__full_name", "user__email")
    ):
        people.setdefault(user_id, (name or email, challenge.host.name))
    for user_id, name, email, council in challenge.challengers.filter(
        person__isnull=False
    ).values_list("person_id", "person__full_name", "person__email", "council__name"):
        people.setdefault(user_id, (name or email, f"Challenger, {council}"))
    for vote in votes:
        people.setdefault(vote.user_id, (vote.user.full_name or vote.user.email, "Region"))
    answers = {(v.option_id, v.user_id): v.answer for v in votes}
    labels = dict(Answer.choices)
    rows = []
    for user_id, (name, side) in people.items():
        row = PollRow(name=name, side=side)
        for option in options:
            answer = answers.get((option.pk, user_id))
            row.cells.append(labels[answer] if answer else "No answer")
        rows.append(row)
    columns = []
    for option in options:
        counts = {value: 0 for value in labels}
        for (option_id, _user_id), answer in answers.items():
            if option_id == option.pk:
                counts[answer] += 1
        columns.append(OptionColumn(option=option, counts=counts))
    return columns, rows


# --- Pages ----------------------------------------------------------------------------------


@login_required
def challenge_dates(request: HttpRequest, pk: int) -> HttpResponse:
    """The poll; a POST records the signed-in person's answers."""
    challenge = _visible(request, pk)
    may_answer = may_take_part(request.user, challenge)
    if request.method == "POST":
        access.require_permission(may_answer)
    options = list(challenge.date_options.all())
    current = dict(
        DateVote.objects.filter(option__challenge=challenge, user=request.user).values_list(
            "option_id", "answer"
        )
    )
    form = AnswersForm(
        request.POST if request.method == "POST" else None, options=options, current=current
    )
    if request.method == "POST" and form.is_valid():
        date_votes_record(challenge=challenge, user=request.user, answers=form.answers())
        messages.success(request, "Your answers have been saved.")
        return redirect("peerchallenge:challenge_dates", pk=challenge.pk)
    columns, rows = poll(challenge)
    return render(
        request,
        "peerchallenge/scheduling/poll.html",
        {
            "challenge": challenge,
            "columns": columns,
            "rows": rows,
            "form": form if may_answer and options else None,
            "may_propose": may_answer,
            "may_agree": permissions.can_edit_challenge_as_host(request.user, challenge)
            and challenge.status in AGREEABLE,
            "nav_section": "peer",
        },
    )


@login_required
def challenge_dates_propose(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _visible(request, pk)
    access.require_permission(may_take_part(request.user, challenge))
    form = DateOptionForm(request.POST if request.method == "POST" else None, challenge=challenge)
    if request.method == "POST" and form.is_valid():
        option = date_option_propose(
            challenge=challenge,
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
            proposed_by=request.user,
        )
        messages.success(request, f"Dates proposed: {option}.")
        return redirect("peerchallenge:challenge_dates", pk=challenge.pk)
    return render(
        request,
        "peerchallenge/scheduling/propose.html",
        {"challenge": challenge, "form": form, "nav_section": "peer"},
    )


@login_required
def challenge_dates_agree(request: HttpRequest, pk: int, option_pk: int) -> HttpResponse:
    """Confirm, then agree, one proposed date range."""
    challenge = _visible(request, pk)
    option = get_object_or_404(DateOption, pk=option_pk, challenge=challenge)
    access.require_permission(permissions.can_edit_challenge_as_host(request.user, challenge))
    error = ""
    if request.method == "POST":
        try:
            date_option_agree(challenge=challenge, option=option, actor=request.user)
        except SchedulingError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                f"Dates agreed: {option}. Everyone taking part has been sent the calendar entry.",
            )
            return redirect("peerchallenge:challenge_dates", pk=challenge.pk)
    columns, _rows = poll(challenge)
    column = next(c for c in columns if c.option.pk == option.pk)
    return render(
        request,
        "peerchallenge/scheduling/agree.html",
        {
            "challenge": challenge,
            "option": option,
            "counts": column.counts,
            "error": error,
            "recipients": len(participant_emails(challenge)),
            "nav_section": "peer",
        },
    )


@login_required
def challenge_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The agreed dates as an .ics file; there is none until they are agreed."""
    challenge = _visible(request, pk)
    access.require(challenge.starts_on is not None and challenge.ends_on is not None)
    response = HttpResponse(calendar_text(challenge), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition(f"peer-challenge-{challenge.pk}.ics")
    return response
