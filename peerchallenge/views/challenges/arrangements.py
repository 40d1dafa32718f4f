"""On-site dates and attendees: arranged by the host's side."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from peerchallenge.forms import challenges as f
from peerchallenge.models import Attendee
from peerchallenge.services import workspace

from ._common import (
    bound,
    challenge_for,
    dates_poll_url,
    forbid_unless,
    may_host,
    part_url,
    render_part,
)

URL = "peerchallenge:challenge_arrangements"


@login_required
def challenge_arrangements(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = challenge_for(request, pk)
    return render_part(
        request,
        "arrangements.html",
        challenge,
        "arrangements",
        attendees=list(challenge.attendees.all()),
        dates_poll_url=dates_poll_url(challenge),
    )


@login_required
def challenge_onsite_dates(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = challenge_for(request, pk)
    forbid_unless(may_host(request, challenge))
    form = f.OnSiteDatesForm(
        *bound(request),
        challenge=challenge,
        initial={"starts_on": challenge.starts_on, "ends_on": challenge.ends_on},
    )
    if request.method == "POST" and form.is_valid():
        workspace.onsite_dates_set(
            user=request.user,
            challenge=challenge,
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
        )
        messages.success(request, "The on-site dates were saved.")
        return redirect(URL, pk=challenge.pk)
    return render_part(
        request,
        "form_page.html",
        challenge,
        "arrangements",
        form=form,
        title="On-site dates",
        intro=f"The days must fall within the programme, {challenge.programme.starts_on:%-d %B %Y} "
        f"to {challenge.programme.ends_on:%-d %B %Y}.",
        button="Save the dates",
        cancel_url=part_url(URL, challenge),
    )


@login_required
def challenge_attendee_form(
    request: HttpRequest, pk: int, attendee_pk: int | None = None
) -> HttpResponse:
    challenge = challenge_for(request, pk)
    attendee = (
        get_object_or_404(Attendee, pk=attendee_pk, challenge=challenge) if attendee_pk else None
    )
    forbid_unless(may_host(request, challenge))
    form = f.AttendeeForm(
        *bound(request),
        challenge=challenge,
        attendee_pk=attendee_pk,
        initial={n: getattr(attendee, n) for n in workspace.ATTENDEE_FIELDS} if attendee else None,
    )
    if request.method == "POST" and form.is_valid():
        if attendee is None:
            attendee = workspace.attendee_add(
                user=request.user, challenge=challenge, data=form.cleaned_data
            )
        else:
            attendee = workspace.attendee_update(
                user=request.user, attendee=attendee, data=form.cleaned_data
            )
        messages.success(request, f"{attendee.name} was saved as an attendee.")
        return redirect(URL, pk=challenge.pk)
    return render_part(
        request,
        "form_page.html",
        challenge,
        "arrangements",
        form=form,
        title="Change an attendee" if attendee else "Add an attendee",
        button="Save the attendee",
        cancel_url=part_url(URL, challenge),
    )


@login_required
def challenge_attendee_delete(request: HttpRequest, pk: int, attendee_pk: int) -> HttpResponse:
    challenge = challenge_for(request, pk)
    attendee = get_object_or_404(Attendee, pk=attendee_pk, challenge=challenge)
    forbid_unless(may_host(request, challenge))
    if request.method == "POST":
        workspace.attendee_delete(user=request.user, attendee=attendee)
        messages.success(request, f"{attendee.name} was removed from the attendees.")
        return redirect(URL, pk=challenge.pk)
    return render_part(
        request,
        "confirm_delete.html",
        challenge,
        "arrangements",
        title=f"Are you sure you want to remove {attendee.name} from the attendees?",
        cancel_url=part_url(URL, challenge),
        button="Remove the attendee",
    )
