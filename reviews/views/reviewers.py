"""The reviewer register: the programme manager's; a reviewer sees and keeps their own entry's
availability and calendar feed."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cib_portal import access

from .. import permissions
from ..forms.reviewers import (
    AccreditationForm,
    ConflictForm,
    EmploymentForm,
    ReviewerFilterForm,
    ReviewerForm,
    ReviewersUploadForm,
    UnavailabilityForm,
)
from ..models import Reviewer, Unavailability
from ..selectors import reviewers as register_reads
from ..services import reviewers as register

RECORD_FORMS = {
    "accreditation": (
        AccreditationForm,
        "Add an accreditation",
        "Accreditation added.",
        register.accreditation_add,
    ),
    "conflict": (
        ConflictForm,
        "Record a conflict of interest",
        "Conflict of interest recorded.",
        register.conflict_declare,
    ),
    "employment": (
        EmploymentForm,
        "Add a council they worked for",
        "Council they worked for added.",
        register.employment_add,
    ),
}


def _require_manager(request: HttpRequest) -> None:
    access.require(permissions.can_manage_reviewers(request.user))


def _own_or_managed(request: HttpRequest, pk: int) -> Reviewer:
    """A reviewer the user may see: the programme manager any, a reviewer themselves."""
    reviewer = get_object_or_404(Reviewer, pk=pk)
    access.require(permissions.can_manage_reviewer_availability(request.user, reviewer))
    return reviewer


@login_required
def reviewer_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = ReviewerFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    reviewers = register_reads.reviewer_list(
        user=request.user,
        q=filters.get("q", ""),
        reviewer_type=filters.get("type", ""),
        accreditation=filters.get("accreditation", ""),
    )
    page_obj = Paginator(reviewers, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/reviewers/list.html",
        {"form": form, "page_obj": page_obj, "reviewers": page_obj.object_list},
    )


@login_required
def reviewer_me(request: HttpRequest) -> HttpResponse:
    reviewer = permissions.reviewer_for(request.user)
    access.require(reviewer is not None)
    return redirect("reviews:reviewer_detail", pk=reviewer.pk)


@login_required
def reviewer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _own_or_managed(request, pk)
    reviewer = register_reads.reviewer_detail(pk=pk)
    assignments = reviewer.assignments.filter(is_active=True).select_related(
        "booking__council", "booking__product"
    )
    feed_url = (
        request.build_absolute_uri(f"/reviewers/feed/{reviewer.feed_token}.ics")
        if reviewer.feed_token
        else ""
    )
    return render(
        request,
        "reviews/reviewers/detail.html",
        {
            "reviewer": reviewer,
            "assignments": assignments,
            "unavailable": [
                (u, u.days.upper - timedelta(days=1)) for u in reviewer.unavailability.all()
            ],
            "feed_url": feed_url,
            "can_manage": permissions.can_manage_reviewers(request.user),
        },
    )


@login_required
def reviewer_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_manager(request)
    reviewer = get_object_or_404(Reviewer, pk=pk) if pk else None
    initial = (
        {
            "name": reviewer.name,
            "email": reviewer.email,
            "home_council": reviewer.home_council_id,
            "organisation": reviewer.organisation,
            "types": reviewer.types,
            "is_active": reviewer.is_active,
        }
        if reviewer
        else {"is_active": True}
    )
    form = ReviewerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = register.reviewer_save(
                actor=request.user, reviewer=reviewer, data=form.cleaned_data
            )
        except register.ReviewerError as exc:
            form.add_error("email", exc.errors[0])
        else:
            messages.success(request, f"{saved.name} saved.")
            return redirect("reviews:reviewer_detail", pk=saved.pk)
    return render(request, "reviews/reviewers/form.html", {"form": form, "reviewer": reviewer})


@login_required
def reviewer_record_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Accreditations, conflicts and past employers: the programme manager's to record."""
    _require_manager(request)
    reviewer = get_object_or_404(Reviewer, pk=pk)
    if kind not in RECORD_FORMS:
        raise Http404
    form_class, title, done, service = RECORD_FORMS[kind]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if kind != "employment":
            data["actor"] = request.user
        try:
            service(reviewer=reviewer, **data)
        except register.ReviewerError as exc:
            form.add_error(None, exc.errors[0])
        else:
            messages.success(request, done)
            return redirect("reviews:reviewer_detail", pk=reviewer.pk)
    return render(
        request,
        "reviews/reviewers/record_form.html",
        {"form": form, "reviewer": reviewer, "title": title},
    )


