"""A challenge's workspace: the overview, the self-assessment, documents, key lines of
enquiry, on-site dates and attendees, the feedback letter, the action plan and the follow-up
review; and the list of challenges a user may see.

Confidential (DOMAIN.md): a challenge a user may not see is a 404 on every page and download;
someone who may see it but not change a part gets a 403 on the change. Who changes what:

* the host's side (self-assessment, documents, dates and attendees, the action plan):
  `access.can_edit_challenge_as_host`;
* the challengers' side (the feedback letter, the follow-up review):
  `access.can_edit_challenge_as_challenger`; key lines of enquiry: either side.

The self-assessment is seen by the assigned challengers only once the host shares it; the
feedback letter by the host only once it is issued.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max, Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.services import audit_record
from cib_portal import access

from . import forms_challenges as f
from .documents import download_name
from .models import (
    Action,
    ActionStatus,
    Attendee,
    Challenge,
    ChallengeDocument,
    Challenger,
    ChallengeStatus,
    FeedbackLetter,
    LineOfEnquiry,
    SelfAssessment,
)

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


# --- Access and shared context ---------------------------------------------------------------


def _challenge(request: HttpRequest, pk: int) -> Challenge:
    """The challenge, or a 404 for anyone who may not see it."""
    challenge = get_object_or_404(
        Challenge.objects.select_related("host__region", "programme__region"), pk=pk
    )
    access.require(access.can_view_challenge(request.user, challenge))
    return challenge


def _may_host(request: HttpRequest, challenge: Challenge) -> bool:
    return access.can_edit_challenge_as_host(request.user, challenge)


def _may_challenge(request: HttpRequest, challenge: Challenge) -> bool:
    return access.can_edit_challenge_as_challenger(request.user, challenge)


def _bound(request: HttpRequest, *, files: bool = False) -> tuple:
    """The form's data (and files) on a POST, even an empty one; nothing on a GET."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def _forbid_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _self_assessment_visible(request: HttpRequest, challenge: Challenge, sa) -> bool:
    """The host side and the leads always; an assigned challenger once it is shared."""
    if sa is not None and sa.shared_at:
        return True
    if _may_host(request, challenge):
        return True
    return not access.is_assigned_challenger(request.user, challenge)


def _letter_visible(request: HttpRequest, challenge: Challenge, letter) -> bool:
    """The challengers and leads see the draft; the host's staff only the issued letter."""
    if letter is not None and letter.issued_at:
        return True
    if _may_challenge(request, challenge):
        return True
    return not access.is_challenge_host_staff(request.user, challenge)


def _dates_poll_url(challenge: Challenge) -> str | None:
    """The date poll (built by the scheduling pages), when it exists."""
    try:
        return reverse("peerchallenge:challenge_dates", kwargs={"pk": challenge.pk})
    except NoReverseMatch:
        return None


def _render(
    request: HttpRequest, template: str, challenge: Challenge, part: str, **context: Any
) -> HttpResponse:
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
            "may_host": _may_host(request, challenge),
            "may_challenge": _may_challenge(request, challenge),
            **context,
        },
    )


# --- The list of challenges ------------------------------------------------------------------


@login_required
def challenge_list(request: HttpRequest) -> HttpResponse:
    access.require(access.is_member(request.user))
    visible = Challenge.objects.filter(access.challenges_visible_filter(request.user)).distinct()
    years = sorted(set(visible.values_list("programme__year", flat=True)), reverse=True)
    filters = f.ChallengeFilterForm(request.GET or None, years=years)
    challenges = visible.select_related("host", "programme__region").prefetch_related(
        Prefetch("challengers", queryset=Challenger.objects.select_related("council"))
    )
    if filters.is_bound and filters.is_valid():
        data = filters.cleaned_data
        if data.get("q"):
            challenges = challenges.filter(host__name__icontains=data["q"].strip())
        if data.get("year"):
            challenges = challenges.filter(programme__year=data["year"])
        if data.get("status"):
            challenges = challenges.filter(status=data["status"])
        if data.get("region"):
            challenges = challenges.filter(programme__region=data["region"])
    challenges = challenges.order_by("-programme__year", "host__name", "pk")
    page_obj = Paginator(challenges, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "peerchallenge/challenge/list.html",
        {
            "filters": filters,
            "page_obj": page_obj,
            "filtered": any(request.GET.get(k) for k in ("q", "year", "status", "region")),
            "nav_section": "peer",
        },
    )


