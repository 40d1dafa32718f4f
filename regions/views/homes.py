"""Each role's home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cib_portal import access
from reviews import permissions as review_permissions
from reviews import selectors as review_selectors

from .. import homes, selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the home page made for their role."""
    kind = access.home_kind(request.user)
    context: dict = {"memberships": selectors.user_memberships(user=request.user)}
    if kind == "adviser":
        context.update(homes.adviser_home(user=request.user))
        return render(request, "regions/home_adviser.html", context)
    if kind == "programme_manager":
        context.update(homes.programme_manager_home(user=request.user))
        return render(request, "regions/home_programme_manager.html", context)
    if kind == "regional":
        context.update(homes.regional_home(user=request.user))
        return render(request, "regions/home_regional.html", context)
    if kind == "council":
        context.update(homes.council_home(user=request.user))
        return render(request, "regions/home_council.html", context)
    if kind == "reviewer":
        context["assignments"] = review_selectors.reviewer_assignments(user=request.user)
        context["reviewer"] = review_permissions.reviewer_for(request.user)
        return render(request, "regions/home_reviewer.html", context)
    return render(request, "regions/home_no_role.html", context, status=403)
