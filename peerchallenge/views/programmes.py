"""Programme pages: the list, creating a programme, a programme's page with its pairings, the
changes a regional team makes to a draft (pairings, councils by agreement, councils kept
apart, publishing) and declared conflicts of interest.

A programme the user may not see is a 404; one they may see but not change is a 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cib_portal import access
from peerchallenge import permissions, services
from peerchallenge.forms import programmes as f
from peerchallenge.models import Challenge, DeclaredConflict, Exclusion, Programme, ProgrammeModel
from peerchallenge.services import ProgrammeError
from regions.models import Council

PAGE_SIZE = 25


# --- Who may do what (from the access layer's grants) ---------------------------------------


# --- The list and creating a programme ------------------------------------------------------


def _ledger_url(request: HttpRequest) -> str | None:
    """The reciprocity ledger's address, for those it opens for (council people: none)."""
    return reverse("peerchallenge:ledger") if permissions.can_open_ledger(request.user) else None


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    access.require(access.is_member(request.user))
    visible = Programme.objects.filter(permissions.programmes_visible_filter(request.user)).values(
        "pk"
    )
    programmes = Programme.objects.filter(pk__in=visible)
    years = sorted(set(programmes.values_list("year", flat=True)), reverse=True)
    filters = f.ProgrammeFilterForm(request.GET or None, years=years)
    sort = "newest"
    if filters.is_valid():
        data = filters.cleaned_data
        if data.get("year"):
            programmes = programmes.filter(year=data["year"])
        if data.get("region"):
            programmes = programmes.filter(region=data["region"])
        if data.get("model"):
            programmes = programmes.filter(model=data["model"])
        if data.get("status"):
            programmes = programmes.filter(status=data["status"])
        sort = data.get("sort") or "newest"
    programmes = (
        programmes.select_related("region")
        .annotate(councils=Count("participants"))
        .order_by(*f.SORT_ORDER[sort])
    )
    page_obj = Paginator(programmes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "peerchallenge/programme/list.html",
        {
            "filters": filters,
            "page_obj": page_obj,
            "prepare_regions": list(permissions.regions_user_may_prepare(request.user)),
            "ledger_url": _ledger_url(request),
            "filtered": bool(request.GET.get("year") or request.GET.get("region"))
            or bool(request.GET.get("model") or request.GET.get("status")),
        },
    )


def _default_year() -> int:
    from django.utils import timezone

    today = timezone.localdate()
    return today.year + 1 if today.month >= 4 else today.year


