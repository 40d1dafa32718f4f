"""Risk flag pages: the list (with CSV), a flag with its evidence and history, raising a flag
and each triage step.

Access: a flag the user may not see is a 404 (cib_portal.permissions.can_view_flags); a user who may
see it but not triage it (the council's senior leaders) gets a 403 on every change.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.timezone import template_localtime
from django.views.decorators.http import require_http_methods

from cib_portal import access
from cib_portal.csv_export import csv_response, safe_cell
from peerchallenge.selectors import challenges_hosted_visible
from reviews.selectors import council_bookings_latest_first
from support.selectors.mentoring import council_requests_for_flags

from .. import permissions
from ..forms.flags import (
    AssignForm,
    CloseForm,
    FlagFilterForm,
    NoteForm,
    RaiseFlagForm,
    StepForm,
    SupportForm,
)
from ..models import Flag, FlagStatus, Severity
from ..selectors.flags import (
    DEFAULT_SORT,
    SORTS,
    councils_user_may_triage,
    flags_filtered,
    flags_ordered,
)
from ..services import triage
from . import flag_evidence

PAGE_SIZE = 50


def _visible_flag(request: HttpRequest, pk: int) -> Flag:
    flag = get_object_or_404(
        Flag.objects.select_related(
            "council",
            "council__region",
            "rule",
            "owner",
            "raised_by",
            "support_booking",
            "support_booking__product",
            "support_challenge",
            "support_challenge__programme",
            "support_request",
            "support_request__offer",
        ),
        pk=pk,
    )
    access.require(permissions.can_view_flags(request.user, flag.council))
    return flag


def _triage_flag(request: HttpRequest, pk: int) -> Flag:
    flag = _visible_flag(request, pk)
    access.require_permission(permissions.can_triage_flags(request.user, flag.council))
    return flag


def _sort(request: HttpRequest) -> str:
    sort = request.GET.get("sort", DEFAULT_SORT)
    return sort if sort.lstrip("-") in SORTS else DEFAULT_SORT


def _csv(qs: QuerySet[Flag]) -> HttpResponse:
    response, writer = csv_response("risk-flags.csv")
    writer.writerow(
        [
            "Flag",
            "Council code",
            "Council",
            "Region",
            "Rule",
            "Severity",
            "Status",
            "Raised",
            "As at",
            "Owner",
            "Proposed for closing",
            "Summary",
        ]
    )
    for f in qs:
        writer.writerow(
            [
                f.pk,
                f.council.gss_code,
                safe_cell(f.council.name),
                safe_cell(f.council.region.name),
                safe_cell(f.rule.name if f.rule else "Raised by a person"),
                f.get_severity_display(),
                f.get_status_display(),
                f.raised_at.date().isoformat(),
                f.as_of.isoformat() if f.as_of else "",
                safe_cell(str(f.owner) if f.owner else ""),
                "Yes" if f.is_proposed_for_closing else "No",
                safe_cell(f.summary),
            ]
        )
    return response


def _query_without(request: HttpRequest, *drop: str) -> str:
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()


@login_required
def flag_list(request: HttpRequest) -> HttpResponse:
    access.require(permissions.may_see_any_flags(request.user))
    form = FlagFilterForm(request.GET or None)
    qs, filtered = flags_filtered(
        user=request.user, data=form.cleaned_data if form.is_valid() else {}
    )
    sort = _sort(request)
    qs = flags_ordered(qs, sort)
    if request.GET.get("format") == "csv":
        return _csv(qs)
    # The list reads only what its rows show, as values: 50 flags with their council, region,
    # rule and owner as model instances took longer to build than the rest of the page.
    page_obj = Paginator(qs.values(*LIST_FIELDS), PAGE_SIZE).get_page(request.GET.get("page"))
    base = _query_without(request, "sort", "page", "format")
    columns = []
    for key, (label, _fields) in SORTS.items():
        direction = ""
        if sort == key:
            direction = "ascending"
        elif sort == f"-{key}":
            direction = "descending"
        next_sort = f"-{key}" if sort == key else key
        columns.append(
            {
                "key": key,
                "label": label,
                "aria_sort": direction,
                "href": "?" + "&".join(p for p in (base, f"sort={next_sort}") if p),
            }
        )
    return render(
        request,
        "earlysupport/flags/list.html",
        {
            "filters": form,
            "page_obj": page_obj,
            "rows": _list_rows(page_obj),
            "filtered": filtered,
            "columns": {c["key"]: c for c in columns},
            "csv_query": "&".join(p for p in (_query_without(request, "page", "format"),) if p),
            "may_raise": councils_user_may_triage(user=request.user).exists(),
        },
    )


LIST_FIELDS = (
    "pk",
    "council__name",
    "council__region__name",
    "rule__name",
    "severity",
    "status",
    "raised_at",
    "evidence_gone_at",
    "owner__full_name",
    "owner__email",
)
_SEVERITIES = dict(Severity.choices)
_STATUSES = dict(FlagStatus.choices)


def _list_rows(flags) -> list[dict]:
    """The list's rows (flags as LIST_FIELDS values) with every cell ready, so the template
    only places them: each tag partial is rendered once per distinct value on the page (the
    partials stay the one place their markup lives), each date once, and the links here."""
    done: dict[tuple, str] = {}

    def once(key: tuple, make) -> str:
        if key not in done:
            done[key] = make()
        return done[key]

    def tag(template: str, **context: str) -> str:
        return once((template, *context.values()), lambda: render_to_string(template, context))

    # flag_detail is "<pk>/" under the list's path: one reverse() for the page, not one a row.
    base = reverse("earlysupport:flag_list")
    rows = []
    for flag in flags:
        raised = template_localtime(flag["raised_at"])
        rows.append(
            {
                "href": f"{base}{flag['pk']}/",
                "council": flag["council__name"],
                "region": flag["council__region__name"],
                "rule": flag["rule__name"] or "",
                # As Flag.is_proposed_for_closing.
                "is_proposed_for_closing": flag["evidence_gone_at"] is not None
                and flag["status"] != FlagStatus.CLOSED,
                "severity_tag": tag(
                    "earlysupport/flags/_severity_tag.html",
                    severity=flag["severity"],
                    label=_SEVERITIES.get(flag["severity"], flag["severity"]),
                ),
                "status_tag": tag(
                    "earlysupport/flags/_status_tag.html",
                    status=flag["status"],
                    label=_STATUSES.get(flag["status"], flag["status"]),
                ),
                "raised": once(("date", raised.date()), lambda r=raised: date_format(r, "j F Y")),
                # As str(User): the full name, or the email address.
                "owner": flag["owner__full_name"] or flag["owner__email"] or "",
            }
        )
    return rows


def _rule_url(flag: Flag) -> str:
    if flag.rule_id is None:
        return ""
    for arg in (flag.rule.code, flag.rule_id):
        try:
            return reverse("earlysupport:rule_detail", args=[arg])
        except NoReverseMatch:
            continue
    return ""


def _booking_url(booking: Any) -> str:
    return reverse("reviews:booking_detail", args=[booking.pk]) if booking else ""


def _challenge_url(challenge: Any) -> str:
    return reverse("peerchallenge:challenge_detail", args=[challenge.pk]) if challenge else ""


def _support_request_url(support_request: Any) -> str:
    if support_request is None:
        return ""
    try:
        return reverse("support:request_detail", args=[support_request.pk])
    except NoReverseMatch:  # the support app's pages not yet installed
        return ""


@login_required
def flag_detail(request: HttpRequest, pk: int) -> HttpResponse:
    flag = _visible_flag(request, pk)
    may_triage = permissions.can_triage_flags(request.user, flag.council)
    events = flag.events.select_related("actor").order_by("at", "id")
    status_labels = dict(FlagStatus.choices)
    history = [
        {
            "event": e,
            "what": flag_evidence.event_words(e, status_labels),
        }
        for e in events
    ]
    steps = triage.allowed_steps(flag) if may_triage else ()
    return render(
        request,
        "earlysupport/flags/detail.html",
        {
            "flag": flag,
            "evidence": flag_evidence.evidence(
                flag.evidence or {}, flag_evidence.figure_formats(flag.evidence or {})
            ),
            "history": history,
            "may_triage": may_triage,
            "steps": steps,
            "rule_url": _rule_url(flag),
            "booking_url": _booking_url(flag.support_booking),
            "challenge_url": _challenge_url(flag.support_challenge),
            "support_request_url": _support_request_url(flag.support_request),
            "assign_form": AssignForm(people=triage.people_who_may_triage(flag.council))
            if may_triage and flag.status != FlagStatus.CLOSED
            else None,
            "note_form": NoteForm() if may_triage else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def flag_raise(request: HttpRequest) -> HttpResponse:
    councils = councils_user_may_triage(user=request.user)
    access.require(councils.exists())
    initial = {}
    code = request.GET.get("council", "").strip()
    if code:
        council = councils.filter(gss_code=code).first()
        access.require(council is not None)
        initial["council"] = council
    form = RaiseFlagForm(request.POST or None, councils=councils, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            flag = triage.flag_raise(
                user=request.user,
                council=data["council"],
                severity=data["severity"],
                summary=data["summary"],
                rationale=data["rationale"],
            )
        except triage.FlagError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Flag raised on {flag.council.name}.")
            return redirect("earlysupport:flag_detail", pk=flag.pk)
    return render(request, "earlysupport/flags/raise.html", {"form": form})


STEP_PAGES = {
    "acknowledge": (FlagStatus.ACKNOWLEDGED, "Acknowledge the flag", "Acknowledge"),
    "support": (FlagStatus.SUPPORT_AGREED, "Agree support", "Agree support"),
    "monitoring": (FlagStatus.MONITORING, "Start monitoring", "Start monitoring"),
    "close": (FlagStatus.CLOSED, "Close the flag", "Close the flag"),
}


@login_required
@require_http_methods(["GET", "POST"])
def flag_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    access.require(step in STEP_PAGES)
    flag = _triage_flag(request, pk)
    to_status, title, button = STEP_PAGES[step]
    data = request.POST if request.method == "POST" else None
    if to_status == FlagStatus.SUPPORT_AGREED:
        form: Any = SupportForm(
            data,
            bookings=council_bookings_latest_first(council=flag.council),
            challenges=challenges_hosted_visible(user=request.user, council=flag.council),
            support_requests=council_requests_for_flags(council=flag.council),
            initial={
                "support_kind": flag.support_kind or None,
                "support_booking": flag.support_booking_id,
                "support_challenge": flag.support_challenge_id,
                "support_request": flag.support_request_id,
                "support_note": flag.support_note,
            },
        )
    elif to_status == FlagStatus.CLOSED:
        initial = {}
        if request.GET.get("reason") == "evidence_gone" and flag.is_proposed_for_closing:
            initial["note"] = "Closed: the evidence that raised the flag has gone."
        form = CloseForm(data, initial=initial)
    else:
        form = StepForm(data)
    error = ""
    if to_status not in triage.allowed_steps(flag):
        if flag.status == FlagStatus.CLOSED:
            error = "This flag is closed: a closed flag cannot change."
        else:
            error = (
                f"A flag that is {flag.get_status_display().lower()} cannot be moved to "
                f"{dict(FlagStatus.choices)[to_status].lower()}."
            )
    if request.method == "POST" and not error and form.is_valid():
        values = form.cleaned_data
        try:
            triage.flag_transition(
                user=request.user,
                flag=flag,
                to_status=to_status,
                note=values.get("note", ""),
                support_kind=values.get("support_kind", ""),
                support_booking=values.get("support_booking"),
                support_challenge=values.get("support_challenge"),
                support_note=values.get("support_note", ""),
                support_request=values.get("support_request"),
            )
        except triage.FlagError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{title}: done.")
            return redirect("earlysupport:flag_detail", pk=flag.pk)
    status = 409 if error else (400 if request.method == "POST" else 200)
    return render(
        request,
        "earlysupport/flags/step.html",
        {
            "flag": flag,
            "form": form,
            "title": title,
            "button": button,
            "step": step,
            "closing": to_status == FlagStatus.CLOSED,
            "step_error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def flag_assign(request: HttpRequest, pk: int) -> HttpResponse:
    flag = _triage_flag(request, pk)
    form = AssignForm(request.POST or None, people=triage.people_who_may_triage(flag.council))
    if request.method == "POST" and form.is_valid():
        try:
            triage.flag_assign(user=request.user, flag=flag, owner=form.cleaned_data["owner"])
        except triage.FlagError as exc:
            form.add_error("owner", str(exc))
        else:
            messages.success(request, "Owner changed.")
            return redirect("earlysupport:flag_detail", pk=flag.pk)
    return render(
        request,
        "earlysupport/flags/form_page.html",
        {"flag": flag, "form": form, "title": "Change the owner", "button": "Save owner"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def flag_note(request: HttpRequest, pk: int) -> HttpResponse:
    flag = _triage_flag(request, pk)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            triage.flag_note(user=request.user, flag=flag, note=form.cleaned_data["note"])
        except triage.FlagError as exc:
            form.add_error("note", str(exc))
        else:
            messages.success(request, "Note added.")
            return redirect("earlysupport:flag_detail", pk=flag.pk)
    return render(
        request,
        "earlysupport/flags/form_page.html",
        {"flag": flag, "form": form, "title": "Add a note", "button": "Add note"},
        status=400 if request.method == "POST" else 200,
    )
