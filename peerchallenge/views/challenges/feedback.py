"""The feedback letter: drafted by the challengers, seen by the host once issued."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from cib_portal import access
from peerchallenge.forms import challenges as f
from peerchallenge.models import FeedbackLetter
from peerchallenge.services import workspace

from ._common import (
    bound,
    challenge_for,
    forbid_unless,
    letter_visible,
    may_challenge,
    refused,
    render_part,
)

URL = "peerchallenge:challenge_feedback"


@login_required
def challenge_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = challenge_for(request, pk)
    letter = FeedbackLetter.objects.filter(challenge=challenge).select_related("issued_by").first()
    visible = letter_visible(request, challenge, letter)
    may_edit = may_challenge(request, challenge) and not (letter and letter.issued_at)
    if request.method == "POST":
        forbid_unless(may_edit)
    form = None
    if may_edit:
        fields = workspace.FEEDBACK_LETTER_FIELDS
        initial = {n: getattr(letter, n) for n in fields} if letter else None
        form = f.FeedbackLetterForm(*bound(request), initial=initial)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            workspace.feedback_letter_save(
                user=request.user, challenge=challenge, data=form.cleaned_data
            )
        except workspace.WorkspaceError as error:
            return refused(request, error, URL, challenge)
        messages.success(request, "The feedback letter was saved.")
        return redirect(URL, pk=challenge.pk)
    return render_part(
        request,
        "feedback.html",
        challenge,
        "feedback",
        letter=letter,
        visible=visible,
        form=form,
        may_issue=may_edit and letter is not None,
    )


@login_required
def challenge_feedback_issue(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = challenge_for(request, pk)
    forbid_unless(may_challenge(request, challenge))
    letter = get_object_or_404(FeedbackLetter, challenge=challenge)
    if letter.issued_at:
        messages.error(request, "The letter has already been issued.")
        return redirect(URL, pk=challenge.pk)
    if request.method == "POST":
        try:
            workspace.feedback_letter_issue(user=request.user, challenge=challenge)
        except workspace.WorkspaceError as error:
            return refused(request, error, URL, challenge)
        messages.success(request, f"The feedback letter is issued to {challenge.host}.")
        return redirect(URL, pk=challenge.pk)
    return render_part(request, "confirm_issue.html", challenge, "feedback", letter=letter)


@login_required
@require_POST
def challenge_feedback_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from peerchallenge.reports import report_request_feedback_letter

    challenge = challenge_for(request, pk)
    letter = FeedbackLetter.objects.filter(challenge=challenge).first()
    access.require(letter is not None and letter_visible(request, challenge, letter))
    job = report_request_feedback_letter(user=request.user, challenge=challenge)
    return redirect("reports:job_detail", job_id=job.pk)
