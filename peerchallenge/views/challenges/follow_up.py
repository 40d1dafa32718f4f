"""The follow-up review: recorded by the challengers; completing it closes the challenge."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from peerchallenge.forms import challenges as f
from peerchallenge.services import workspace

from ._common import bound, challenge_for, forbid_unless, may_challenge, render_part

URL = "peerchallenge:challenge_follow_up"


@login_required
def challenge_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = challenge_for(request, pk)
    may_edit = may_challenge(request, challenge)
    if request.method == "POST":
        forbid_unless(may_edit)
    form = None
    if may_edit:
        form = f.FollowUpForm(
            *bound(request),
            initial={n: getattr(challenge, n) for n in workspace.FOLLOW_UP_FIELDS},
        )
    if request.method == "POST" and form is not None and form.is_valid():
        workspace.follow_up_save(
            user=request.user,
            challenge=challenge,
            data=form.cleaned_data,
            today=timezone.localdate(),
        )
        messages.success(request, "The follow-up review was saved.")
        return redirect(URL, pk=challenge.pk)
    return render_part(
        request,
        "follow_up.html",
        challenge,
        "follow_up",
        form=form,
        follow_up_due=challenge.follow_up_due(),
    )
