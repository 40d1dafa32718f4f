"""A council's data: its data profile (and PDF), comparisons, and "why these neighbours".

Published data is open to every member (access.can_view_published); anyone else gets a 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import neighbours, permissions, selectors
from ..forms.comparisons import CompareForm

# --- A council's data ----------------------------------------------------------------------------


@login_required
def profile(request: HttpRequest, gss_code: str) -> HttpResponse:
    council = selectors.council_get(user=request.user, gss_code=gss_code)
    context = selectors.data_profile(council=council)
    context["local_rows"] = selectors.local_profile_rows(user=request.user, council=council)
    context["nav_section"] = "data"
    return render(request, "datasets/profile.html", context)


@login_required
@require_POST
def profile_pdf(request: HttpRequest, gss_code: str) -> HttpResponse:
    from ..reports import report_request_data_profile

    council = selectors.council_get(user=request.user, gss_code=gss_code)
    include_local = bool(selectors.local_profile_rows(user=request.user, council=council)) and bool(
        permissions.can_view_local_indicators(request.user, council)
    )
    job = report_request_data_profile(
        user=request.user, council=council, include_local=include_local
    )
    return redirect("reports:job_detail", job_id=job.pk)


@login_required
def compare(request: HttpRequest, gss_code: str) -> HttpResponse:
    council = selectors.council_get(user=request.user, gss_code=gss_code)
    themes = selectors.national_themes()
    form = CompareForm(
        request.GET or None,
        group_choices=selectors.group_choices(user=request.user, council=council),
        themes=themes,
    )
    kind, theme = "sn", ""
    if form.is_bound and form.is_valid():
        kind, theme = form.cleaned_data["group"], form.cleaned_data["theme"]
    result = selectors.compare(user=request.user, council=council, kind=kind, theme=theme or None)
    return render(
        request,
        "datasets/compare.html",
        {
            "council": council,
            "form": form,
            "theme": theme,
            "kind": kind,
            **result,
            "nav_section": "data",
        },
    )


@login_required
def neighbours_view(request: HttpRequest, gss_code: str) -> HttpResponse:
    council = selectors.council_get(user=request.user, gss_code=gss_code)
    return render(
        request,
        "datasets/neighbours.html",
        {"council": council, "x": neighbours.explain(council), "nav_section": "data"},
    )
