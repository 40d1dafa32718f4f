"""The host's self-assessment: written by the host's side, shared with the challengers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from cib_portal import access
from peerchallenge.forms import challenges as f
from peerchallenge.models import SelfAssessment
from peerchallenge.services import workspace

from ._common import (
    bound,
    challenge_for,
    forbid_unless,
    may_host,
    refused,
    render_part,
    self_assessment_visible,
)

URL = "peerchallenge:challenge_self_assessment"


@login_required
def challenge_self_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = challenge_for(request, pk)
    sa = SelfAssessment.objects.filter(challenge=challenge).select_related("updated_by").first()
    form = None
    if may_host(request, challenge):
        initial = {n: getattr(sa, n) for n in workspace.SELF_ASSESSMENT_FIELDS} if sa else None
        form = f.SelfAssessmentForm(*bound(request), initial=initial)
    elif request.method == "POST":
        access.require_permission(may_host(request, challenge))
    if request.method == "POST" and form is not None and form.is_valid():
        workspace.self_assessment_save(
            user=request.user, challenge=challenge, data=form.cleaned_data
        )
        messages.success(request, "The self-assessment was saved.")
        return redirect(URL, pk=challenge.pk)
    return render_part(
        request,
        "self_assessment.html",
        challenge,
        "self_assessment",
        self_assessment=sa,
        visible=self_assessment_visible(request, challenge, sa),
        form=form,
    )


@login_required
@require_POST
def challenge_self_assessment_share(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = challenge_for(request, pk)
    forbid_unless(may_host(request, challenge))
    try:
        workspace.self_assessment_share(user=request.user, challenge=challenge)
    except workspace.WorkspaceError as error:
        return refused(request, error, URL, challenge)
    messages.success(request, "The self-assessment is shared with the challengers.")
    return redirect(URL, pk=challenge.pk)