# --- The overview ----------------------------------------------------------------------------


def _key_indicators_summary(council) -> list:
    """The host's key indicators against its statistical neighbours (a fixed query count)."""
    from datasets.comparison import comparisons, statistical_neighbour_ids
    from datasets.selectors import key_indicators

    return comparisons(
        council=council,
        indicators=key_indicators(),
        group_ids=statistical_neighbour_ids(council),
        group_label="Statistical neighbours",
    )


@login_required
def challenge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge(request, pk)
    challengers = list(challenge.challengers.select_related("council", "person"))
    sa = SelfAssessment.objects.filter(challenge=challenge).first()
    letter = FeedbackLetter.objects.filter(challenge=challenge).first()
    actions = list(challenge.actions.all())
    today = timezone.localdate()
    return _render(
        request,
        "detail.html",
        challenge,
        "overview",
        challengers=challengers,
        attendees=list(challenge.attendees.all()),
        lines=list(challenge.lines_of_enquiry.all()),
        document_count=challenge.documents.count(),
        self_assessment=sa,
        self_assessment_visible=_self_assessment_visible(request, challenge, sa),
        letter=letter,
        letter_visible=_letter_visible(request, challenge, letter),
        action_count=len(actions),
        overdue_count=sum(
            1 for a in actions if a.status in OPEN_ACTION_STATUSES and a.due_on < today
        ),
        follow_up_due=challenge.follow_up_due(),
        indicators=_key_indicators_summary(challenge.host),
        dates_poll_url=_dates_poll_url(challenge),
    )


# --- Self-assessment -------------------------------------------------------------------------


@login_required
def challenge_self_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge(request, pk)
    sa = SelfAssessment.objects.filter(challenge=challenge).select_related("updated_by").first()
    may_edit = _may_host(request, challenge)
    fields = ["summary", "understanding", "planning", "doing", "reviewing"]
    form = None
    if may_edit:
        initial = {name: getattr(sa, name) for name in fields} if sa else None
        form = f.SelfAssessmentForm(*_bound(request), initial=initial)
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form is not None and form.is_valid():
        with transaction.atomic():
            if sa is None:
                sa = SelfAssessment(challenge=challenge)
            for name in fields:
                setattr(sa, name, form.cleaned_data[name])
            sa.updated_by = request.user
            sa.save()
        messages.success(request, "The self-assessment was saved.")
        return redirect("peerchallenge:challenge_self_assessment", pk=challenge.pk)
    return _render(
        request,
        "self_assessment.html",
        challenge,
        "self_assessment",
        self_assessment=sa,
        visible=_self_assessment_visible(request, challenge, sa),
        form=form,
    )


