"""Pages for the reviewer register, review teams, calendars and the pipeline.

Teams are the programme manager's; anyone else gets 404 (the booking does not exist for them).
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cib_portal import access
from cib_portal.downloads import content_disposition
from cib_portal.forms import CsvFileField, GovUKDateInput
from regions.models import Council, Region

from . import calendars, pipeline, team
from . import reviewers as register
from .models import Booking, Product, Reviewer, ReviewerType, TeamAssignment, Unavailability

MAX_IMPORT_BYTES = 2 * 1024 * 1024
EXCLUDED_SHOWN = 100


class TeamAddForm(forms.Form):
    candidate = forms.ChoiceField(
        label="Reviewer",
        help_text="Eligible reviewers, with their on-site days this year.",
        error_messages={"required": "Select a reviewer to add"},
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].choices = [("", "Choose a reviewer")] + [
            (
                f"{c.reviewer.pk}:{c.reviewer_type}",
                f"{c.reviewer.name} – {c.type_label} ({c.days_this_year} days this year)",
            )
            for c in candidates
        ]


def _type_rows(counts: dict[str, int]) -> list[dict]:
    labels = dict(ReviewerType.choices)  # a type edited into a product may be unknown
    return [
        {"label": labels.get(t, t), "count": n, "words": team.type_count_in_words(t, n)}
        for t, n in counts.items()
    ]


def _managed_booking(request: HttpRequest, pk: int) -> Booking:
    access.require(access.can_manage_reviewers(request.user))
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
            return redirect("reviewers:team", pk=booking.pk)
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
    return redirect("reviewers:team", pk=booking.pk)


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
    return redirect("reviewers:team", pk=booking.pk)


# --- The reviewer register ------------------------------------------------------------------


class ReviewerFilterForm(forms.Form):
    q = forms.CharField(label="Search by name, email or organisation", required=False)
    type = forms.ChoiceField(
        label="Reviewer type", required=False, choices=[("", "Any type"), *ReviewerType.choices]
    )
    accreditation = forms.ChoiceField(
        label="Accreditation",
        required=False,
        choices=[("", "Any"), ("current", "Accredited today"), ("lapsed", "Not accredited today")],
    )


class ReviewerForm(forms.Form):
    name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter the reviewer's name"}
    )
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter the reviewer's email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    home_council = forms.ModelChoiceField(
        label="Council they work for (optional)",
        queryset=Council.objects.order_by("name"),
        required=False,
        empty_label="None (not council staff)",
    )
    organisation = forms.CharField(label="Organisation (optional)", required=False, max_length=200)
    types = forms.MultipleChoiceField(
        label="Reviewer types",
        choices=ReviewerType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one reviewer type"},
    )
    is_active = forms.BooleanField(
        label="On the register (uncheck to retire the reviewer)", required=False, initial=True
    )


class UnavailabilityForm(forms.Form):
    first_day = forms.DateField(
        label="First day unavailable",
        widget=GovUKDateInput(),
        help_text="For example, 27 3 2027",
        error_messages={
            "required": "Enter the first day",
            "invalid": "The first day must be a real date",
        },
    )
    last_day = forms.DateField(
        label="Last day unavailable",
        widget=GovUKDateInput(),
        help_text="The same as the first day for a single day",
        error_messages={
            "required": "Enter the last day",
            "invalid": "The last day must be a real date",
        },
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("first_day") and data.get("last_day") and data["last_day"] < data["first_day"]:
            self.add_error("last_day", "The last day must be the same as or after the first day")
        return data


class ReviewersUploadForm(forms.Form):
    file = CsvFileField(
        max_bytes=MAX_IMPORT_BYTES, help_text="Up to 2 MB, with the columns shown above."
    )


def _date_field(label: str, required: bool = True, hint: str = "") -> forms.DateField:
    name = label.lower()
    return forms.DateField(
        label=label,
        required=required,
        widget=GovUKDateInput(),
        help_text=hint or "For example, 27 3 2027",
        error_messages={
            "required": f"Enter the {name}",
            "invalid": f"The {name} must be a real date",
        },
    )


class AccreditationForm(forms.Form):
    reviewer_type = forms.ChoiceField(
        label="Accredited as",
        choices=ReviewerType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the reviewer is accredited as"},
    )
    valid_from = _date_field("Start date")
    expires_on = _date_field("Expiry date", hint="The last day the accreditation is valid")


class ConflictForm(forms.Form):
    council = forms.ModelChoiceField(
        label="Council",
        queryset=Council.objects.order_by("name"),
        error_messages={"required": "Select the council"},
    )
    reason = forms.CharField(
        label="Reason", max_length=300, error_messages={"required": "Enter the reason"}
    )


class EmploymentForm(forms.Form):
    council = forms.ModelChoiceField(
        label="Council",
        queryset=Council.objects.order_by("name"),
        error_messages={"required": "Select the council"},
    )
    worked_from = _date_field("Start date")
    worked_until = _date_field(
        "End date", required=False, hint="Leave empty if they still work there"
    )


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
    access.require(access.can_manage_reviewers(request.user))


def _own_or_managed(request: HttpRequest, pk: int) -> Reviewer:
    """A reviewer the user may see: the programme manager any, a reviewer themselves."""
    reviewer = get_object_or_404(Reviewer, pk=pk)
    access.require(access.can_manage_reviewer_availability(request.user, reviewer))
    return reviewer


@login_required
def reviewer_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = ReviewerFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    reviewers = register.reviewer_list(
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
    reviewer = access.reviewer_for(request.user)
    access.require(reviewer is not None)
    return redirect("reviewers:detail", pk=reviewer.pk)


@login_required
def reviewer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _own_or_managed(request, pk)
    reviewer = register.reviewer_detail(pk=pk)
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
            "can_manage": access.can_manage_reviewers(request.user),
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
            return redirect("reviewers:detail", pk=saved.pk)
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
            return redirect("reviewers:detail", pk=reviewer.pk)
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
        return redirect("reviewers:detail", pk=reviewer.pk)
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
    return redirect("reviewers:detail", pk=reviewer.pk)


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
    return redirect("reviewers:detail", pk=reviewer.pk)


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
            return redirect("reviewers:list")
    return render(
        request,
        "reviews/reviewers/upload.html",
        {"form": form, "problems": problems, "columns": ",".join(register.IMPORT_COLUMNS)},
    )


# --- Calendars ------------------------------------------------------------------------------

ICS_TYPE = "text/calendar; charset=utf-8"


@login_required
def booking_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The booking's on-site days as an .ics file: for whoever may see the booking."""
    booking = get_object_or_404(Booking.objects.select_related("council", "product"), pk=pk)
    access.require(access.can_view_booking(request.user, booking))
    response = HttpResponse(calendars.booking_calendar(booking), content_type=ICS_TYPE)
    response["Content-Disposition"] = content_disposition(f"review-{booking.pk}.ics")
    return response


