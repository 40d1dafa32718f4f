"""The host's action plan, with evidence files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from cib_portal import access
from peerchallenge.documents import KINDS, download_name, extension
from peerchallenge.forms import challenges as f
from peerchallenge.models import Action, ActionStatus
from peerchallenge.services import workspace

from ._common import (
    OPEN_ACTION_STATUSES,
    attachment,
    bound,
    challenge_for,
    forbid_unless,
    may_host,
    part_url,
    render_part,
)

URL = "peerchallenge:challenge_actions"


@login_required
def challenge_actions(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = challenge_for(request, pk)
    today = timezone.localdate()
    actions = [
        {"action": a, "overdue": a.status in OPEN_ACTION_STATUSES and a.due_on < today}
        for a in challenge.actions.all()
    ]
    return render_part(
        request,
        "actions.html",
        challenge,
        "actions",
        actions=actions,
        overdue_count=sum(1 for a in actions if a["overdue"]),
    )


@login_required
def challenge_action_form(
    request: HttpRequest, pk: int, action_pk: int | None = None
) -> HttpResponse:
    challenge = challenge_for(request, pk)
    action = get_object_or_404(Action, pk=action_pk, challenge=challenge) if action_pk else None
    forbid_unless(may_host(request, challenge))
    initial = None
    if action:
        initial = {n: getattr(action, n) for n in workspace.ACTION_FIELDS}
    form = f.ActionForm(
        *bound(request),
        request.FILES or None,
        initial=initial or {"status": ActionStatus.NOT_STARTED},
        has_file=bool(action and action.evidence_file),
    )
    if request.method == "POST" and form.is_valid():
        if action is None:
            action = workspace.action_add(
                user=request.user, challenge=challenge, data=form.cleaned_data
            )
        else:
            action = workspace.action_update(
                user=request.user, action=action, data=form.cleaned_data
            )
        messages.success(request, f"“{action.title}” was saved.")
        return redirect(URL, pk=challenge.pk)
    return render_part(
        request,
        "form_page.html",
        challenge,
        "actions",
        form=form,
        multipart=True,
        current_file=action.evidence_file if action and action.evidence_file else None,
        action_pk=action.pk if action else None,
        title="Change an action" if action else "Add an action",
        button="Save the action",
        cancel_url=part_url(URL, challenge),
    )


@login_required
def challenge_action_delete(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    challenge = challenge_for(request, pk)
    action = get_object_or_404(Action, pk=action_pk, challenge=challenge)
    action.challenge = challenge  # already fetched with its host
    forbid_unless(may_host(request, challenge))
    if request.method == "POST":
        title = action.title
        workspace.action_delete(user=request.user, action=action)
        messages.success(request, f"“{title}” was deleted.")
        return redirect(URL, pk=challenge.pk)
    return render_part(
        request,
        "confirm_delete.html",
        challenge,
        "actions",
        title=f"Are you sure you want to delete the action “{action.title}”?",
        cancel_url=part_url(URL, challenge),
        button="Delete the action",
    )


@login_required
def challenge_action_evidence(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    challenge = challenge_for(request, pk)
    action = get_object_or_404(Action, pk=action_pk, challenge=challenge)
    access.require(bool(action.evidence_file))
    kind = KINDS.get(extension(action.evidence_file.name))
    return attachment(
        action.evidence_file,
        filename=download_name(action.title, action.evidence_file.name),
        content_type=kind.content_type if kind else "application/octet-stream",
    )
