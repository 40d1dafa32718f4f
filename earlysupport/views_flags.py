"""Risk flag pages: the list (with CSV), a flag with its evidence and history, raising a flag
and each triage step.

Access: a flag the user may not see is a 404 (cib_portal.access.can_view_flags); a user who may
see it but not triage it (the council's senior leaders) gets a 403 on every change.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.timezone import template_localtime
from django.views.decorators.http import require_http_methods

from cib_portal import access
from cib_portal.csv_export import csv_response, safe_cell
from cib_portal.numbers import format_decimal
from datasets.models import Indicator, Unit
from peerchallenge.models import Challenge
from regions.models import Council
from reviews.models import Booking

from . import triage
from .dashboards import PERSON_FLAG_WEIGHT
from .forms_flags import (
    STATUS_NOT_CLOSED,
    AssignForm,
    CloseForm,
    FlagFilterForm,
    NoteForm,
    RaiseFlagForm,
    StepForm,
    SupportForm,
)
from .models import Flag, FlagStatus, Severity

PAGE_SIZE = 50

SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "raised": ("Raised", ("raised_at", "pk")),
    # "-severity" (the default) is the most serious first: red, then the rule's weight (the
    # flag's score; a person's flag counts 1, as on the dashboard), then the newest.
    "severity": ("Severity", ("severity", "-score", "-raised_at", "pk")),
    "council": ("Council", ("council__name", "-raised_at", "pk")),
}
DEFAULT_SORT = "-severity"


def flags_visible(user: Any) -> QuerySet[Flag]:
    return Flag.objects.filter(access.flags_visible_filter(user)).select_related(
        "council", "council__region", "rule", "owner"
    )


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
        ),
        pk=pk,
    )
    access.require(access.can_view_flags(request.user, flag.council))
    return flag


def _triage_flag(request: HttpRequest, pk: int) -> Flag:
    flag = _visible_flag(request, pk)
    if not access.can_triage_flags(request.user, flag.council):
        raise PermissionDenied("Only advisers covering the council and its region's leads can.")
    return flag


def _filtered(request: HttpRequest, form: FlagFilterForm) -> tuple[QuerySet[Flag], bool]:
    qs = flags_visible(request.user)
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or STATUS_NOT_CLOSED
    filtered = False
    if status == STATUS_NOT_CLOSED:
        qs = qs.exclude(status=FlagStatus.CLOSED)
    elif status != "all":
        qs = qs.filter(status=status)
        filtered = True
    if data.get("severity"):
        qs = qs.filter(severity=data["severity"])
        filtered = True
    if data.get("rule") == "person":
        qs = qs.filter(rule__isnull=True)
        filtered = True
    elif data.get("rule"):
        qs = qs.filter(rule__code=data["rule"])
        filtered = True
    if data.get("region"):
        qs = qs.filter(council__region__gss_code=data["region"])
        filtered = True
    if data.get("council"):
        qs = qs.filter(council__gss_code=data["council"].strip())
        filtered = True
    if data.get("q"):
        qs = qs.filter(council__name__icontains=data["q"].strip())
        filtered = True
    if data.get("mine"):
        qs = qs.filter(owner=request.user)
        filtered = True
    if data.get("proposed"):
        qs = qs.filter(evidence_gone_at__isnull=False).exclude(status=FlagStatus.CLOSED)
        filtered = True
    return qs, filtered


def _sort(request: HttpRequest) -> str:
    sort = request.GET.get("sort", DEFAULT_SORT)
    return sort if sort.lstrip("-") in SORTS else DEFAULT_SORT


def _ordered(qs: QuerySet[Flag], sort: str) -> QuerySet[Flag]:
    fields = SORTS[sort.lstrip("-")][1]
    if sort.startswith("-"):
        first = fields[0]
        fields = (first[1:] if first.startswith("-") else f"-{first}", *fields[1:])
    score = Coalesce("rule__weight", Value(PERSON_FLAG_WEIGHT))
    order = [
        (score.desc() if f == "-score" else score.asc()) if f.lstrip("-") == "score" else f
        for f in fields
    ]
    return qs.order_by(*order)


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
    access.require(access.may_see_any_flags(request.user))
    form = FlagFilterForm(request.GET or None)
    qs, filtered = _filtered(request, form)
    sort = _sort(request)
    qs = _ordered(qs, sort)
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
            "may_raise": _councils_user_may_triage(request.user).exists(),
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


def _councils_user_may_triage(user: Any) -> QuerySet[Council]:
    grants = access.grants_for(user)
    councils = Council.objects.select_related("region").order_by("name")
    if grants.is_superuser or grants.national_roles & access.ADVISER_ROLES:
        return councils
    regions = grants.regions_with(access.REGIONAL_LEAD_ROLES | access.ADVISER_ROLES)
    return councils.filter(region_id__in=regions)


def _rule_url(flag: Flag) -> str:
    if flag.rule_id is None:
        return ""
    for arg in (flag.rule.code, flag.rule_id):
        try:
            return reverse("earlysupport:rule_detail", args=[arg])
        except NoReverseMatch:
            continue
    return ""


def _booking_url(booking: Booking | None) -> str:
    return reverse("reviews:booking_detail", args=[booking.pk]) if booking else ""


def _challenge_url(challenge: Challenge | None) -> str:
    return reverse("peerchallenge:challenge_detail", args=[challenge.pk]) if challenge else ""


@login_required
def flag_detail(request: HttpRequest, pk: int) -> HttpResponse:
    flag = _visible_flag(request, pk)
    may_triage = access.can_triage_flags(request.user, flag.council)
    events = flag.events.select_related("actor").order_by("at", "id")
    status_labels = dict(FlagStatus.choices)
    history = [
        {
            "event": e,
            "what": _event_words(e, status_labels),
        }
        for e in events
    ]
    steps = triage.allowed_steps(flag) if may_triage else ()
    return render(
        request,
        "earlysupport/flags/detail.html",
        {
            "flag": flag,
            "evidence": _evidence(flag.evidence or {}, _figure_formats(flag.evidence or {})),
            "history": history,
            "may_triage": may_triage,
            "steps": steps,
            "rule_url": _rule_url(flag),
            "booking_url": _booking_url(flag.support_booking),
            "challenge_url": _challenge_url(flag.support_challenge),
            "assign_form": AssignForm(people=triage.people_who_may_triage(flag.council))
            if may_triage and flag.status != FlagStatus.CLOSED
            else None,
            "note_form": NoteForm() if may_triage else None,
        },
    )


def _event_words(event: Any, labels: dict[str, str]) -> str:
    if event.kind == "raised":
        return "Raised"
    if event.kind == "status":
        return f"{labels.get(event.from_status, event.from_status)} to " + labels.get(
            event.to_status, event.to_status
        )
    if event.kind == "owner":
        return "Owner changed"
    if event.kind == "note":
        return "Note"
    if event.kind == "evidence_updated":
        return "Evidence updated"
    if event.kind == "evidence_back":
        return "Evidence found again: no longer proposed for closing"
    if event.kind == "evidence_gone":
        return "Evidence gone: proposed for closing"
    return event.kind.replace("_", " ").capitalize()


def _figure_formats(evidence: dict) -> dict[str, tuple[int, str]]:
    """{code: (decimals, unit)} of the indicators behind the evidence's figures: one query."""
    codes = {f.get("indicator") for f in evidence.get("figures") or [] if isinstance(f, dict)}
    codes.discard(None)
    if not codes:
        return {}
    return {
        code: (decimals, unit)
        for code, decimals, unit in Indicator.objects.filter(code__in=codes).values_list(
            "code", "decimals", "unit"
        )
    }


