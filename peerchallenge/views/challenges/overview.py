"""The list of challenges a user may see, and a challenge's overview."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cib_portal import access
from datasets import selectors as datasets_selectors
from peerchallenge import permissions
from peerchallenge.forms import challenges as f
from peerchallenge.models import Challenge, Challenger, FeedbackLetter, SelfAssessment

from ._common import (
    OPEN_ACTION_STATUSES,
    PAGE_SIZE,
    challenge_for,
    dates_poll_url,
    letter_visible,
    render_part,
    self_assessment_visible,
)


@login_required
def challenge_list(request: HttpRequest) -> HttpResponse:
    access.require(access.is_member(request.user))
    visible = Challenge.objects.filter(
        permissions.challenges_visible_filter(request.user)
    ).distinct()
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


@login_required
def challenge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = challenge_for(request, pk)
    challengers = list(challenge.challengers.select_related("council", "person"))
    sa = SelfAssessment.objects.filter(challenge=challenge).first()
    letter = FeedbackLetter.objects.filter(challenge=challenge).first()
    actions = list(challenge.actions.all())
    today = timezone.localdate()
    return render_part(
        request,
        "detail.html",
        challenge,
        "overview",
        challengers=challengers,
        attendees=list(challenge.attendees.all()),
        lines=list(challenge.lines_of_enquiry.all()),
        document_count=challenge.documents.count(),
        self_assessment=sa,
        self_assessment_visible=self_assessment_visible(request, challenge, sa),
        letter=letter,
        letter_visible=letter_visible(request, challenge, letter),
        action_count=len(actions),
        overdue_count=sum(
            1 for a in actions if a.status in OPEN_ACTION_STATUSES and a.due_on < today
        ),
        follow_up_due=challenge.follow_up_due(),
        indicators=datasets_selectors.key_indicator_comparisons(council=challenge.host),
        dates_poll_url=dates_poll_url(challenge),
    )
