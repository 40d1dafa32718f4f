"""Key lines of enquiry: written by either side."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from cib_portal import access
from peerchallenge import permissions
from peerchallenge.forms import challenges as f
from peerchallenge.models import Challenge, LineOfEnquiry
from peerchallenge.services import workspace

from ._common import (
    bound,
    challenge_for,
    forbid_unless,
    part_url,
    render_part,
)

URL = "peerchallenge:challenge_lines"


def _may_edit_lines(request: HttpRequest, challenge: Challenge) -> access.Decision:
    return permissions.can_edit_challenge_either_side(request.user, challenge)


@login_required
def challenge_lines(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = challenge_for(request, pk)
    may_edit = _may_edit_lines(request, challenge)
    if request.method == "POST":
        forbid_unless(may_edit)
    form = None
    if may_edit:
        last = challenge.lines_of_enquiry.aggregate(last=Max("position"))["last"]
        form = f.LineOfEnquiryForm(
            *bound(request), initial={"position": 0 if last is None else last + 1}
        )
    if request.method == "POST" and form is not None and form.is_valid():
        workspace.line_add(user=request.user, challenge=challenge, data=form.cleaned_data)
        messages.success(request, "The line of enquiry was added.")
        return redirect(URL, pk=challenge.pk)
    return render_part(
        request,
        "lines.html",
        challenge,
        "lines",
        lines=list(challenge.lines_of_enquiry.all()),
        form=form,
        may_edit=may_edit,
    )


@login_required
def challenge_line_edit(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    challenge = challenge_for(request, pk)
    line = get_object_or_404(LineOfEnquiry, pk=line_pk, challenge=challenge)
    forbid_unless(_may_edit_lines(request, challenge))
    form = f.LineOfEnquiryForm(
        *bound(request), initial={"text": line.text, "position": line.position}
    )
    if request.method == "POST" and form.is_valid():
        workspace.line_update(user=request.user, line=line, data=form.cleaned_data)
        messages.success(request, "The line of enquiry was changed.")
        return redirect(URL, pk=challenge.pk)
    return render_part(
        request,
        "form_page.html",
        challenge,
        "lines",
        form=form,
        title="Change a line of enquiry",
        button="Save the line of enquiry",
        cancel_url=part_url(URL, challenge),
    )


@login_required
def challenge_line_delete(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    challenge = challenge_for(request, pk)
    line = get_object_or_404(LineOfEnquiry, pk=line_pk, challenge=challenge)
    forbid_unless(_may_edit_lines(request, challenge))
    if request.method == "POST":
        workspace.line_delete(user=request.user, line=line)
        messages.success(request, "The line of enquiry was deleted.")
        return redirect(URL, pk=challenge.pk)
    return render_part(
        request,
        "confirm_delete.html",
        challenge,
        "lines",
        title="Are you sure you want to delete this line of enquiry?",
        quote=line.text,
        cancel_url=part_url(URL, challenge),
        button="Delete the line of enquiry",
    )