def _figure_text(value: Any, shape: tuple[int, str] | None) -> Any:
    """A figure as the indicator gives it: its decimals, and % for a percentage, so a council's
    figure and its neighbours' mean share units and precision (the evaluator stores floats)."""
    if shape is None or value in (None, ""):
        return value
    try:
        text = format_decimal(value, shape[0])
    except (TypeError, ValueError, ArithmeticError):
        return value
    return f"{text}%" if shape[1] == Unit.PERCENTAGE else text


def _evidence(evidence: dict, formats: dict[str, tuple[int, str]] | None = None) -> dict[str, Any]:
    """The evidence in a shape the template can lay out, whatever the evaluator put in."""
    formats = formats or {}
    words = evidence.get("words") or []
    if isinstance(words, str):
        words = [words]
    figures = []
    for f in evidence.get("figures") or []:
        if not isinstance(f, dict):
            continue
        code = f.get("indicator", "")
        figures.append(
            {
                "indicator": f.get("indicator_name") or f.get("name") or code,
                "code": code,
                # Only an indicator that is still in the catalogue has a page to link to.
                "href": reverse("datasets:indicator_detail", args=[code])
                if code in formats
                else "",
                "period": f.get("period", ""),
                "value": _figure_text(f.get("value", ""), formats.get(f.get("indicator"))),
                "sn_mean": _figure_text(
                    f.get("sn_mean", f.get("neighbour_mean", "")), formats.get(f.get("indicator"))
                ),
                "sn_count": f.get("sn_count", f.get("neighbour_count", "")),
                "rank": f.get("national_rank", f.get("rank", "")),
                "rank_of": f.get("rank_of", f.get("national_count", "")),
                "quartile": f.get("quartile", ""),
            }
        )
    periods = evidence.get("periods") or []
    if isinstance(periods, str):
        periods = [periods]
    return {
        "words": [str(w) for w in words],
        "figures": figures,
        "periods": [str(p) for p in periods],
        "comparison": evidence.get("comparison", ""),
    }


@login_required
@require_http_methods(["GET", "POST"])
def flag_raise(request: HttpRequest) -> HttpResponse:
    councils = _councils_user_may_triage(request.user)
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
            bookings=Booking.objects.filter(council=flag.council)
            .select_related("product")
            .order_by("-first_on_site_day"),
            challenges=Challenge.objects.filter(
                access.challenges_visible_filter(request.user), host=flag.council
            )
            .distinct()
            .select_related("programme")
            .order_by("-programme__year"),
            initial={
                "support_kind": flag.support_kind or None,
                "support_booking": flag.support_booking_id,
                "support_challenge": flag.support_challenge_id,
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
