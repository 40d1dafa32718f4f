"""Shared by the workspace pages: the challenge lookup with its access check, who may change
which side, the visibility of the self-assessment and the letter, and the page layout."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse

from cib_portal import access
from cib_portal.downloads import content_disposition
from peerchallenge import permissions
from peerchallenge.models import ActionStatus, Challenge
from peerchallenge.services.workspace import WorkspaceError

PAGE_SIZE = 25
OPEN_ACTION_STATUSES = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)

# The parts of the workspace, in the order of the sub-navigation: (key, URL name, label).
PARTS = [
    ("overview", "peerchallenge:challenge_detail", "Overview"),
    ("self_assessment", "peerchallenge:challenge_self_assessment", "Self-assessment"),
    ("documents", "peerchallenge:challenge_documents", "Documents"),
    ("lines", "peerchallenge:challenge_lines", "Key lines of enquiry"),
    ("arrangements", "peerchallenge:challenge_arrangements", "Dates and attendees"),
    ("feedback", "peerchallenge:challenge_feedback", "Feedback letter"),
    ("actions", "peerchallenge:challenge_actions", "Action plan"),
    ("follow_up", "peerchallenge:challenge_follow_up", "Follow-up review"),
]


def challenge_for(request: HttpRequest, pk: int) -> Challenge:
    """The challenge, or a 404 for anyone who may not see it."""
    challenge = get_object_or_404(
        Challenge.objects.select_related("host__region", "programme__region"), pk=pk
    )
    access.require(permissions.can_view_challenge(request.user, challenge))
    return challenge


def may_host(request: HttpRequest, challenge: Challenge) -> access.Decision:
    return permissions.can_edit_challenge_as_host(request.user, challenge)


def may_challenge(request: HttpRequest, challenge: Challenge) -> access.Decision:
    return permissions.can_edit_challenge_as_challenger(request.user, challenge)


def bound(request: HttpRequest, *, files: bool = False) -> tuple:
    """The form's data (and files) on a POST, even an empty one; nothing on a GET."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def forbid_unless(allowed: bool | access.Decision) -> None:
    """A 403 for someone who may see the challenge but not make this change, with the rule's
    reason."""
    access.require_permission(allowed)


def refused(request: HttpRequest, error: WorkspaceError, url_name: str, challenge: Challenge):
    """Show why a change was refused, back on the part's page."""
    messages.error(request, str(error))
    return redirect(url_name, pk=challenge.pk)


def self_assessment_visible(request: HttpRequest, challenge: Challenge, sa) -> bool:
    """The host side and the leads always; an assigned challenger once it is shared."""
    if sa is not None and sa.shared_at:
        return True
    if may_host(request, challenge):
        return True
    return not permissions.is_assigned_challenger(request.user, challenge)


def letter_visible(request: HttpRequest, challenge: Challenge, letter) -> bool:
    """The challengers and leads see the draft; the host's staff only the issued letter."""
    if letter is not None and letter.issued_at:
        return True
    if may_challenge(request, challenge):
        return True
    return not permissions.is_challenge_host_staff(request.user, challenge)


def dates_poll_url(challenge: Challenge) -> str | None:
    """The date poll (built by the scheduling pages), when it exists."""
    try:
        return reverse("peerchallenge:challenge_dates", kwargs={"pk": challenge.pk})
    except NoReverseMatch:
        return None


def attachment(field_file, *, filename: str, content_type: str) -> FileResponse:
    """A private download that the browser must not sniff or cache."""
    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def part_url(url_name: str, challenge: Challenge) -> str:
    return reverse(url_name, kwargs={"pk": challenge.pk})


def render_part(
    request: HttpRequest, template: str, challenge: Challenge, part: str, **context: Any
) -> HttpResponse:
    """A workspace page: the challenge, the parts' sub-navigation and who may change what."""
    nav = [
        {"url": reverse(name, kwargs={"pk": challenge.pk}), "label": label, "current": key == part}
        for key, name, label in PARTS
    ]
    return render(
        request,
        f"peerchallenge/challenge/{template}",
        {
            "challenge": challenge,
            "part": part,
            "parts_nav": nav,
            "nav_section": "peer",
            "may_host": may_host(request, challenge),
            "may_challenge": may_challenge(request, challenge),
            **context,
        },
    )