@login_required
def programme_create(request: HttpRequest) -> HttpResponse:
    regions = permissions.regions_user_may_prepare(request.user)
    access.require(regions.exists())
    initial = {
        "year": _default_year(),
        "preference": "similar",
        "weight_context": 3,
        "weight_travel": 1,
        "weight_balance": 2,
        "days_per_challenge": 2,
        "model": ProgrammeModel.PAIRS,
    }
    form = f.ProgrammeCreateForm(
        request.POST if request.method == "POST" else None, regions=regions, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = services.programme_create(
                user=request.user,
                region=data["region"],
                year=data["year"],
                model=data["model"],
                cluster_size=data.get("cluster_size"),
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
                focus=data.get("focus", ""),
                preference=data["preference"],
                weight_context=data["weight_context"],
                weight_travel=data["weight_travel"],
                weight_balance=data["weight_balance"],
                days_per_challenge=data["days_per_challenge"],
            )
        except ProgrammeError as exc:
            form.add_error("year", str(exc))
        else:
            messages.success(request, f"{programme} created. Make the pairings when ready.")
            return redirect("peerchallenge:programme_detail", pk=programme.pk)
    return render(request, "peerchallenge/programme/create.html", {"form": form})


# --- A programme's page ---------------------------------------------------------------------


def _visible(request: HttpRequest, pk: int) -> Programme:
    programme = get_object_or_404(Programme.objects.select_related("region"), pk=pk)
    access.require(permissions.can_view_programme(request.user, programme))
    return programme


def _preparable(request: HttpRequest, pk: int) -> Programme:
    """A programme the user may change: 404 if they cannot see it, 403 if they only see it."""
    programme = _visible(request, pk)
    access.require_permission(permissions.can_prepare_programme(request.user, programme.region_id))
    return programme


def _detail_context(request: HttpRequest, programme: Programme) -> dict[str, Any]:
    participants = list(programme.participants.select_related("council__region"))
    ids = [p.council_id for p in participants]
    names = {p.council.gss_code: p.council.name for p in participants}
    conflicts = list(
        DeclaredConflict.objects.filter(council_a_id__in=ids, council_b_id__in=ids)
        .select_related("council_a", "council_b")
        .order_by("council_a__name", "council_b__name")
    )
    exclusions = list(
        programme.exclusions.select_related("council_a", "council_b").order_by(
            "council_a__name", "council_b__name"
        )
    )
    last_year = sorted(
        sorted(names[code] for code in pair)
        for pair in services.last_years_partners(programme, sorted(names))
    )
    group_model = programme.model != ProgrammeModel.PANEL
    challenges = list(
        programme.challenges.select_related("host")
        .prefetch_related("challengers__council", "challengers__person")
        .order_by(*(["group", "host__name"] if group_model else ["host__name"]))
    )
    for ch in challenges:
        # Linked only for those the workspace opens for (the others would meet a 404).
        ch.workspace_url = (
            reverse("peerchallenge:challenge_detail", args=[ch.pk])
            if permissions.can_view_challenge(request.user, ch)
            else None
        )
        explanation = ch.explanation or {}
        ch.terms = sorted((explanation.get("terms") or {}).items())
        ch.words = explanation.get("words") or []
    may_prepare = permissions.can_prepare_programme(request.user, programme.region_id)
    return {
        "programme": programme,
        "participants": participants,
        "by_agreement": [p for p in participants if p.council.region_id != programme.region_id],
        "conflicts": conflicts,
        "exclusions": exclusions,
        "last_year": last_year,
        "challenges": challenges,
        "group_model": group_model,
        "may_prepare": may_prepare,
        "may_change": may_prepare and not programme.is_published,
        "may_publish": permissions.can_publish_programme(request.user, programme),
        "ledger_url": _ledger_url(request),
    }


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _visible(request, pk)
    return render(
        request, "peerchallenge/programme/detail.html", _detail_context(request, programme)
    )


def _detail_with_error(request: HttpRequest, programme: Programme, error: str) -> HttpResponse:
    programme.refresh_from_db()
    context = _detail_context(request, programme)
    context["action_error"] = error
    return render(request, "peerchallenge/programme/detail.html", context)


def _sentence(message: str) -> str:
    """A message starting with a capital, as the error summary shows it."""
    return message[:1].upper() + message[1:]


@login_required
@require_POST
def programme_generate(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _preparable(request, pk)
    try:
        services.programme_generate(user=request.user, programme=programme)
    except ProgrammeError as exc:
        return _detail_with_error(request, programme, _sentence(str(exc)))
    messages.success(request, "The pairings have been made. Locked pairings were kept.")
    return redirect("peerchallenge:programme_detail", pk=programme.pk)


def _form_page(
    request: HttpRequest, programme: Programme, form: Any, *, title: str, button: str, **extra
) -> HttpResponse:
    context = {"programme": programme, "form": form, "title": title, "button": button, **extra}
    return render(request, "peerchallenge/programme/form.html", context)


@login_required
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _preparable(request, pk)
    councils = (
        Council.objects.exclude(pk__in=programme.participants.values("council_id"))
        .select_related("region")
        .order_by("name")
    )
    form = f.ParticipantAddForm(
        request.POST if request.method == "POST" else None, councils=councils
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_add(
                user=request.user,
                programme=programme,
                council=form.cleaned_data["council"],
                agreement=form.cleaned_data["agreement"],
            )
        except ProgrammeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{form.cleaned_data['council']} now takes part.")
            return redirect("peerchallenge:programme_detail", pk=programme.pk)
    return _form_page(
        request,
        programme,
        form,
        title="Add a council from another region",
        button="Add the council",
        intro="Every council of the region takes part. A council from another region may "
        "join by agreement: say what was agreed.",
    )


@login_required
def participant_remove(request: HttpRequest, pk: int, council_pk: int) -> HttpResponse:
    programme = _preparable(request, pk)
    participant = get_object_or_404(
        programme.participants.select_related("council").exclude(
            council__region_id=programme.region_id
        ),
        council_id=council_pk,
    )
    error = ""
    if request.method == "POST":
        try:
            services.participant_remove(
                user=request.user, programme=programme, council=participant.council
            )
        except ProgrammeError as exc:
            error = str(exc)
        else:
            messages.success(request, f"{participant.council} no longer takes part.")
            return redirect("peerchallenge:programme_detail", pk=programme.pk)
    return render(
        request,
        "peerchallenge/programme/confirm.html",
        {
            "programme": programme,
            "title": f"Remove {participant.council} from the programme?",
            "body": f"{participant.council} joined by agreement ({participant.agreement}). "
            "Its pairings in this programme will be removed.",
            "button": "Remove the council",
            "warning": True,
            "error": error,
        },
    )


@login_required
def exclusion_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _preparable(request, pk)
    councils = Council.objects.filter(pk__in=programme.participants.values("council_id")).order_by(
        "name"
    )
    form = f.ExclusionForm(request.POST if request.method == "POST" else None, councils=councils)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.exclusion_add(
                user=request.user,
                programme=programme,
                council=data["council"],
                other=data["other"],
                reason=data["reason"],
            )
        except ProgrammeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{data['council']} and {data['other']} will not be paired.")
            return redirect("peerchallenge:programme_detail", pk=programme.pk)
    return _form_page(
        request,
        programme,
        form,
        title="Keep two councils apart",
        button="Keep them apart",
        intro="The two councils will not be paired in this programme when the pairings are "
        "made, and cannot be paired by hand.",
    )


@login_required
def exclusion_delete(request: HttpRequest, pk: int, exclusion_pk: int) -> HttpResponse:
    programme = _preparable(request, pk)
    exclusion = get_object_or_404(
        Exclusion.objects.select_related("council_a", "council_b"),
        pk=exclusion_pk,
        programme=programme,
    )
    error = ""
    if request.method == "POST":
        try:
            services.exclusion_remove(user=request.user, exclusion=exclusion)
        except ProgrammeError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                f"{exclusion.council_a} and {exclusion.council_b} are no longer kept apart.",
            )
            return redirect("peerchallenge:programme_detail", pk=programme.pk)
    return render(
        request,
        "peerchallenge/programme/confirm.html",
        {
            "programme": programme,
            "title": f"Stop keeping {exclusion.council_a} and {exclusion.council_b} apart?",
            "body": f"Reason given: {exclusion.reason}. They may be paired when the pairings "
            "are made again.",
            "button": "Stop keeping them apart",
            "warning": True,
            "error": error,
        },
    )


def _challenge_of(programme: Programme, challenge_pk: int) -> Challenge:
    return get_object_or_404(
        Challenge.objects.select_related("host"), pk=challenge_pk, programme=programme
    )


@login_required
def pairing_edit(request: HttpRequest, pk: int, challenge_pk: int) -> HttpResponse:
    programme = _preparable(request, pk)
    challenge = _challenge_of(programme, challenge_pk)
    councils = (
        Council.objects.filter(pk__in=programme.participants.values("council_id"))
        .exclude(pk=challenge.host_id)
        .order_by("name")
    )
    current = list(challenge.challengers.values_list("council_id", flat=True))
    form = f.ChallengersForm(
        request.POST if request.method == "POST" else None,
        councils=councils,
        initial={"challengers": current},
        label=f"Which councils challenge {challenge.host}?",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.challenge_set_challengers(
                user=request.user,
                challenge=challenge,
                councils=list(form.cleaned_data["challengers"]),
            )
        except ProgrammeError as exc:
            form.add_error("challengers", str(exc))
        else:
            messages.success(
                request, f"The challengers of {challenge.host} are set and the pairing locked."
            )
            return redirect("peerchallenge:programme_detail", pk=programme.pk)
    return _form_page(
        request,
        programme,
        form,
        title=f"Choose who challenges {challenge.host}",
        button="Save and lock the pairing",
        intro=(
            "Only this panel changes, and it is locked: it is kept when the pairings are made "
            "again."
            if programme.model == ProgrammeModel.PANEL
            else f"{challenge.host} and the councils you choose become one group, locked: it is "
            "kept when the pairings are made again. The other councils are paired again around "
            "it."
        )
        + " Declared conflicts, councils kept apart and last year's partners are refused.",
    )


@login_required
@require_POST
def pairing_lock(request: HttpRequest, pk: int, challenge_pk: int) -> HttpResponse:
    programme = _preparable(request, pk)
    challenge = _challenge_of(programme, challenge_pk)
    locked = request.POST.get("locked") == "1"
    try:
        services.challenge_set_locked(user=request.user, challenge=challenge, locked=locked)
    except ProgrammeError as exc:
        return _detail_with_error(request, programme, str(exc))
    messages.success(
        request,
        f"The pairing of {challenge.host} is {'locked' if locked else 'unlocked'}.",
    )
    return redirect("peerchallenge:programme_detail", pk=programme.pk)


@login_required
def programme_publish(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _visible(request, pk)
    access.require_permission(permissions.can_publish_programme(request.user, programme))
    error = ""
    if request.method == "POST":
        try:
            services.programme_publish(user=request.user, programme=programme)
        except ProgrammeError as exc:
            error = str(exc)
        else:
            messages.success(request, "The pairings are published and the councils emailed.")
            return redirect("peerchallenge:programme_detail", pk=programme.pk)
    count = programme.participants.count()
    return render(
        request,
        "peerchallenge/programme/confirm.html",
        {
            "programme": programme,
            "title": "Publish the pairings?",
            "body": f"The director of children's services, lead member and chief executive of "
            f"each of the {count} councils taking part will be emailed who challenges them "
            "and whom they challenge. The pairings cannot be changed after publishing.",
            "button": "Publish and email the councils",
            "warning": False,
            "error": error,
        },
    )