def reviewer_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private feed: the secret in the address is the only key (calendar apps cannot
    sign in), so a wrong, old or revoked one is a 404."""
    reviewer = calendars.reviewer_by_feed_token(token)
    if reviewer is None:
        raise Http404
    response = HttpResponse(calendars.reviewer_feed(reviewer), content_type=ICS_TYPE)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Capacity and the pipeline --------------------------------------------------------------


class PipelineFilterForm(forms.Form):
    by = forms.ChoiceField(
        label="Count by",
        required=False,
        choices=[("month", "Month"), ("week", "Week")],
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
    )
    year = forms.IntegerField(
        label="Year",
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
    )
    product = forms.ModelChoiceField(
        label="Product", required=False, queryset=Product.objects.all(), empty_label="All"
    )
    region = forms.ModelChoiceField(
        label="Region", required=False, queryset=Region.objects.all(), empty_label="All"
    )
    # From a home's "next weeks", which may run into the next year: every week from this day
    # on. A year typed in the form wins over it.
    start = forms.DateField(required=False, widget=forms.HiddenInput)


class CapacityForm(forms.Form):
    weekly_cap = forms.IntegerField(
        label="Most reviews on site in the same week",
        min_value=1,
        max_value=100,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the most reviews on site in a week",
            "invalid": "The cap must be a whole number, like 3",
            "min_value": "The cap must be at least 1",
            "max_value": "The cap must be 100 or fewer",
        },
    )


@login_required
def pipeline_page(request: HttpRequest) -> HttpResponse:
    access.require(access.can_view_review_pipeline(request.user))
    can_manage = access.can_manage_reviewers(request.user)
    cap_form = CapacityForm(
        request.POST if request.method == "POST" else None,
        initial={"weekly_cap": pipeline.weekly_cap()},
    )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if cap_form.is_valid():
            pipeline.weekly_cap_set(cap=cap_form.cleaned_data["weekly_cap"], actor=request.user)
            messages.success(request, "Weekly cap saved.")
            return redirect("reviewers:pipeline")
    form = PipelineFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    by = filters.get("by") or "month"
    start = None if filters.get("year") else filters.get("start")
    year = None if start else filters.get("year") or timezone.localdate().year
    rows = pipeline.pipeline_rows(
        user=request.user,
        by=by,
        year=year,
        start=start,
        product_id=filters["product"].pk if filters.get("product") else None,
        region_id=filters["region"].pk if filters.get("region") else None,
    )
    return render(
        request,
        "reviews/pipeline.html",
        {
            "form": form,
            "cap_form": cap_form,
            "can_manage": can_manage,
            "rows": rows,
            "by": by,
            "year": year,
            "start": start,
            "labels": pipeline.STAGE_LABELS,
            "cap": pipeline.weekly_cap(),
        },
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
        return redirect("reviewers:detail", pk=reviewer.pk)
    return render(
        request,
        "reviews/reviewers/record_remove.html",
        {"reviewer": reviewer, "record": record, "kind": kind},
    )
