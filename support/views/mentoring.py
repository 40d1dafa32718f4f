"""Pages for the mentor register, a mentoring request's proposed mentors, and councils' asks
and offers with the brokering of matches.

Access: the register is for national staff and the advisers (others get a 404); a mentoring
request's page follows the request's own rule (404), and only the adviser covering the council
confirms or declines a mentor (403 with the reason); asks and offers are seen by every member;
a council's people (or its adviser) post for it; advisers and regional leads broker (403)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cib_portal import access
from earlysupport.selectors.flags import flags_answered_by

from .. import permissions
from ..filters import CouncilAskFilter
from ..forms import mentoring as f
from ..models.mentoring import Mentor
from ..selectors import mentoring as selectors
from ..services import mentoring as services
from ..services.common import SupportError

PAGE_SIZE = 25


def _page(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    status = context.pop("status", 200)
    return render(
        request,
        f"support/mentoring/{template}",
        {"nav_section": "support", **context},
        status=status,
    )


# --- The mentor register --------------------------------------------------------------------


@login_required
def mentor_list(request: HttpRequest) -> HttpResponse:
    access.require(permissions.can_view_mentors(request.user))
    data = {k: request.GET.get(k, "") for k in ("q", "active", "role_kind")}
    page = Paginator(selectors.mentors_visible(user=request.user, data=data), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return _page(
        request,
        "mentor_list.html",
        rows=selectors.mentor_rows(list(page.object_list)),
        page_obj=page,
        data=data,
    )


def _mentor_initial(mentor: Mentor) -> dict[str, Any]:
    return {
        "name": mentor.name,
        "email": mentor.email,
        "council": mentor.council_id,
        "role_kind": mentor.role_kind,
        "political_group": mentor.political_group,
        "experience": mentor.experience,
        "tags": ", ".join(mentor.tags),
        "capacity_per_year": mentor.capacity_per_year,
        "active": mentor.active,
        "conflicts": [c.pk for c in mentor.conflicts.all()],
    }


def _mentor_form_page(request: HttpRequest, mentor: Mentor | None) -> HttpResponse:
    access.require(permissions.can_manage_mentors(request.user))
    form = f.MentorForm(
        request.POST or None, initial=_mentor_initial(mentor) if mentor else {"active": True}
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        conflicts = list(values.pop("conflicts"))
        try:
            saved = services.mentor_save(
                user=request.user, mentor=mentor, values=values, conflicts=conflicts
            )
        except SupportError as exc:
            form.add_error(None, exc.reason)
        else:
            messages.success(request, f"{saved.name} saved on the register.")
            return redirect("support:mentor_detail", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return _page(request, "mentor_form.html", form=form, mentor=mentor, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def mentor_create(request: HttpRequest) -> HttpResponse:
    return _mentor_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def mentor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mentor = selectors.mentors_visible(user=request.user).filter(pk=pk).first()
    access.require(mentor is not None)
    return _mentor_form_page(request, mentor)


@login_required
def mentor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mentor = selectors.mentors_visible(user=request.user).filter(pk=pk).first()
    access.require(mentor is not None)
    assert mentor is not None
    (row,) = selectors.mentor_rows([mentor])
    assignments = mentor.assignments.select_related(
        "support_request__council", "support_request__offer"
    ).order_by("-created_at")
    return _page(request, "mentor_detail.html", row=row, mentor=mentor, assignments=assignments)


# --- A mentoring request's mentors ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def mentor_proposals(request: HttpRequest, pk: int) -> HttpResponse:
    support_request = selectors.mentoring_request_for(request.user, pk)
    if support_request is None:
        raise Http404
    may_confirm = permissions.can_confirm_mentor(request.user, support_request)
    filter_form = f.ProposalFilterForm(request.GET or None)
    group = filter_form.cleaned_data["political_group"] if filter_form.is_valid() else ""
    decline_form: Any = f.DeclineMentorForm()
    error = ""
    status = 200
    if request.method == "POST":
        access.require_permission(may_confirm)
        action = request.POST.get("action")
        if action == "end":
            current = selectors.confirmed_assignment(support_request)
            if current is None:
                raise Http404
            try:
                services.mentor_end(user=request.user, assignment=current)
            except SupportError as exc:
                messages.error(request, exc.reason)
            else:
                messages.success(request, f"{current.mentor.name}'s mentoring has ended.")
            return redirect("support:mentor_proposals", pk=support_request.pk)
        form: Any = (
            f.ConfirmMentorForm(request.POST)
            if action == "confirm"
            else f.DeclineMentorForm(request.POST)
        )
        if form.is_valid():
            mentor = Mentor.objects.filter(pk=form.cleaned_data["mentor"]).first()
            if mentor is None:
                raise Http404
            try:
                if action == "confirm":
                    services.mentor_confirm(
                        user=request.user,
                        support_request=support_request,
                        mentor=mentor,
                        political_group=form.cleaned_data.get("political_group", ""),
                    )
                    messages.success(request, f"{mentor.name} confirmed as mentor.")
                else:
                    services.mentor_decline(
                        user=request.user,
                        support_request=support_request,
                        mentor=mentor,
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(request, f"{mentor.name} will not be proposed again.")
            except SupportError as exc:
                error = exc.reason
                status = 409
            else:
                return redirect("support:mentor_proposals", pk=support_request.pk)
        else:
            if action != "confirm":
                decline_form = form
            error = "Enter the reason the mentor is not right."
            status = 400
    confirmed = selectors.confirmed_assignment(support_request)
    proposals = (
        services.mentor_proposals(support_request, political_group=group)
        if may_confirm and confirmed is None
        else []
    )
    return _page(
        request,
        "proposals.html",
        support_request=support_request,
        may_confirm=may_confirm,
        confirmed=confirmed,
        assignments=selectors.assignments_for(support_request),
        proposals=proposals,
        group=group,
        filter_form=filter_form,
        decline_form=decline_form,
        flags=flags_answered_by(user=request.user, support_request=support_request),
        error=error,
        status=status,
    )


# --- Asks and offers between councils ---------------------------------------------------------


@login_required
def ask_list(request: HttpRequest) -> HttpResponse:
    access.require(permissions.can_view_asks(request.user))
    filters = CouncilAskFilter(request.GET, queryset=selectors.asks_visible(user=request.user))
    form = filters.form
    asks = filters.qs if filters.is_valid() else filters.queryset.none()
    page = Paginator(asks, PAGE_SIZE).get_page(request.GET.get("page"))
    return _page(
        request,
        "ask_list.html",
        form=form,
        page_obj=page,
        asks=page.object_list,
        may_post=bool(selectors.councils_user_posts_for(request.user)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def ask_create(request: HttpRequest) -> HttpResponse:
    councils = selectors.councils_user_posts_for(request.user)
    access.require(bool(councils))
    form = f.AskForm(request.POST or None, councils=councils)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        council = next(c for c in councils if c.pk == data["council"])
        try:
            ask = services.ask_post(
                user=request.user,
                council=council,
                kind=data["kind"],
                theme=data["theme"],
                title=data["title"],
                description=data["description"],
            )
        except SupportError as exc:
            form.add_error(None, exc.reason)
        else:
            messages.success(request, "Posted.")
            return redirect("support:ask_detail", pk=ask.pk)
    status = 400 if request.method == "POST" else 200
    return _page(request, "ask_form.html", form=form, status=status)


def _ask(request: HttpRequest, pk: int):
    ask = selectors.ask_for(request.user, pk)
    if ask is None:
        raise Http404
    return ask


@login_required
def ask_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ask = _ask(request, pk)
    matches = [m for m in selectors.matches_for(ask) if permissions.can_view_match(request.user, m)]
    return _page(
        request,
        "ask_detail.html",
        ask=ask,
        matches=matches,
        may_broker=permissions.can_broker(request.user, ask.council),
        may_close=ask.is_open
        and bool(
            permissions.can_post_for(request.user, ask.council)
            or permissions.can_broker(request.user, ask.council)
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def ask_broker(request: HttpRequest, pk: int) -> HttpResponse:
    ask = _ask(request, pk)
    access.require_permission(permissions.can_broker(request.user, ask.council))
    candidates = selectors.offers_to_match(ask)
    form = f.BrokerForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            services.match_broker(
                user=request.user,
                ask=ask,
                offer=form.cleaned_data["other"],
                note=form.cleaned_data["note"],
            )
        except SupportError as exc:
            form.add_error(None, exc.reason)
        else:
            messages.success(request, "Match brokered: both councils have been emailed.")
            return redirect("support:ask_detail", pk=ask.pk)
    status = 400 if request.method == "POST" else 200
    return _page(
        request,
        "broker.html",
        ask=ask,
        form=form,
        has_candidates=candidates.exists(),
        status=status,
    )


@login_required
@require_http_methods(["POST"])
def ask_close(request: HttpRequest, pk: int) -> HttpResponse:
    ask = _ask(request, pk)
    access.require_permission(
        bool(permissions.can_post_for(request.user, ask.council))
        or bool(permissions.can_broker(request.user, ask.council)),
        permissions.ONLY_COUNCIL_POSTS,
    )
    try:
        services.ask_close(user=request.user, ask=ask)
    except SupportError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, "Closed.")
    return redirect("support:ask_detail", pk=ask.pk)