@login_required
def unavailability_add(request: HttpRequest, pk: int) -> HttpResponse:
    reviewer = _own_or_managed(request, pk)
    form = UnavailabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        register.unavailability_add(
            reviewer=reviewer,
            first_day=form.cleaned_data["first_day"],
            last_day=form.cleaned_data["last_day"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, "Unavailable days added.")
        return redirect("reviews:reviewer_detail", pk=reviewer.pk)
    return render(
        request, "reviews/reviewers/unavailability_form.html", {"form": form, "reviewer": reviewer}
    )


@login_required
@require_POST
def unavailability_remove(request: HttpRequest, pk: int, unavailability_pk: int) -> HttpResponse:
    reviewer = _own_or_managed(request, pk)
    unavailability = get_object_or_404(Unavailability, pk=unavailability_pk, reviewer=reviewer)
    register.unavailability_remove(unavailability=unavailability)
    messages.success(request, "Unavailable days removed.")
    return redirect("reviews:reviewer_detail", pk=reviewer.pk)


@login_required
@require_POST
def feed_change(request: HttpRequest, pk: int) -> HttpResponse:
    reviewer = _own_or_managed(request, pk)
    if request.POST.get("action") == "revoke":
        register.feed_token_revoke(reviewer=reviewer, actor=request.user)
        messages.success(request, "The calendar feed is turned off; its address no longer works.")
    else:
        register.feed_token_rotate(reviewer=reviewer, actor=request.user)
        messages.success(request, "A new calendar feed address is ready; any old one stopped.")
    return redirect("reviews:reviewer_detail", pk=reviewer.pk)


@login_required
def reviewers_upload(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = ReviewersUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            counts = register.reviewers_import(
                data=form.cleaned_data["file"].read(), actor=request.user
            )
        except register.ReviewerError as exc:
            problems = exc.errors
            form.add_error(
                "file",
                f"The file was not saved: {len(problems)} problem"
                f"{'s' if len(problems) != 1 else ''} (listed below). Correct it and upload it "
                "again",
            )
        else:
            messages.success(
                request,
                f"Reviewers saved: {counts['created']} added, {counts['updated']} changed, "
                f"{counts['accreditations']} accreditations added.",
            )
            return redirect("reviews:reviewer_list")
    return render(
        request,
        "reviews/reviewers/upload.html",
        {"form": form, "problems": problems, "columns": ",".join(register.IMPORT_COLUMNS)},
    )


@login_required
def reviewer_record_remove(request: HttpRequest, pk: int, kind: str, record_pk: int):
    """Remove an accreditation, conflict or past employer, after confirming."""
    _require_manager(request)
    reviewer = get_object_or_404(Reviewer, pk=pk)
    if kind not in register.REMOVABLE:
        raise Http404
    record = get_object_or_404(register.REMOVABLE[kind], pk=record_pk, reviewer=reviewer)
    if request.method == "POST":
        try:
            described = register.record_remove(
                actor=request.user, reviewer=reviewer, kind=kind, record_pk=record_pk
            )
        except register.ReviewerError as exc:
            messages.error(request, exc.errors[0])
        else:
            messages.success(request, f"Removed: {described}.")
        return redirect("reviews:reviewer_detail", pk=reviewer.pk)
    return render(
        request,
        "reviews/reviewers/record_remove.html",
        {"reviewer": reviewer, "record": record, "kind": kind},
    )
