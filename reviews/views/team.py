"""Review teams: the programme manager's; anyone else gets 404 (the booking does not exist for
them)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cib_portal import access

from .. import permissions
from ..forms.team import TeamAddForm
from ..models import Booking, ReviewerType, TeamAssignment
from ..selectors import pipeline
from ..services import team

EXCLUDED_SHOWN = 100


def _type_rows(counts: dict[str, int]) -> list[dict]:
    labels = dict(ReviewerType.choices)  # a type edited into a product may be unknown
    return [
        {"label": labels.get(t, t), "count": n, "words": team.type_count_in_words(t, n)}
        for t, n in counts.items()
    ]


def _managed_booking(request: HttpRequest, pk: int) -> Booking:
    access.require(permissions.can_manage_reviewers(request.user))
    return get_object_or_404(Booking.objects.select_related("council", "product"), pk=pk)


@login_required
def team_page(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _managed_booking(request, pk)
    proposal = team.team_proposal(booking)
    form = TeamAddForm(request.POST or None, candidates=proposal.candidates + proposal.proposed)
    if request.method == "POST" and form.is_valid():
        reviewer_id, reviewer_type = form.cleaned_data["candidate"].split(":", 1)
        chosen = next(
            c
            for c in proposal.candidates + proposal.proposed
            if str(c.reviewer.pk) == reviewer_id and c.reviewer_type == reviewer_type
        )
        try:
            team.team_assign(
                booking=booking,
                reviewer=chosen.reviewer,
                reviewer_type=reviewer_type,
                assigned_by=request.user,
            )
        except team.TeamError as exc:
            form.add_error("candidate", str(exc))
        else:
            messages.success(request, f"{chosen.reviewer.name} added to the team.")
            return redirect("reviews:team", pk=booking.pk)
    return render(
        request,
        "reviews/team/team.html",
        {
            "booking": booking,
            "proposal": proposal,
            "form": form,
            "make_up_rows": _type_rows(proposal.make_up),
            "shortfall_rows": _type_rows(proposal.shortfall),
            "capacity_warnings": pipeline.capacity_warnings(booking),
            # The whole register can be excluded; the first ones are enough to see why.
            "excluded_shown": proposal.excluded[:EXCLUDED_SHOWN],
        },
    )


@login_required
@require_POST
def team_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _managed_booking(request, pk)
    proposal = team.team_proposal(booking)
    try:
        added = team.team_confirm(booking=booking, proposal=proposal, assigned_by=request.user)
    except team.TeamError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{added} reviewer{'s' if added != 1 else ''} added to the team.")
    return redirect("reviews:team", pk=booking.pk)


@login_required
@require_POST
def team_remove(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    booking = _managed_booking(request, pk)
    assignment = get_object_or_404(
        TeamAssignment.objects.select_related("reviewer", "booking"),
        pk=assignment_pk,
        booking=booking,
        is_active=True,
    )
    team.team_remove(assignment=assignment, removed_by=request.user)
    messages.success(request, f"{assignment.reviewer.name} taken off the team.")
    return redirect("reviews:team", pk=booking.pk)