@login_required
@require_POST
def challenge_self_assessment_share(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge(request, pk)
    _forbid_unless(_may_host(request, challenge))
    with transaction.atomic():
        sa = SelfAssessment.objects.select_for_update().filter(challenge=challenge).first()
        if sa is None:
            messages.error(request, "Write the self-assessment before sharing it.")
            return redirect("peerchallenge:challenge_self_assessment", pk=challenge.pk)
        if not sa.shared_at:
            sa.shared_at = timezone.now()
            sa.updated_by = request.user
            sa.save(update_fields=["shared_at", "updated_by", "updated_at"])
            audit_record(
                actor=request.user,
                action="challenge.self_assessment.share",
                obj=challenge,
                summary=f"Shared the self-assessment of {challenge.host} with its challengers",
            )
    messages.success(request, "The self-assessment is shared with the challengers.")
    return redirect("peerchallenge:challenge_self_assessment", pk=challenge.pk)


# --- Documents -------------------------------------------------------------------------------


@login_required
def challenge_documents(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge(request, pk)
    may_edit = _may_host(request, challenge)
    if request.method == "POST":
        _forbid_unless(may_edit)
    form = f.DocumentForm(*_bound(request, files=True)) if may_edit else None
    if request.method == "POST" and form is not None and form.is_valid():
        upload = form.cleaned_data["file"]
        with transaction.atomic():
            document = ChallengeDocument(
                challenge=challenge,
                title=form.cleaned_data["title"],
                content_type=upload.checked_content_type,
                size=upload.size,
                uploaded_by=request.user,
            )
            document.file.save(download_name(document.title, upload.name), upload, save=False)
            document.save()
            audit_record(
                actor=request.user,
                action="challenge.document.upload",
                obj=document,
                summary=f"Uploaded “{document.title}” to the challenge of {challenge.host}",
                after={"challenge": challenge.pk, "size": document.size},
            )
        messages.success(request, f"“{document.title}” was uploaded.")
        return redirect("peerchallenge:challenge_documents", pk=challenge.pk)
    documents = list(challenge.documents.select_related("uploaded_by"))
    return _render(
        request, "documents.html", challenge, "documents", documents=documents, form=form
    )


def _document(request: HttpRequest, pk: int, document_pk: int):
    challenge = _challenge(request, pk)
    document = get_object_or_404(ChallengeDocument, pk=document_pk, challenge=challenge)
    return challenge, document


def _attachment(field_file, *, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def challenge_document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    _challenge_obj, document = _document(request, pk, document_pk)
    return _attachment(
        document.file,
        filename=download_name(document.title, document.file.name),
        content_type=document.content_type,
    )


@login_required
def challenge_document_delete(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    challenge, document = _document(request, pk, document_pk)
    _forbid_unless(_may_host(request, challenge))
    if request.method == "POST":
        title = document.title
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action="challenge.document.delete",
                obj=document,
                summary=f"Deleted “{title}” from the challenge of {challenge.host}",
                before={"challenge": challenge.pk, "title": title, "size": document.size},
            )
            stored = document.file.name
            document.delete()
            transaction.on_commit(lambda: document.file.storage.delete(stored))
        messages.success(request, f"“{title}” was deleted.")
        return redirect("peerchallenge:challenge_documents", pk=challenge.pk)
    return _render(
        request,
        "confirm_delete.html",
        challenge,
        "documents",
        title=f"Are you sure you want to delete “{document.title}”?",
        cancel_url=reverse("peerchallenge:challenge_documents", kwargs={"pk": challenge.pk}),
        button="Delete the document",
    )


# --- Key lines of enquiry --------------------------------------------------------------------


def _may_edit_lines(request: HttpRequest, challenge: Challenge) -> bool:
    return _may_host(request, challenge) or _may_challenge(request, challenge)


@login_required
def challenge_lines(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge(request, pk)
    may_edit = _may_edit_lines(request, challenge)
    if request.method == "POST":
        _forbid_unless(may_edit)
    form = None
    if may_edit:
        last = challenge.lines_of_enquiry.aggregate(last=Max("position"))["last"]
        form = f.LineOfEnquiryForm(
            *_bound(request), initial={"position": 0 if last is None else last + 1}
        )
    if request.method == "POST" and form is not None and form.is_valid():
        LineOfEnquiry.objects.create(challenge=challenge, **form.cleaned_data)
        messages.success(request, "The line of enquiry was added.")
        return redirect("peerchallenge:challenge_lines", pk=challenge.pk)
    return _render(
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
    challenge = _challenge(request, pk)
    line = get_object_or_404(LineOfEnquiry, pk=line_pk, challenge=challenge)
    _forbid_unless(_may_edit_lines(request, challenge))
    form = f.LineOfEnquiryForm(
        *_bound(request), initial={"text": line.text, "position": line.position}
    )
    if request.method == "POST" and form.is_valid():
        line.text, line.position = form.cleaned_data["text"], form.cleaned_data["position"]
        line.save(update_fields=["text", "position"])
        messages.success(request, "The line of enquiry was changed.")
        return redirect("peerchallenge:challenge_lines", pk=challenge.pk)
    return _render(
        request,
        "form_page.html",
        challenge,
        "lines",
        form=form,
        title="Change a line of enquiry",
        button="Save the line of enquiry",
        cancel_url=reverse("peerchallenge:challenge_lines", kwargs={"pk": challenge.pk}),
    )


@login_required
def challenge_line_delete(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    challenge = _challenge(request, pk)
    line = get_object_or_404(LineOfEnquiry, pk=line_pk, challenge=challenge)
    _forbid_unless(_may_edit_lines(request, challenge))
    if request.method == "POST":
        line.delete()
        messages.success(request, "The line of enquiry was deleted.")
        return redirect("peerchallenge:challenge_lines", pk=challenge.pk)
    return _render(
        request,
        "confirm_delete.html",
        challenge,
        "lines",
        title="Are you sure you want to delete this line of enquiry?",
        quote=line.text,
        cancel_url=reverse("peerchallenge:challenge_lines", kwargs={"pk": challenge.pk}),
        button="Delete the line of enquiry",
    )


# --- On-site dates and attendees -------------------------------------------------------------


@login_required
def challenge_arrangements(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge(request, pk)
    return _render(
        request,
        "arrangements.html",
        challenge,
        "arrangements",
        attendees=list(challenge.attendees.all()),
        dates_poll_url=_dates_poll_url(challenge),
    )


@login_required
def challenge_onsite_dates(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge(request, pk)
    _forbid_unless(_may_host(request, challenge))
    form = f.OnSiteDatesForm(
        *_bound(request),
        challenge=challenge,
        initial={"starts_on": challenge.starts_on, "ends_on": challenge.ends_on},
    )
    if request.method == "POST" and form.is_valid():
        before = {"starts_on": str(challenge.starts_on), "ends_on": str(challenge.ends_on)}
        with transaction.atomic():
            challenge.starts_on = form.cleaned_data["starts_on"]
            challenge.ends_on = form.cleaned_data["ends_on"]
            fields = ["starts_on", "ends_on", "updated_at"]
            if challenge.status in (ChallengeStatus.PROPOSED, ChallengeStatus.PREPARING):
                challenge.status = ChallengeStatus.SCHEDULED
                fields.append("status")
            challenge.save(update_fields=fields)
            audit_record(
                actor=request.user,
                action="challenge.dates",
                obj=challenge,
                summary=f"Set the on-site days of the challenge of {challenge.host}",
                before=before,
                after={"starts_on": str(challenge.starts_on), "ends_on": str(challenge.ends_on)},
            )
        messages.success(request, "The on-site dates were saved.")
        return redirect("peerchallenge:challenge_arrangements", pk=challenge.pk)
    return _render(
        request,
        "form_page.html",
        challenge,
        "arrangements",
        form=form,
        title="On-site dates",
        intro=f"The days must fall within the programme, {challenge.programme.starts_on:%-d %B %Y} "
        f"to {challenge.programme.ends_on:%-d %B %Y}.",
        button="Save the dates",
        cancel_url=reverse("peerchallenge:challenge_arrangements", kwargs={"pk": challenge.pk}),
    )


@login_required
def challenge_attendee_form(
    request: HttpRequest, pk: int, attendee_pk: int | None = None
) -> HttpResponse:
    challenge = _challenge(request, pk)
    attendee = (
        get_object_or_404(Attendee, pk=attendee_pk, challenge=challenge) if attendee_pk else None
    )
    _forbid_unless(_may_host(request, challenge))
    names = ["name", "email", "role", "organisation"]
    form = f.AttendeeForm(
        *_bound(request),
        challenge=challenge,
        attendee_pk=attendee_pk,
        initial={n: getattr(attendee, n) for n in names} if attendee else None,
    )
    if request.method == "POST" and form.is_valid():
        attendee = attendee or Attendee(challenge=challenge)
        for name in names:
            setattr(attendee, name, form.cleaned_data[name])
        attendee.save()
        messages.success(request, f"{attendee.name} was saved as an attendee.")
        return redirect("peerchallenge:challenge_arrangements", pk=challenge.pk)
    return _render(
        request,
        "form_page.html",
        challenge,
        "arrangements",
        form=form,
        title="Change an attendee" if attendee else "Add an attendee",
        button="Save the attendee",
        cancel_url=reverse("peerchallenge:challenge_arrangements", kwargs={"pk": challenge.pk}),
    )


@login_required
def challenge_attendee_delete(request: HttpRequest, pk: int, attendee_pk: int) -> HttpResponse:
    challenge = _challenge(request, pk)
    attendee = get_object_or_404(Attendee, pk=attendee_pk, challenge=challenge)
    _forbid_unless(_may_host(request, challenge))
    if request.method == "POST":
        attendee.delete()
        messages.success(request, f"{attendee.name} was removed from the attendees.")
        return redirect("peerchallenge:challenge_arrangements", pk=challenge.pk)
    return _render(
        request,
        "confirm_delete.html",
        challenge,
        "arrangements",
        title=f"Are you sure you want to remove {attendee.name} from the attendees?",
        cancel_url=reverse("peerchallenge:challenge_arrangements", kwargs={"pk": challenge.pk}),
        button="Remove the attendee",
    )


# --- The feedback letter ---------------------------------------------------------------------


@login_required
def challenge_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge(request, pk)
    letter = FeedbackLetter.objects.filter(challenge=challenge).select_related("issued_by").first()
    visible = _letter_visible(request, challenge, letter)
    may_edit = _may_challenge(request, challenge) and not (letter and letter.issued_at)
    if request.method == "POST":
        _forbid_unless(may_edit)
    fields = ["summary", "strengths", "areas_to_consider"]
    form = None
    if may_edit:
        initial = {n: getattr(letter, n) for n in fields} if letter else None
        form = f.FeedbackLetterForm(*_bound(request), initial=initial)
    if request.method == "POST" and form is not None and form.is_valid():
        letter = letter or FeedbackLetter(challenge=challenge)
        for name in fields:
            setattr(letter, name, form.cleaned_data[name])
        letter.updated_by = request.user
        letter.save()
        messages.success(request, "The feedback letter was saved.")
        return redirect("peerchallenge:challenge_feedback", pk=challenge.pk)
    return _render(
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
    challenge = _challenge(request, pk)
    _forbid_unless(_may_challenge(request, challenge))
    letter = get_object_or_404(FeedbackLetter, challenge=challenge)
    if letter.issued_at:
        messages.error(request, "The letter has already been issued.")
        return redirect("peerchallenge:challenge_feedback", pk=challenge.pk)
    if request.method == "POST":
        with transaction.atomic():
            letter = FeedbackLetter.objects.select_for_update().get(pk=letter.pk)
            if not letter.issued_at:
                letter.issued_at = timezone.now()
                letter.issued_by = request.user
                letter.save(update_fields=["issued_at", "issued_by"])
                before = challenge.status
                challenge.status = ChallengeStatus.FEEDBACK
                challenge.save(update_fields=["status", "updated_at"])
                audit_record(
                    actor=request.user,
                    action="challenge.feedback.issue",
                    obj=challenge,
                    summary=f"Issued the feedback letter to {challenge.host}",
                    before={"status": before},
                    after={"status": challenge.status},
                )
        messages.success(request, f"The feedback letter is issued to {challenge.host}.")
        return redirect("peerchallenge:challenge_feedback", pk=challenge.pk)
    return _render(
        request,
        "confirm_issue.html",
        challenge,
        "feedback",
        letter=letter,
    )


@login_required
@require_POST
def challenge_feedback_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from reports.services import report_request_feedback_letter

    challenge = _challenge(request, pk)
    letter = FeedbackLetter.objects.filter(challenge=challenge).first()
    access.require(letter is not None and _letter_visible(request, challenge, letter))
    job = report_request_feedback_letter(user=request.user, challenge=challenge)
    return redirect("reports:job_detail", job_id=job.pk)


# --- The action plan -------------------------------------------------------------------------


@login_required
def challenge_actions(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge(request, pk)
    today = timezone.localdate()
    actions = [
        {"action": a, "overdue": a.status in OPEN_ACTION_STATUSES and a.due_on < today}
        for a in challenge.actions.all()
    ]
    return _render(
        request,
        "actions.html",
        challenge,
        "actions",
        actions=actions,
        overdue_count=sum(1 for a in actions if a["overdue"]),
    )


def _action_save(*, action: Action, data: dict, actor: Any) -> Action:
    """Save an action from the form; a new status is audited."""
    before_status = action.status if action.pk else None
    for name in ("title", "owner", "due_on", "status", "evidence"):
        setattr(action, name, data[name])
    upload = data.get("evidence_file")
    old_file = action.evidence_file.name if action.evidence_file else ""
    if upload:
        action.evidence_file.save(download_name(data["title"], upload.name), upload, save=False)
    elif data.get("remove_evidence_file"):
        action.evidence_file = ""
    with transaction.atomic():
        action.save()
        if before_status != action.status:
            audit_record(
                actor=actor,
                action="challenge.action.status",
                obj=action,
                summary=f"“{action.title}” is {action.get_status_display().lower()}",
                before={"status": before_status},
                after={"status": action.status},
            )
        if old_file and old_file != (action.evidence_file.name or ""):
            storage = action.evidence_file.storage
            transaction.on_commit(lambda: storage.delete(old_file))
    return action


@login_required
def challenge_action_form(
    request: HttpRequest, pk: int, action_pk: int | None = None
) -> HttpResponse:
    challenge = _challenge(request, pk)
    action = get_object_or_404(Action, pk=action_pk, challenge=challenge) if action_pk else None
    _forbid_unless(_may_host(request, challenge))
    initial = None
    if action:
        initial = {
            n: getattr(action, n) for n in ("title", "owner", "due_on", "status", "evidence")
        }
    form = f.ActionForm(
        *_bound(request),
        request.FILES or None,
        initial=initial or {"status": ActionStatus.NOT_STARTED},
        has_file=bool(action and action.evidence_file),
    )
    if request.method == "POST" and form.is_valid():
        action = _action_save(
            action=action or Action(challenge=challenge), data=form.cleaned_data, actor=request.user
        )
        messages.success(request, f"“{action.title}” was saved.")
        return redirect("peerchallenge:challenge_actions", pk=challenge.pk)
    return _render(
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
        cancel_url=reverse("peerchallenge:challenge_actions", kwargs={"pk": challenge.pk}),
    )


@login_required
def challenge_action_delete(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    challenge = _challenge(request, pk)
    action = get_object_or_404(Action, pk=action_pk, challenge=challenge)
    _forbid_unless(_may_host(request, challenge))
    if request.method == "POST":
        title, stored = action.title, action.evidence_file.name if action.evidence_file else ""
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action="challenge.action.delete",
                obj=action,
                summary=f"Deleted the action “{title}” of the challenge of {challenge.host}",
                before={"status": action.status},
            )
            storage = action.evidence_file.storage
            action.delete()
            if stored:
                transaction.on_commit(lambda: storage.delete(stored))
        messages.success(request, f"“{title}” was deleted.")
        return redirect("peerchallenge:challenge_actions", pk=challenge.pk)
    return _render(
        request,
        "confirm_delete.html",
        challenge,
        "actions",
        title=f"Are you sure you want to delete the action “{action.title}”?",
        cancel_url=reverse("peerchallenge:challenge_actions", kwargs={"pk": challenge.pk}),
        button="Delete the action",
    )


@login_required
def challenge_action_evidence(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    challenge = _challenge(request, pk)
    action = get_object_or_404(Action, pk=action_pk, challenge=challenge)
    access.require(bool(action.evidence_file))
    from .documents import KINDS, extension

    kind = KINDS.get(extension(action.evidence_file.name))
    return _attachment(
        action.evidence_file,
        filename=download_name(action.title, action.evidence_file.name),
        content_type=kind.content_type if kind else "application/octet-stream",
    )


# --- The follow-up review --------------------------------------------------------------------


def follow_up_save(*, challenge: Challenge, data: dict, actor: Any, today: date) -> Challenge:
    """Record the follow-up review; completing it closes the challenge, a due one is marked."""
    before = challenge.status
    challenge.follow_up_months = data["follow_up_months"]
    challenge.follow_up_on = data["follow_up_on"]
    challenge.follow_up_notes = data["follow_up_notes"]
    challenge.follow_up_completed_on = data["follow_up_completed_on"]
    if challenge.follow_up_completed_on:
        challenge.status = ChallengeStatus.CLOSED
    else:
        due = challenge.follow_up_due()
        if challenge.status == ChallengeStatus.CLOSED:
            challenge.status = ChallengeStatus.FEEDBACK
        if challenge.status == ChallengeStatus.FEEDBACK and due and due <= today:
            challenge.status = ChallengeStatus.FOLLOW_UP
    with transaction.atomic():
        challenge.save()
        if before != challenge.status:
            audit_record(
                actor=actor,
                action="challenge.status",
                obj=challenge,
                summary=f"The challenge of {challenge.host} is "
                f"{challenge.get_status_display().lower()}",
                before={"status": before},
                after={"status": challenge.status},
            )
    return challenge


@login_required
def challenge_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge(request, pk)
    may_edit = _may_challenge(request, challenge)
    if request.method == "POST":
        _forbid_unless(may_edit)
    form = None
    if may_edit:
        form = f.FollowUpForm(
            *_bound(request),
            initial={
                "follow_up_months": challenge.follow_up_months,
                "follow_up_on": challenge.follow_up_on,
                "follow_up_notes": challenge.follow_up_notes,
                "follow_up_completed_on": challenge.follow_up_completed_on,
            },
        )
    if request.method == "POST" and form is not None and form.is_valid():
        follow_up_save(
            challenge=challenge,
            data=form.cleaned_data,
            actor=request.user,
            today=timezone.localdate(),
        )
        messages.success(request, "The follow-up review was saved.")
        return redirect("peerchallenge:challenge_follow_up", pk=challenge.pk)
    return _render(
        request,
        "follow_up.html",
        challenge,
        "follow_up",
        form=form,
        follow_up_due=challenge.follow_up_due(),
    )
